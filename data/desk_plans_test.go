package data

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// planOf is how the database would run query: SQLite's EXPLAIN QUERY PLAN
// lines, or PostgreSQL's EXPLAIN lines with sequential and bitmap scans and
// sorts priced out, so that a query an index can serve in order shows that
// index, whatever a table of a few test rows would make cheapest.
//
// SQLite plans without statistics (fitcheck never runs ANALYZE), from the
// schema alone: the plan on a few rows is the plan on 100,000.
func planOf(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	tx, err := s.db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	explain := `EXPLAIN QUERY PLAN `
	if s.d.postgres() {
		explain = `EXPLAIN (COSTS OFF) `
		for _, off := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
			if _, err := tx.ExecContext(t.Context(), `SET LOCAL `+off+` = off`); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, err := tx.QueryContext(t.Context(), explain+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := vals[len(vals)-1] // SQLite: id, parent, notused, detail; PostgreSQL: one column
		switch v := line.(type) {
		case string:
			lines = append(lines, v)
		case []byte:
			lines = append(lines, string(v))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// A SQLite plan line that reads a table row by row rather than through an
// index ("SCAN a", "SCAN assessments").
var bareTableScan = regexp.MustCompile(`^SCAN (a|b|assessments)$`)

// checkPlan fails t when plan reads the assessments table whole, sorts
// when sorted is false, or does not mention each of uses.
func checkPlan(t *testing.T, s *Store, what string, plan []string, sorted bool, uses ...string) {
	t.Helper()
	text := strings.Join(plan, "\n")
	for _, line := range plan {
		line = strings.TrimSpace(strings.TrimLeft(line, "-> "))
		if bareTableScan.MatchString(line) || strings.HasPrefix(line, "Seq Scan on assessments") {
			t.Errorf("%s reads the table whole (%q); plan:\n%s", what, line, text)
		}
	}
	if !sorted && (strings.Contains(text, "TEMP B-TREE") || strings.Contains(text, "Sort")) {
		t.Errorf("%s sorts its rows instead of reading an index in order; plan:\n%s", what, text)
	}
	for _, u := range uses {
		if !strings.Contains(text, u) {
			t.Errorf("%s does not read %s; plan:\n%s", what, u, text)
		}
	}
}

// sqliteUses is what a plan must say on SQLite only: PostgreSQL picks its
// index by its statistics, which a test database does not have.
func sqliteUses(s *Store, uses ...string) []string {
	if s.d.postgres() {
		return nil
	}
	return uses
}

// TestListPlansReadIndexes fails when a page of the review list would read
// every assessment again: each list order, page 2 and the last page, its
// count, the filters and the search, and the page's own rows.
func TestListPlansReadIndexes(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	year := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	orders := map[assessment.Order]string{
		assessment.OrderCallFirst: "assessments_call_first",
		assessment.OrderOutcome:   "assessments_by_outcome",
		assessment.OrderNewest:    "assessments_desk",
		assessment.OrderOldest:    "assessments_desk",
	}
	for o, index := range orders {
		from, args := s.listFrom(assessment.Filter{GroupByEmail: true})
		for _, reverse := range []bool{false, true} { // page 2, and the last page
			plan := planOf(t, s, pageSQL(from, o, reverse), append(args, 25, 25)...)
			checkPlan(t, s, "list "+string(o), plan, false, index)
		}
		checkPlan(t, s, "count of the list", planOf(t, s, countSQL(from), args...), false, sqliteUses(s, "COVERING INDEX")...)
	}
	filters := []struct {
		name  string
		f     assessment.Filter
		index string
	}{
		{"outcome and dates", assessment.Filter{Outcome: assessment.HireAPM, From: year, To: year.AddDate(1, 0, 0)}, "COVERING INDEX assessments_desk"},
		{"status", assessment.Filter{Status: assessment.StatusNew}, "COVERING INDEX assessments_desk"},
		{"search", assessment.Filter{Search: "northwind"}, "COVERING INDEX assessments_person"},
		{"waiting", assessment.Waiting(), "COVERING INDEX assessments_person"},
	}
	for _, tt := range filters {
		f := tt.f
		f.GroupByEmail = true
		from, args := s.listFrom(f)
		// A filtered page sorts the rows that match; only the unfiltered
		// list, which can hold every assessment, must not.
		for o := range orders {
			checkPlan(t, s, tt.name+", "+string(o), planOf(t, s, pageSQL(from, o, false), append(args, 25, 25)...), true,
				sqliteUses(s, tt.index, "SEARCH b USING COVERING INDEX assessments_person")...)
		}
		checkPlan(t, s, "count of "+tt.name, planOf(t, s, countSQL(from), args...), false, sqliteUses(s, tt.index)...)
		query, extra := s.earlierTakesSQL(f, 2)
		checkPlan(t, s, "earlier takes, "+tt.name, planOf(t, s, query, append([]any{"a@example.com", "b@example.com"}, extra...)...), true,
			sqliteUses(s, "COVERING INDEX assessments_person")...)
	}
	checkPlan(t, s, "the page's rows", planOf(t, s, summariesSQL(3), 1, 2, 3), false, sqliteUses(s, "INTEGER PRIMARY KEY")...)
}

// TestDashboardPlansReadIndexes: every figure of the dashboard from an
// index or a small table, never a pass over every assessment.
func TestDashboardPlansReadIndexes(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	at := formatTime(now)
	checkPlan(t, s, "outcome counts", planOf(t, s, s.countOutcomesSQL(3), at, at, at, at), true, sqliteUses(s, "COVERING INDEX assessments_desk")...)
	checkPlan(t, s, "weekly outcomes", planOf(t, s, s.weeklyOutcomesSQL(), at), true, sqliteUses(s, "COVERING INDEX assessments_desk")...)
	waiting, args := s.listFrom(assessment.Waiting())
	checkPlan(t, s, "waiting", planOf(t, s, countSQL(waiting), args...), false, sqliteUses(s, "COVERING INDEX assessments_person")...)
	checkPlan(t, s, "calibrations", planOf(t, s, countCalibrationsSQL), true, sqliteUses(s, "SCAN c", "SEARCH a USING")...)
	checkPlan(t, s, "calibrations by rule", planOf(t, s, s.countCalibrationsByRuleSQL()), true,
		sqliteUses(s, "SCAN c", "SEARCH a USING COVERING INDEX assessments_answer_sets (id=?)")...)
	checkPlan(t, s, "bookings", planOf(t, s, s.countBookingsSQL(), "clicked", "booked", at, at), true,
		sqliteUses(s, "SCAN e", "SEARCH a USING INTEGER PRIMARY KEY")...)
	checkPlan(t, s, "funnel", planOf(t, s, funnelSQL, at), true, sqliteUses(s, "COVERING INDEX step_views_created_at")...)
}

// TestStreamsReadInOrder: an export batch and a re-score batch read rows
// in an index's order and stop at the batch's size, so the first row goes
// out without the rest being read or sorted. (The search is the exception:
// it sorts its matches, read from assessments_person.)
func TestStreamsReadInOrder(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	year := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []assessment.Filter{
		{},
		{Outcome: assessment.HireAPM},
		{Status: assessment.StatusNew},
		{From: year, To: year.AddDate(1, 0, 0)},
	} {
		from, conds, args := s.exportFrom(f)
		checkPlan(t, s, "export", planOf(t, s, s.exportBatchSQL(from, conds), append(args, 500)...), false)
		after := append(append([]string{}, conds...), exportAfterCond)
		checkPlan(t, s, "export, next batch", planOf(t, s, s.exportBatchSQL(from, after), append(args, formatTime(year), 7, 500)...), false)
	}
	checkPlan(t, s, "re-score batch", planOf(t, s, s.answerSetBatchSQL(), 0, 1000), false, sqliteUses(s, "COVERING INDEX assessments_answer_sets")...)
}

// TestOrderKeysFollowCallPriority: the list's computed orders rank the
// outcomes as assessment.CallPriority does, and migration 0008's indexes
// hold the very same expressions (or the planner could not use them).
func TestOrderKeysFollowCallPriority(t *testing.T) {
	var rank, call strings.Builder
	rank.WriteString("CASE outcome")
	call.WriteString("CASE WHEN consent AND status = 'new' AND NOT possibly_automated THEN 0 ELSE 10 END + CASE outcome")
	for i, id := range assessment.CallPriority {
		rank.WriteString(" WHEN '" + id + "' THEN " + strconv.Itoa(i))
		if id == assessment.DifferentConversation {
			call.WriteString(" WHEN '" + id + "' THEN CASE WHEN messaged THEN " + strconv.Itoa(i) + " ELSE " + strconv.Itoa(len(assessment.CallPriority)) + " END")
		} else {
			call.WriteString(" WHEN '" + id + "' THEN " + strconv.Itoa(i))
		}
	}
	last := " ELSE " + strconv.Itoa(len(assessment.CallPriority)) + " END"
	rank.WriteString(last)
	call.WriteString(last)
	if outcomeKey != rank.String() {
		t.Errorf("outcomeKey = %s\nwant %s (from assessment.CallPriority)", outcomeKey, rank.String())
	}
	if callFirstKey != call.String() {
		t.Errorf("callFirstKey = %s\nwant %s (from assessment.CallPriority)", callFirstKey, call.String())
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b, err := migrations.ReadFile("migrations/" + dialect + "/0008_desk_at_scale.sql")
		if err != nil {
			t.Fatal(err)
		}
		script := strings.Join(strings.Fields(string(b)), " ")
		for name, key := range map[string]string{"callFirstKey": callFirstKey, "outcomeKey": outcomeKey} {
			if !strings.Contains(script, "(("+key+"), created_at DESC, id DESC)") {
				t.Errorf("%s 0008 has no index on %s as the list orders by it", dialect, name)
			}
		}
	}
}
