package data

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestNumberPlaceholders(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`WHERE a = ? AND b = ?`, `WHERE a = $1 AND b = $2`},
		{`VALUES (?, ?, ?)`, `VALUES ($1, $2, $3)`},
		{`WHERE a LIKE ? ESCAPE '\' OR b = ?`, `WHERE a LIKE $1 ESCAPE '\' OR b = $2`},
		{`SELECT '?' , "a?b", ? -- why?` + "\n" + `, ?`, `SELECT '?' , "a?b", $1 -- why?` + "\n" + `, $2`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
	}
	for _, tt := range tests {
		if got := numberPlaceholders(tt.in); got != tt.want {
			t.Errorf("numberPlaceholders(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOpenConcurrently: instances starting at once on one new database
// (a rolling deploy, two replicas) each migrate it once, without failing.
func TestOpenConcurrently(t *testing.T) {
	where := newTestDB(t)
	const instances = 4
	var wg sync.WaitGroup
	stores := make([]*Store, instances)
	errs := make([]error, instances)
	for i := range instances {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), where) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open #%d = %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	st, err := stores[0].Migrations(t.Context())
	if err != nil || !st.Current() || len(st.Applied) == 0 {
		t.Errorf("Migrations() = %+v, %v; want every known migration applied once", st, err)
	}
}

func TestCheckSettings(t *testing.T) {
	s := mustOpen(t)
	problems, err := s.CheckSettings(t.Context())
	if err != nil || len(problems) != 0 {
		t.Errorf("CheckSettings() = %q, %v; want no problems on a store Open set up", problems, err)
	}
}

// TestFileToolsRefusePostgres: backup and integrity check are SQLite's;
// on PostgreSQL they say so instead of failing obscurely.
func TestFileToolsRefusePostgres(t *testing.T) {
	if testPostgres == "" {
		t.Skip("PostgreSQL only: on SQLite these tools work (see TestBackupRefusesToOverwrite)")
	}
	s := mustOpen(t)
	if err := s.Backup(t.Context(), filepath.Join(t.TempDir(), "copy.db")); !errors.Is(err, ErrNotSQLite) {
		t.Errorf("Backup on PostgreSQL = %v, want ErrNotSQLite", err)
	}
	if _, err := s.IntegrityCheck(t.Context()); !errors.Is(err, ErrNotSQLite) {
		t.Errorf("IntegrityCheck on PostgreSQL = %v, want ErrNotSQLite", err)
	}
}

// TestReady: a store that opened is ready; one whose database a newer
// build has migrated is not, and neither is one whose database is gone.
func TestReady(t *testing.T) {
	s := mustOpen(t)
	if err := s.Ready(t.Context()); err != nil {
		t.Fatalf("Ready() on a fresh store = %v, want nil", err)
	}
	if _, err := s.wdb.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		9999, formatTime(now)); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(t.Context()); err == nil || !strings.Contains(err.Error(), "9999") {
		t.Errorf("Ready() after a newer build's migration = %v, want an error naming it", err)
	}
	closed := mustOpen(t)
	closed.db.Close()
	if err := closed.Ready(t.Context()); err == nil {
		t.Errorf("Ready() with the database closed = nil, want an error")
	}
}

// TestObserveCommits: the observer sees every visitor write once, in
// batches that add up to the writes made.
func TestObserveCommits(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	s := mustOpenAt(t, newTestDB(t), ObserveCommits(func(writes int) {
		mu.Lock()
		seen += writes
		mu.Unlock()
	}))
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("q"), now); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := s.RecordStepView(t.Context(), fmt.Sprintf("v%d", i), 1, now); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if seen != n {
		t.Errorf("observer saw %d writes, want %d", seen, n)
	}
}
