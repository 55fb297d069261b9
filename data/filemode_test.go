//go:build unix

package data

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// withUmask022 runs the test under the umask most servers have, under which
// a file made with the usual 0644 is readable by every account. The umask
// is the process's, so these tests do not run in parallel.
func withUmask022(t *testing.T) {
	t.Helper()
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
}

func fileMode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("Stat(%q) = %v", path, err)
	}
	return info.Mode().Perm()
}

// TestDatabaseFilesArePrivate checks that a new database, the -wal and -shm
// files SQLite makes beside it, and a backup, can be read by their owner
// only: they hold consented contacts, founders' words and password hashes.
func TestDatabaseFilesArePrivate(t *testing.T) {
	sqliteOnly(t, "file modes")
	withUmask022(t)
	path := filepath.Join(t.TempDir(), "fitcheck.db")
	s := mustOpenAt(t, path)
	// A write, so SQLite has made both -wal and -shm.
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatalf("SaveQuestionnaire = %v", err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(t.Context(), backup); err != nil {
		t.Fatalf("Backup(%q) = %v", backup, err)
	}
	for _, name := range append(databaseFiles(path), backup) {
		if got := fileMode(t, name); got != 0o600 {
			t.Errorf("mode of %s = %v, want %v", filepath.Base(name), got, fs.FileMode(0o600))
		}
	}
	// Nothing else (a journal, a temporary copy) was left beside the backup.
	entries, err := os.ReadDir(filepath.Dir(backup))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("backup directory holds %q, want only %q", names, filepath.Base(backup))
	}
}

// TestOpenTightensWiderDatabaseFiles checks that a database made by an older
// fitcheck (0644, as are its -wal and -shm) is made private when opened,
// and that the operator is told which files changed.
func TestOpenTightensWiderDatabaseFiles(t *testing.T) {
	sqliteOnly(t, "file modes")
	withUmask022(t)
	path := filepath.Join(t.TempDir(), "fitcheck.db")
	// The first store keeps -wal and -shm in place, as a running server does.
	first := mustOpenAt(t, path)
	if err := first.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatalf("SaveQuestionnaire = %v", err)
	}
	for _, name := range databaseFiles(path) {
		if err := os.Chmod(name, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var logs bytes.Buffer
	s, err := Open(t.Context(), path, Logger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	defer s.Close()
	for _, name := range databaseFiles(path) {
		if got := fileMode(t, name); got != 0o600 {
			t.Errorf("mode of %s after Open = %v, want %v", filepath.Base(name), got, fs.FileMode(0o600))
		}
		if !strings.Contains(logs.String(), "file="+name) {
			t.Errorf("Open logged %q, want a line naming %s", logs.String(), name)
		}
	}

	// A file already private is left alone and not reported.
	logs.Reset()
	again, err := Open(t.Context(), path, Logger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatalf("Open(%q) again = %v", path, err)
	}
	defer again.Close()
	if logs.Len() != 0 {
		t.Errorf("Open of private files logged %q, want nothing", logs.String())
	}
}

// TestBackupRefusesToOverwrite checks an existing file is never replaced,
// and is left as it was.
func TestBackupRefusesToOverwrite(t *testing.T) {
	sqliteOnly(t, "fitcheck backup copies a SQLite file")
	s := mustOpen(t)
	existing := filepath.Join(t.TempDir(), "taken.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(t.Context(), existing); err == nil {
		t.Errorf("Backup(%q) onto an existing file = nil, want an error", existing)
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("existing file after a refused backup holds %q, want %q", b, "keep me")
	}
}
