package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
)

// runBare is the bare ceiling: a net/http server that answers every request
// with the same bytes, captured from the real server. It runs in its own
// process on the server's CPU, so it is measured exactly as fitcheck is.
func runBare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fitcheck-bench bare", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	bodyFile := fs.String("body", "", "file holding the response body")
	headerFile := fs.String("header", "", "file holding the response headers, one \"Name: value\" a line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		return err
	}
	fixed, err := readHeaderFile(*headerFile)
	if err != nil {
		return err
	}
	fixed.Set("Content-Length", strconv.Itoa(len(body)))
	// The same headers as the real server's landing page (its security
	// headers and ETag included), so the client side parses the same
	// response and only the server's work differs.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for k, v := range fixed {
			hd[k] = v
		}
		w.Write(body)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readHeaderFile reads headers as http.Header.Write wrote them.
func readHeaderFile(path string) (http.Header, error) {
	if path == "" {
		return http.Header{"Content-Type": {"text/html; charset=utf-8"}}, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	mime, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(b, '\r', '\n')))).ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("read headers %s: %w", path, err)
	}
	return http.Header(mime), nil
}

// insertCeiling is what the raw SQLite ceiling measured.
type insertCeiling struct {
	Rows    int           `json:"rows"`
	Elapsed time.Duration `json:"elapsed"`
	P50     time.Duration `json:"p50"`
	P99     time.Duration `json:"p99"`
	P999    time.Duration `json:"p999"`
	CPU     time.Duration `json:"cpu"`

	// Measured by the bench around the ceiling's process: its wall time
	// and each CPU's busy time in it, to see what else was running.
	Wall    time.Duration   `json:"-"`
	ProcCPU time.Duration   `json:"-"` // the whole process's, start-up included
	Busy    []time.Duration `json:"-"`
}

// Others is the CPU other work took while the ceiling ran, as a fraction
// of one core: on the server's CPU when pinned, else across the machine.
func (c insertCeiling) Others(pinned bool) float64 {
	m := measurement{Wall: c.Wall, ServerCPU: c.ProcCPU, CPUBusy: c.Busy}
	onServer, _ := m.Others(pinned)
	return onServer
}

func (c insertCeiling) Rate() float64 {
	if c.Elapsed <= 0 {
		return 0
	}
	return float64(c.Rows) / c.Elapsed.Seconds()
}

// runSQLiteCeiling is the storage ceiling: one assessment row per
// transaction, committed one after another, into a database made by
// data.Open and opened with data.DSN, the settings the server uses
// (WAL, synchronous=FULL, immediate transactions). It prints what it
// measured as JSON.
func runSQLiteCeiling(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fitcheck-bench sqlite-ceiling", flag.ContinueOnError)
	path := fs.String("db", "", "database file to create")
	d := fs.Duration("duration", 5*time.Second, "how long to insert")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := data.Open(ctx, *path)
	if err != nil {
		return err
	}
	store.Close()
	db, err := sql.Open("sqlite", data.DSN(*path))
	if err != nil {
		return err
	}
	defer db.Close()

	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	created := now.Format("2006-01-02T15:04:05.000000000Z")
	if _, err := db.ExecContext(ctx, `INSERT INTO questionnaire_versions (hash, content, created_at) VALUES (?, ?, ?)`,
		q.Version, q.Source, created); err != nil {
		return err
	}
	// The row a submit stores: the same answers and result, encoded as the
	// store encodes them.
	ans := q.Examples[0].Answers
	res := rules.Evaluate(q, ans)
	answersJSON, err := json.Marshal(ans)
	if err != nil {
		return err
	}
	resultJSON, err := json.Marshal(res)
	if err != nil {
		return err
	}

	var latencies []time.Duration
	cpu0 := ownCPUTime()
	began := time.Now()
	for i := 0; time.Since(began) < *d && ctx.Err() == nil; i++ {
		token := fmt.Sprintf("ceiling%017d", i) // 24 characters, like a share token
		t0 := time.Now()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessments (token, questionnaire_version, outcome, answers, result,
			contact_name, contact_email, contact_company, contact_role, consent, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			token, q.Version, res.Outcome, string(answersJSON), string(resultJSON),
			"", "", "", "", false, string(assessment.StatusNew), created, created); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		latencies = append(latencies, time.Since(t0))
	}
	out := insertCeiling{Rows: len(latencies), Elapsed: time.Since(began), CPU: ownCPUTime() - cpu0}
	slices.Sort(latencies)
	out.P50, out.P99, out.P999 = quantile(latencies, 0.50), quantile(latencies, 0.99), quantile(latencies, 0.999)
	return json.NewEncoder(stdout).Encode(out)
}
