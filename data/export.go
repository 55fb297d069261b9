package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// exportBatch is how many rows one of ExportRows' queries reads: enough
// that the queries cost little beside the rows, few enough that a batch
// is a few megabytes at most. A variable only so tests can cross batches
// with a few rows.
var exportBatch = 500

// ExportRows calls fn with each assessment matching f (not grouped by
// person), newest first, as the CSV export writes it. It reads in batches,
// each a short query resuming after the last row sent: memory stays flat
// whatever the history's size, no read stays open while fn writes to a
// slow client, and the first row comes after one batch. The row passed to
// fn is fn's to keep. An error from fn stops the walk and is returned.
func (s *Store) ExportRows(ctx context.Context, f assessment.Filter, fn func(*assessment.ExportRow) error) error {
	from, conds, args := s.exportFrom(f)
	var after *assessment.ExportRow
	for {
		where, batchArgs := conds, args
		if after != nil {
			where = append(where[:len(where):len(where)], exportAfterCond)
			batchArgs = append(batchArgs[:len(batchArgs):len(batchArgs)], formatTime(after.CreatedAt), after.ID)
		}
		batch, err := s.exportBatch(ctx, from, where, batchArgs)
		if err != nil {
			return fmt.Errorf("export assessments: %w", err)
		}
		for _, row := range batch {
			if err := fn(row); err != nil {
				return err
			}
		}
		if len(batch) < exportBatch {
			return nil
		}
		after = batch[len(batch)-1]
	}
}

// exportBatchSQL reads the next batch of an export from from, under the
// conditions where; its last argument is the batch's size.
// exportFrom is the table an export reads, through the index a filter
// needs, and the filter's conditions and arguments.
func (s *Store) exportFrom(f assessment.Filter) (string, []string, []any) {
	conds, args := s.d.filterConds(f)
	if len(conds) == 0 {
		return `assessments`, nil, nil
	}
	return `assessments` + s.d.indexedBy(exportIndex(f)), conds, args
}

// exportIndex is the index an export reads: by date, so each batch is
// read in order and stops at its size, whatever it filters on; only the
// search reads assessments_person, where its words are.
func exportIndex(f assessment.Filter) string {
	if f.Search != "" {
		return "assessments_person"
	}
	return "assessments_desk"
}

// exportAfterCond resumes an export after the last row sent; its
// arguments are that row's time and id. Written as a row value, both
// databases read it as a range of the date index: PostgreSQL reads
// "created_at < ? OR (created_at = ? AND id < ?)" as a filter, scanning
// every row already sent again for each batch.
const exportAfterCond = `(created_at, id) < (?, ?)`

func (s *Store) exportBatchSQL(from string, where []string) string {
	query := `SELECT id, token, questionnaire_version, outcome, status,
		contact_name, contact_email, contact_company, contact_role, consent, answers, result, created_at
		FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	return query + ` ORDER BY created_at DESC, id DESC LIMIT ?`
}

func (s *Store) exportBatch(ctx context.Context, from string, where []string, args []any) ([]*assessment.ExportRow, error) {
	rows, err := s.db.QueryContext(ctx, s.exportBatchSQL(from, where), append(args, exportBatch)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	batch := make([]*assessment.ExportRow, 0, exportBatch)
	for rows.Next() {
		row, err := scanExportRow(rows)
		if err != nil {
			return nil, err
		}
		batch = append(batch, row)
	}
	return batch, rows.Err()
}

func scanExportRow(rows *sql.Rows) (*assessment.ExportRow, error) {
	var (
		r                            assessment.ExportRow
		answers, resultText, created string
	)
	c := &r.Contact
	err := rows.Scan(&r.ID, &r.Token, &r.QuestionnaireVersion, &r.Outcome, &r.Status,
		&c.Name, &c.Email, &c.Company, &c.Role, &c.Consent, &answers, &resultText, &created)
	if err != nil {
		return nil, err
	}
	if r.Answers, err = decodeAnswers(answers); err != nil {
		return nil, fmt.Errorf("decode answers of assessment %d: %w", r.ID, err)
	}
	// Of the result, only each criterion's id, score and level: decoding
	// into this skips the rest. (Asking the database for the criteria
	// alone costs more: PostgreSQL parses the whole result to find them,
	// which took most of an export's time there.)
	var result struct {
		Criteria []assessment.CriterionScore `json:"criteria"`
	}
	if err := json.Unmarshal([]byte(resultText), &result); err != nil {
		return nil, fmt.Errorf("decode criteria of assessment %d: %w", r.ID, err)
	}
	r.Criteria = result.Criteria
	if r.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &r, nil
}
