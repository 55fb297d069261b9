package data

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// privateMode is the only mode the database and its companions get: they
// hold consented contacts, founders' own words and password hashes, so no
// other account on the machine may read them. The directory around them is
// the operator's to set.
const privateMode fs.FileMode = 0o600

// databaseFiles are the database and the files SQLite keeps beside it in
// WAL mode.
func databaseFiles(path string) []string {
	return []string{path, path + "-wal", path + "-shm"}
}

// createPrivate creates path, empty and private, unless it exists already.
// SQLite creates a new database 0644 less the umask, but creates its -wal
// and -shm files with the database file's own mode, so a database that is
// private from its first byte keeps its companions private too. The umask
// is not changed: it is the whole process's, not the store's.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	// A umask takes bits away but never adds them; this keeps a strict
	// umask such as 0277 from leaving the owner unable to write.
	return os.Chmod(path, privateMode)
}

// tightenModes makes each of files that exists and that anyone but its
// owner may read or write private, and logs each one it changed: files made
// by an older fitcheck, or copied in by hand, were 0644.
func tightenModes(log *slog.Logger, files ...string) error {
	for _, name := range files {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check mode of %s: %w", name, err)
		}
		mode := info.Mode().Perm()
		if mode&^privateMode == 0 {
			continue
		}
		if err := os.Chmod(name, privateMode); err != nil {
			return fmt.Errorf("make %s private: %w", name, err)
		}
		log.Warn("database file was readable by others; made it private",
			slog.String("file", name), slog.String("was", mode.String()), slog.String("now", privateMode.String()))
	}
	return nil
}
