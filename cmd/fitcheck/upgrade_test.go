package main

import (
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRollingUpgradeReadiness: this build, serving a database that a newer
// build has moved on, stays ready while every newer migration is marked
// compatible, and turns unready (saying why) at a breaking one; on SQLite
// and on PostgreSQL. (The newer build's side, the warning it logs before a
// breaking migration, is data's TestOlderBinaryOnNewerDatabase.)
func TestRollingUpgradeReadiness(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"FITCHECK_SESSION_KEY": strings.Repeat("r", 32)}
			var db, driver, dsn string
			if engine == "postgres" {
				db = postgresForTest(t)
				driver, dsn = "pgx", db
			} else {
				db = filepath.Join(t.TempDir(), "fitcheck.db")
				driver, dsn = "sqlite", db
			}
			ts := launch(t, []string{"-db", db}, env)
			conn, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			newer := func(version, compatible int) {
				t.Helper()
				// Both drivers bind $1…$N.
				if _, err := conn.Exec(`INSERT INTO schema_migrations (version, applied_at, compatible)
					VALUES ($1, '2026-12-07T00:00:00.000000000Z', $2)`, version, compatible); err != nil {
					t.Fatal(err)
				}
			}
			readyz := func() (int, string) { return getBody(t, http.DefaultClient, ts.url+"/readyz") }

			newer(100, 1)
			if st, body := readyz(); st != http.StatusOK {
				t.Errorf("/readyz after a newer build's compatible migration = %d %q, want 200", st, body)
			}
			newer(101, 0)
			if st, _ := readyz(); st != http.StatusServiceUnavailable {
				t.Errorf("/readyz after a newer build's breaking migration = %d, want 503", st)
			}
			if !strings.Contains(ts.logs.String(), "not marked compatible") {
				t.Errorf("the log does not say why the instance is not ready:\n%s", ts.logs.String())
			}
		})
	}
}

// TestWaitsForADatabaseThatComesUpLate: PostgreSQL is not reachable when
// fitcheck starts; fitcheck logs each try, and once the database appears it
// starts and is ready, instead of having exited in the first second.
func TestWaitsForADatabaseThatComesUpLate(t *testing.T) {
	dsn := postgresForTest(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	late := freeAddr(t)
	u.Host = late
	ts := launchQuietly(t, []string{"-db", u.String()}, map[string]string{"FITCHECK_SESSION_KEY": strings.Repeat("w", 32)})
	for !strings.Contains(ts.logs.String(), "database does not answer yet; trying again") {
		select {
		case err := <-ts.done:
			ts.done <- err
			t.Fatalf("run ended before the database came up: %v\n%s", err, ts.logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	// The database "comes up": a forwarder to it starts on the address.
	ln, err := net.Listen("tcp", late)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go forward(ln, target)
	ts.waitForURL(t)
	if st, body := getBody(t, http.DefaultClient, ts.url+"/readyz"); st != http.StatusOK {
		t.Errorf("/readyz once the database is up = %d %q, want 200", st, body)
	}
}

// forward copies every connection accepted on ln to and from target.
func forward(ln net.Listener, target string) {
	for {
		in, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			out, err := net.Dial("tcp", target)
			if err != nil {
				return
			}
			defer out.Close()
			go io.Copy(out, in)
			io.Copy(in, out)
		}()
	}
}
