//go:build unix

package main

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServerFilesArePrivate runs the real program under umask 022, the
// usual one, under which a plain 0644 file is readable by every account on
// the machine, and checks that everything holding founders' data is the
// owner's alone: the database, its -wal and -shm, the session key and a
// backup. A database left 0644 by an older version is tightened at start
// (data.TestOpenTightensWiderDatabaseFiles checks the log line).
func TestServerFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // the process's umask: this test is not parallel
	t.Cleanup(func() { syscall.Umask(old) })
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	legacy := filepath.Join(dir, "legacy.db")
	if err := os.WriteFile(legacy, nil, 0o644); err != nil { // an empty file is an empty SQLite database
		t.Fatal(err)
	}

	for _, path := range []string{db, legacy} {
		base := startServer(t, []string{"-db", path}, nil)
		// A write, so -wal and -shm are there while the server runs.
		resp, err := http.PostForm(base+"/start", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	backup := filepath.Join(dir, "backup.db")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"backup", "-db", db, backup}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("backup = %v\n%s", err, out.String())
	}
	for _, name := range []string{db, db + "-wal", db + "-shm", db + ".session-key", backup, legacy, legacy + "-wal", legacy + "-shm"} {
		info, err := os.Stat(name)
		if err != nil {
			t.Errorf("Stat(%s) = %v", filepath.Base(name), err)
			continue
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("mode of %s = %v, want %v", filepath.Base(name), got, fs.FileMode(0o600))
		}
	}
}
