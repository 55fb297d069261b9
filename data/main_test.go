package data

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// postgresEnv names the PostgreSQL database the store suite also runs on,
// e.g. postgres://fit@127.0.0.1:5432/fitcheck?sslmode=disable. .ci/run
// starts one and sets it.
const postgresEnv = "FITCHECK_TEST_POSTGRES"

// testPostgres is the PostgreSQL URL during the suite's PostgreSQL pass, and
// empty during SQLite's.
var testPostgres string

// TestMain runs the whole suite once on SQLite and then, when postgresEnv
// names a database, once more on PostgreSQL: every test that opens its
// store with mustOpen runs on both, including tests added later.
func TestMain(m *testing.M) {
	code := m.Run()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		fmt.Printf("data: the store suite ran on SQLite only; PostgreSQL pass skipped because %s is not set\n", postgresEnv)
		os.Exit(code)
	}
	fmt.Printf("data: the store suite again, on PostgreSQL at %s\n", redactDSN(dsn))
	testPostgres = dsn
	if c := m.Run(); c != 0 {
		code = c
	}
	closeAdmin()
	os.Exit(code)
}

// mustOpen opens an empty store for one test: a SQLite file in its temp
// directory, or on the PostgreSQL pass a schema of its own.
func mustOpen(t testing.TB) *Store {
	t.Helper()
	return mustOpenAt(t, newTestDB(t))
}

// newTestDB returns where a fresh, empty database for t is: a file path on
// SQLite, a URL on PostgreSQL.
func newTestDB(t testing.TB) string {
	t.Helper()
	if testPostgres == "" {
		return filepath.Join(t.TempDir(), "fitcheck.db")
	}
	t.Logf("store on PostgreSQL")
	return postgresSchema(t)
}

// sqliteOnly skips t on the PostgreSQL pass: it tests something only SQLite
// has (a file, pragmas, group commit).
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if testPostgres != "" {
		t.Skipf("SQLite only: %s", why)
	}
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func closeAdmin() {
	if admin.db != nil {
		admin.db.Close()
	}
}

// postgresSchema creates a schema for t alone, dropped when t ends, and
// returns the test database's URL with search_path set to it: tests run in
// parallel packages without seeing each other's rows.
func postgresSchema(t testing.TB) string {
	t.Helper()
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", testPostgres)
	})
	if admin.err != nil {
		t.Fatalf("open %s: %v", redactDSN(testPostgres), admin.err)
	}
	schema := "test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.db.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if _, err := admin.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(testPostgres)
	if err != nil {
		t.Fatalf("parse %s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
