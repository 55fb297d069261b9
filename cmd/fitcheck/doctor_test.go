package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runDoctor runs fitcheck doctor with args and env and returns what it
// printed and whether it passed.
func runDoctor(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), append([]string{"doctor"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &bytes.Buffer{})
	return out.String(), err
}

// lastLine is the summary doctor ends with.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

func TestDoctorOnAFreshInstallSaysWhatStartWillMake(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	out, err := runDoctor(t, nil, "-db", db, "-base-url", "https://fit.example.com", "-booking-url", "https://cal.com/gregory")
	if err != nil {
		t.Fatalf("doctor before the first start = %v, want nil (nothing to fix):\n%s", err, out)
	}
	for _, want := range []string{"note database: no database at " + db + " yet: the first start creates it", "0007_migration_marks", "ready: nothing to fix"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor before the first start lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(lastLine(out), "ready:") {
		t.Errorf("doctor's last line = %q, want the summary", lastLine(out))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("doctor on a fresh install left %d files in the directory, want none", len(entries))
	}
}

// TestDoctorRefusesWhatTheServerRefuses: for each configuration the server
// will not start with, doctor exits non-zero and names it; and a running
// fitcheck on the address is no problem.
func TestDoctorRefusesWhatTheServerRefuses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	mail := []string{"-mail-from", "fitcheck@example.com", "-notify-email", "g@example.com"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"smtp-url of another scheme", append([]string{"-smtp-url", "ftp://x"}, mail...), "FIX  notifications: -smtp-url"},
		{"plain SMTP to a remote host", append([]string{"-smtp-url", "smtp://mail.example.com:25?tls=none"}, mail...), "loopback"},
		{"metrics on the site's address", []string{"-addr", "127.0.0.1:8181", "-metrics-addr", "127.0.0.1:8181"}, "would listen on the same port"},
		{"metrics on every interface, same port", []string{"-addr", "127.0.0.1:8181", "-metrics-addr", ":8181"}, "would listen on the same port"},
		{"address in use", []string{"-addr", busy.Addr().String()}, "already in use by another program"},
		{"garbage address", []string{"-addr", "not an address"}, "must be host:port"},
		{"port out of range", []string{"-addr", "127.0.0.1:99999"}, "from 0 to 65535"},
		{"short session key", nil, "at least 32 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.name == "short session key" {
				env["FITCHECK_SESSION_KEY"] = "short"
			}
			out, err := runDoctor(t, env, append([]string{"-db", db}, tt.args...)...)
			if err == nil || !strings.Contains(out, tt.want) || !strings.HasPrefix(lastLine(out), "not ready:") {
				t.Errorf("doctor %v = %v:\n%s\nwant non-zero, %q, and the summary last", tt.args, err, out, tt.want)
			}
			if strings.Contains(out, "reachable from other machines") {
				t.Errorf("doctor %v called the address reachable from other machines:\n%s", tt.args, out)
			}
			// The server refuses the same.
			if err := run(t.Context(), append([]string{"-db", db, "-drain-period", "0"}, tt.args...), func(k string) string { return env[k] },
				strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
				t.Errorf("serve %v = nil, want it refused as doctor refused it", tt.args)
			}
		})
	}

	base := startServer(t, []string{"-db", db}, nil)
	out, err := runDoctor(t, nil, "-db", db, "-addr", strings.TrimPrefix(base, "http://"))
	if err != nil || !strings.Contains(out, "in use by a running fitcheck") {
		t.Errorf("doctor beside the running server = %v:\n%s\nwant nil and a note that fitcheck holds the address", err, out)
	}
}

func TestDoctorWarnsWithoutFailing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	startServer(t, []string{"-db", db}, nil)
	if err := os.Chmod(db+".session-key", 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runDoctor(t, nil, "-db", db, "-addr", "0.0.0.0:0", "-acme-domain", "fit.example.com", "-acme-http-addr", "127.0.0.1:0")
	if err != nil {
		t.Errorf("doctor with warnings only = %v, want nil:\n%s", err, out)
	}
	for _, want := range []string{"warn session key:", "chmod 600", "warn configuration: -base-url is not set", "not port 443"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if info, _ := os.Stat(db + ".session-key"); info.Mode().Perm() != 0o644 {
		t.Errorf("doctor changed the key file's mode to %v; it reports, never changes", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(dir, "acme")); !os.IsNotExist(err) {
		t.Errorf("doctor made the ACME cache directory (%v); it reports, never makes", err)
	}
}

// fileState is a file's mode and content hash.
type fileState struct {
	mode os.FileMode
	sum  [32]byte
}

// dirState is every file in dir with its mode and content.
func dirState(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]fileState{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		info, _ := e.Info()
		state[e.Name()] = fileState{info.Mode(), sha256.Sum256(b)}
	}
	return state
}

// makeOlder turns a database into one an older fitcheck (migrations up to
// 6) left, as before an upgrade.
func makeOlder(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, stmt := range []string{`DELETE FROM schema_migrations WHERE version = 7`, `ALTER TABLE schema_migrations DROP COLUMN compatible`} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// TestDoctorAndBackupChangeNothing: on a database an older build left,
// with a mode wider than fitcheck's own, doctor reports the pending
// migration and the mode, backup copies it, and the database's files are
// byte for byte and mode for mode as before.
func TestDoctorAndBackupChangeNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fitcheck.db")
	stop := startServerStoppable(t, []string{"-db", path}, nil)
	stop()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	makeOlder(t, db)
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	before := dirState(t, dir)

	out, err := runDoctor(t, nil, "-db", path, "-base-url", "https://fit.example.com")
	if err != nil {
		t.Errorf("doctor on a database one migration behind = %v:\n%s", err, out)
	}
	for _, want := range []string{"0007_migration_marks will be applied at start", "readable by others (mode -rw-r--r--): the next start makes it 0600"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	var bout bytes.Buffer
	if err := run(t.Context(), []string{"backup", "-db", path, copyPath}, func(string) string { return "" }, strings.NewReader(""), &bout, &bytes.Buffer{}); err != nil {
		t.Fatalf("backup = %v", err)
	}
	err = run(t.Context(), []string{"admin", "add-user", "-db", path, "new@example.com"}, func(string) string { return "" },
		strings.NewReader("correct horse battery staple\n"), &bout, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "would first apply migrations 0007_migration_marks") {
		t.Errorf("admin add-user on a database one migration behind = %v, want it refused, naming the migration", err)
	}
	if after := dirState(t, dir); !equalStates(before, after) {
		t.Errorf("doctor, backup and a refused admin command changed the database's files:\nbefore %v\nafter  %v", before, after)
	}
	copied, err := sql.Open("sqlite", copyPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	var n int
	if err := copied.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 7`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the backup has migration 7 (%d, %v); it must copy the database as it was", n, err)
	}
}

func equalStates(a, b map[string]fileState) bool {
	if len(a) != len(b) {
		return false
	}
	for name, s := range a {
		if b[name] != s {
			return false
		}
	}
	return true
}

// TestDoctorLeavesPostgresAsItFound: on an empty PostgreSQL schema doctor
// creates no table; on one an older build left it applies nothing.
func TestDoctorLeavesPostgresAsItFound(t *testing.T) {
	dsn := postgresForTest(t)
	env := map[string]string{"FITCHECK_SESSION_KEY": strings.Repeat("k", 32)}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	out, err := runDoctor(t, env, "-db", dsn, "-base-url", "https://fit.example.com")
	if err != nil || !strings.Contains(out, "an empty database: the first start creates fitcheck's tables") {
		t.Errorf("doctor on an empty database = %v:\n%s\nwant nil and what the first start makes", err, out)
	}
	if cols := schemaColumns(t, db); len(cols) != 0 {
		t.Fatalf("doctor on an empty database made %v", cols)
	}

	stop := startServerStoppable(t, []string{"-db", dsn}, env)
	stop()
	makeOlder(t, db)
	before := schemaColumns(t, db)
	var had int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&had); err != nil {
		t.Fatal(err)
	}
	out, err = runDoctor(t, env, "-db", dsn, "-base-url", "https://fit.example.com")
	if err != nil || !strings.Contains(out, "0007_migration_marks will be applied at start") {
		t.Errorf("doctor on a database one migration behind = %v:\n%s", err, out)
	}
	if after := schemaColumns(t, db); !slices.Equal(before, after) {
		t.Errorf("doctor changed the schema:\nbefore %v\nafter  %v", before, after)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != had {
		t.Errorf("after doctor schema_migrations has %d rows (%v), want the %d it had", n, err, had)
	}
}

// schemaColumns lists every table.column on the connection's search path.
func schemaColumns(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, column_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s.%s", table, column))
	}
	return out
}
