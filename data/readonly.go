package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
)

// ErrNoDatabase is OpenReadOnly's answer for a SQLite file that does not
// exist yet: nothing was created.
var ErrNoDatabase = errors.New("no database yet")

// OpenReadOnly opens the database for reading only, for the operator's
// tools (fitcheck doctor, backup, rescore): it creates nothing, applies no
// migration, changes no file mode, and cannot write.
//
// SQLite: a missing file is ErrNoDatabase. While a server has the database
// open (its -wal file exists) the file is opened with mode=ro and reads
// beside the server through the WAL; when nothing has it open (no -wal
// file), it is opened immutable, so SQLite does not create -wal and -shm
// files beside it just to read. PostgreSQL: every transaction is read-only
// (default_transaction_read_only), so even a mistaken write fails.
//
// Writes through a read-only store fail with ErrClosed or the database's own
// refusal.
func OpenReadOnly(ctx context.Context, db string, opts ...Option) (*Store, error) {
	o := openOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	o.fill()
	if IsPostgres(db) {
		return openPostgresReadOnly(ctx, db, o)
	}
	return openSQLiteReadOnly(ctx, db, o)
}

func openSQLiteReadOnly(ctx context.Context, path string, o openOptions) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoDatabase, path)
	} else if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "secure_delete(1)")
	db, err := sql.Open("sqlite", "file:"+uriPathEscaper.Replace(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	h := &handle{db, sqliteDialect}
	return &Store{d: sqliteDialect, db: h, wdb: h, direct: closedWriter(), log: o.log, path: path, readOnly: true, mfs: o.migrations}, nil
}

func openPostgresReadOnly(ctx context.Context, dsn string, o openOptions) (*Store, error) {
	where := redactDSN(dsn)
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	db.SetMaxOpenConns(4)
	h := &handle{db, postgresDialect}
	s := &Store{d: postgresDialect, db: h, wdb: h, direct: closedWriter(), log: o.log, readOnly: true, mfs: o.migrations}
	if err := s.checkPostgresEncoding(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	return s, nil
}

// closedWriter refuses every write: a read-only store has no writer.
func closedWriter() *directWriter { return &directWriter{closed: true} }

// ReadOnly reports whether the store was opened with OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// walMode reports whether a SQLite file's header says WAL (format versions
// 2 at offsets 18 and 19). A store opened immutable reports its journal
// mode as "delete" whatever the file says, so the header is read instead.
func walMode(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	header := make([]byte, 20)
	if _, err := f.ReadAt(header, 0); err != nil {
		return false, fmt.Errorf("read header of %s: %w", path, err)
	}
	return header[18] == 2 && header[19] == 2, nil
}
