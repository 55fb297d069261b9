package data

// Migrations: the rule for adding one (docs/deploy.md, "Upgrades", says the
// same for operators).
//
//  1. A migration is a pair of files with the same number and name, one in
//     migrations/sqlite and one in migrations/postgres, making the same
//     change on each database. Numbers only grow; a file never changes once
//     it has shipped.
//  2. From 0007 on, each file's first line says whether fitcheck binaries
//     built before it keep working on a database that has it. Either
//     "-- fitcheck:compatible": they do, because it only adds (a table, an
//     index, a nullable column or one with a default) and older code
//     neither reads nor writes anything it changes; or
//     "-- fitcheck:breaking": they do not, because it renames, drops,
//     narrows a type, adds NOT NULL without a default, or changes what a
//     stored value means.
//     The runner refuses a file without one, and the two dialects' files
//     must agree (a test checks both).
//  3. Additive first, destructive later: change the code so it no longer
//     needs the old shape in one release (with a compatible migration that
//     adds the new shape), and drop the old shape in a later release with a
//     breaking migration. A rolling upgrade then never meets a breaking
//     migration, and an instance of the previous release stays ready on the
//     migrated database.
//
// How an older binary knows: the runner records the mark in the database
// (schema_migrations.compatible, added by 0007), so a binary that has never
// seen migration N can still read whether N allows it to serve. A binary
// serves a database that has every migration it knows and, beyond them,
// only migrations marked compatible (MigrationStatus.Servable).

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrations holds one folder of numbered scripts per database, named by
// dialect.name. The two folders keep the same numbers: migration N makes
// the same change on both.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// firstMarkedMigration is the first migration that must carry a
// compatibility mark, and the one that adds schema_migrations.compatible,
// where the runner records it. Binaries built before it cannot read a
// mark, so the earlier migrations carry none.
const firstMarkedMigration = 7

// The marks a migration's first line carries.
const (
	markCompatible = "-- fitcheck:compatible"
	markBreaking   = "-- fitcheck:breaking"
)

// Migration is one embedded script: its number, its file name, and whether
// binaries built before it keep working on a database that has it.
type Migration struct {
	Version    int
	Name       string // file name, e.g. 0007_migration_marks.sql
	Compatible bool
}

// knownMigrations lists the dialect's embedded migrations in order.
func (s *Store) knownMigrations() ([]Migration, error) {
	return readMigrations(s.migrationFiles(), s.d.name)
}

// KnownMigrations lists the migrations this build embeds for a dialect
// ("sqlite" or "postgres"), for reports on a database that does not exist
// yet.
func KnownMigrations(dialect string) ([]Migration, error) {
	return readMigrations(migrations, dialect)
}

// migrationFiles is where the store's migrations come from: the embedded
// ones, or a test's.
func (s *Store) migrationFiles() fs.FS {
	if s.mfs != nil {
		return s.mfs
	}
	return migrations
}

func readMigrations(fsys fs.FS, dialect string) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/"+dialect+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	list := make([]Migration, 0, len(names))
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", base)
		}
		script, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		compatible, err := compatibilityMark(version, script)
		if err != nil {
			return nil, fmt.Errorf("migration %s/%s: %w", dialect, base, err)
		}
		list = append(list, Migration{Version: version, Name: base, Compatible: compatible})
	}
	return list, nil
}

// compatibilityMark reads a script's first line. Migrations before
// firstMarkedMigration have no mark and count as breaking: no binary
// older than them could have read one.
func compatibilityMark(version int, script []byte) (compatible bool, err error) {
	first, _, _ := bytes.Cut(script, []byte("\n"))
	switch strings.TrimSpace(string(first)) {
	case markCompatible:
		return true, nil
	case markBreaking:
		return false, nil
	}
	if version < firstMarkedMigration {
		return false, nil
	}
	return false, fmt.Errorf("the first line must be %q or %q (see data/migrate.go)", markCompatible, markBreaking)
}

// migrate applies the dialect's embedded migrations in order, each in its
// own transaction, recording each so it runs once.
func (s *Store) migrate(ctx context.Context) error {
	if err := s.inMigrationTx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, s.d.schemaMigrationsDDL())
		return err
	}); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	st, err := s.Migrations(ctx)
	if err != nil {
		return err
	}
	if err := st.Servable(); err != nil && len(st.Pending) == 0 {
		s.log.Error("this database was migrated by a newer fitcheck that this build cannot run on; /readyz answers 503 until this instance runs that version",
			"error", err)
	}
	upgrading := len(st.Applied) > 0
	for _, m := range st.Pending {
		if upgrading && !m.Compatible {
			s.log.Warn("applying a migration that older fitcheck binaries cannot run on: instances still running one answer /readyz 503 until they are upgraded",
				"migration", m.Name)
		} else if upgrading {
			s.log.Info("applying migration", "migration", m.Name)
		}
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// inMigrationTx runs fn in a transaction that, on PostgreSQL, holds a lock
// every fitcheck instance takes to migrate: two instances starting at once
// apply each migration once, the second waiting and then finding it done.
// SQLite's write lock, taken at BEGIN, does the same there.
func (s *Store) inMigrationTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.d.postgres() {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLockKey); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// migrationLockKey names fitcheck's PostgreSQL advisory lock for migrating.
const migrationLockKey int64 = 0x6669_7463_6865_636b // "fitcheck"

func (d *dialect) schemaMigrationsDDL() string {
	ddl := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`
	if d.postgres() {
		return ddl
	}
	return ddl + ` STRICT`
}

func (s *Store) applyMigration(ctx context.Context, m Migration) error {
	err := s.inMigrationTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil // another instance applied it while this one waited for the lock
		}
		script, err := fs.ReadFile(s.migrationFiles(), "migrations/"+s.d.name+"/"+m.Name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(script)); err != nil {
			return err
		}
		return recordMigration(ctx, tx, m)
	})
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	return nil
}

// recordMigration notes m as applied and, from firstMarkedMigration on
// (whose script adds the column), whether older binaries may run on it.
func recordMigration(ctx context.Context, tx *txn, m Migration) error {
	var err error
	if m.Version < firstMarkedMigration {
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			m.Version, formatTime(time.Now()))
	} else {
		compatible := 0
		if m.Compatible {
			compatible = 1
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at, compatible) VALUES (?, ?, ?)`,
			m.Version, formatTime(time.Now()), compatible)
	}
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// Ready reports whether the store can serve visitors: the database answers
// and its migrations suit this build (MigrationStatus.Servable). It is the
// question a readiness probe (GET /readyz) asks; the error says which part
// failed.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return fmt.Errorf("database does not answer: %w", err)
	}
	st, err := s.Migrations(ctx)
	if err != nil {
		return err
	}
	return st.Servable()
}

// MigrationStatus is which migrations a database has had, against the ones
// this build of fitcheck knows.
type MigrationStatus struct {
	Applied []int // versions recorded in the database, in order
	Known   []int // versions embedded in this build, in order
	// Pending are the known migrations the database lacks, which starting
	// the server applies.
	Pending []Migration
	// Newer are the applied versions this build does not know: a newer
	// fitcheck applied them. NewerCompatible are those of them it marked
	// compatible with older binaries.
	Newer, NewerCompatible []int
}

// Current reports whether the database has exactly the migrations this
// build knows: none pending, none from a newer build.
func (m MigrationStatus) Current() bool { return slices.Equal(m.Applied, m.Known) }

// Fresh reports whether nothing has been applied yet: a new database.
func (m MigrationStatus) Fresh() bool { return len(m.Applied) == 0 }

// Servable says why this build cannot serve the database, or nil when it
// can: every migration it knows is applied, and any newer one was marked
// compatible by the build that applied it.
func (m MigrationStatus) Servable() error {
	if len(m.Pending) > 0 {
		return fmt.Errorf("database lacks migrations %v that this build needs (starting the server applies them)", versions(m.Pending))
	}
	var breaking []int
	for _, v := range m.Newer {
		if !slices.Contains(m.NewerCompatible, v) {
			breaking = append(breaking, v)
		}
	}
	if len(breaking) > 0 {
		return fmt.Errorf("database has migrations %v from a newer fitcheck, not marked compatible with this build (which knows up to %d): run that version", breaking, m.Known[len(m.Known)-1])
	}
	return nil
}

func versions(list []Migration) []int {
	out := make([]int, len(list))
	for i, m := range list {
		out[i] = m.Version
	}
	return out
}

// Migrations reports the database's migration state, for readiness checks
// and fitcheck doctor. It only reads: a database without the
// schema_migrations table (a fresh one) has none applied.
func (s *Store) Migrations(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	known, err := s.knownMigrations()
	if err != nil {
		return st, err
	}
	exists, err := s.tableExists(ctx, "schema_migrations")
	if err != nil {
		return st, fmt.Errorf("read migrations: %w", err)
	}
	if exists {
		if st.Applied, err = s.appliedVersions(ctx, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
			return st, err
		}
	}
	for _, m := range known {
		st.Known = append(st.Known, m.Version)
		if !slices.Contains(st.Applied, m.Version) {
			st.Pending = append(st.Pending, m)
		}
	}
	for _, v := range st.Applied {
		if !slices.Contains(st.Known, v) {
			st.Newer = append(st.Newer, v)
		}
	}
	if len(st.Newer) > 0 && slices.Contains(st.Applied, firstMarkedMigration) {
		compatible, err := s.appliedVersions(ctx, `SELECT version FROM schema_migrations WHERE compatible = 1 ORDER BY version`)
		if err != nil {
			return st, err
		}
		for _, v := range compatible {
			if slices.Contains(st.Newer, v) {
				st.NewerCompatible = append(st.NewerCompatible, v)
			}
		}
	}
	return st, nil
}

func (s *Store) appliedVersions(ctx context.Context, query string) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read migrations: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	return out, nil
}

// tableExists reports whether the database has the table, without
// touching it: on PostgreSQL it is looked for on the connection's
// search_path, as an unqualified query would find it.
func (s *Store) tableExists(ctx context.Context, table string) (bool, error) {
	query := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if s.d.postgres() {
		query = `SELECT count(*) FROM (SELECT to_regclass(?) AS t) r WHERE t IS NOT NULL`
	}
	var n int
	if err := s.db.QueryRowContext(ctx, query, table).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}
