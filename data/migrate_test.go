package data

import (
	"bytes"
	"io/fs"
	"log/slog"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// migrationsFrom makes the store take its migrations from fsys instead of
// the embedded ones: a newer or older build, for the upgrade tests. Its
// statements are this build's, which may name columns an older build's
// migrations never added (0008's on assessments), so none is prepared when
// it opens; the upgrade tests write no assessments through it.
func migrationsFrom(fsys fs.FS) Option {
	return func(o *openOptions) { o.migrations, o.prepareEachTime = fsys, true }
}

// codeNeeds is the newest migration this build's own statements need: the
// writer prepares its hot statements when the store opens, and one of them
// names a column 0009 adds. An older build is simulated with this build's
// code and fewer migrations, so it must have at least these.
const codeNeeds = 9

// buildWith is the embedded migrations up to and including last, plus
// extra (file name → script, added to both dialects): the migrations of
// another build of fitcheck.
func buildWith(t testing.TB, last int, extra map[string]string) fs.FS {
	t.Helper()
	build := fstest.MapFS{}
	for _, dialect := range []string{"sqlite", "postgres"} {
		list, err := readMigrations(migrations, dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			if m.Version > last {
				continue
			}
			name := path.Join("migrations", dialect, m.Name)
			script, err := migrations.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			build[name] = &fstest.MapFile{Data: script}
		}
		for name, script := range extra {
			build[path.Join("migrations", dialect, name)] = &fstest.MapFile{Data: []byte(script)}
		}
	}
	return build
}

// TestMigrationsCarryTheirMark: both dialects have the same migrations,
// each from firstMarkedMigration on marked, and marked alike.
func TestMigrationsCarryTheirMark(t *testing.T) {
	sqlite, err := readMigrations(migrations, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	postgres, err := readMigrations(migrations, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sqlite, postgres) {
		t.Errorf("the dialects' migrations differ:\nsqlite   %v\npostgres %v", sqlite, postgres)
	}
	unmarked := fstest.MapFS{"migrations/sqlite/0099_x.sql": {Data: []byte("CREATE TABLE x (y INTEGER);\n")}}
	if _, err := readMigrations(unmarked, "sqlite"); err == nil || !strings.Contains(err.Error(), markCompatible) {
		t.Errorf("readMigrations of an unmarked 0099 = %v, want an error naming the marks", err)
	}
}

// TestOlderBinaryOnNewerDatabase: a build that knows up to 9 stays ready on
// a database a newer build moved on with a compatible migration, and is
// not ready once a breaking one is applied; the newer build says so in its
// log when it applies the breaking one.
func TestOlderBinaryOnNewerDatabase(t *testing.T) {
	db := newTestDB(t)
	older := mustOpenAt(t, db, migrationsFrom(buildWith(t, codeNeeds, nil)))

	newer := buildWith(t, codeNeeds, map[string]string{
		"0098_add_a_table.sql": markCompatible + "\nCREATE TABLE newer_thing (id INTEGER PRIMARY KEY, note TEXT);\n",
	})
	var log bytes.Buffer
	s := mustOpenAt(t, db, migrationsFrom(newer), Logger(slog.New(slog.NewTextHandler(&log, nil))))
	if err := s.Ready(t.Context()); err != nil {
		t.Fatalf("the newer build's Ready() = %v, want nil", err)
	}
	if err := older.Ready(t.Context()); err != nil {
		t.Errorf("older build's Ready() after a compatible migration = %v, want nil (stays ready)", err)
	}
	if strings.Contains(log.String(), "cannot run on") {
		t.Errorf("a compatible migration was announced as breaking:\n%s", log.String())
	}

	newest := maps.Clone(newer.(fstest.MapFS))
	for _, dialect := range []string{"sqlite", "postgres"} {
		newest["migrations/"+dialect+"/0099_drop_it.sql"] = &fstest.MapFile{Data: []byte(markBreaking + "\nDROP TABLE newer_thing;\n")}
	}
	log.Reset()
	mustOpenAt(t, db, migrationsFrom(newest), Logger(slog.New(slog.NewTextHandler(&log, nil))))
	if !strings.Contains(log.String(), "older fitcheck binaries cannot run on") || !strings.Contains(log.String(), "0099_drop_it.sql") {
		t.Errorf("applying a breaking migration logged:\n%s\nwant a warning naming it", log.String())
	}
	err := older.Ready(t.Context())
	if err == nil || !strings.Contains(err.Error(), "[99]") {
		t.Errorf("older build's Ready() after a breaking migration = %v, want an error naming 99", err)
	}
	st, err := older.Migrations(t.Context())
	if err != nil || !slices.Equal(st.Newer, []int{98, 99}) || !slices.Equal(st.NewerCompatible, []int{98}) {
		t.Errorf("older build's Migrations() = %+v, %v; want newer [98 99], of them compatible [98]", st, err)
	}
}

// TestOpenReadOnlyAppliesNothing: a read-only store on a database an older
// build made reports the pending migration and leaves it pending; on an
// empty database it reports everything pending and creates nothing.
func TestOpenReadOnlyAppliesNothing(t *testing.T) {
	db := newTestDB(t)
	mustOpenAt(t, db, migrationsFrom(buildWith(t, codeNeeds, nil))).Close()

	var afterOlder []int // every migration this build knows past the older build's
	for _, v := range mustKnown(t) {
		if v > codeNeeds {
			afterOlder = append(afterOlder, v)
		}
	}
	ro, err := OpenReadOnly(t.Context(), db)
	if err != nil {
		t.Fatalf("OpenReadOnly = %v", err)
	}
	defer ro.Close()
	st, err := ro.Migrations(t.Context())
	if err != nil || !slices.Equal(versions(st.Pending), afterOlder) {
		t.Fatalf("Migrations() of a database at %d = %+v, %v; want %v pending", codeNeeds, st, err, afterOlder)
	}
	if err := ro.Ready(t.Context()); err == nil {
		t.Errorf("Ready() with a migration pending = nil, want an error")
	}
	if _, err := ro.wdb.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (7, 'x')`); err == nil {
		t.Errorf("a write through the read-only store succeeded")
	}
	again, err := ro.Migrations(t.Context())
	if err != nil || !slices.Equal(versions(again.Pending), afterOlder) {
		t.Errorf("after the refused write Migrations() = %+v, %v; want %v still pending", again, err, afterOlder)
	}
}

func TestOpenReadOnlyOnAnEmptyDatabase(t *testing.T) {
	if testPostgres == "" {
		if _, err := OpenReadOnly(t.Context(), newTestDB(t)); err == nil || !strings.Contains(err.Error(), ErrNoDatabase.Error()) {
			t.Errorf("OpenReadOnly of a missing file = %v, want ErrNoDatabase", err)
		}
		return
	}
	db := newTestDB(t)
	ro, err := OpenReadOnly(t.Context(), db)
	if err != nil {
		t.Fatalf("OpenReadOnly of an empty schema = %v", err)
	}
	defer ro.Close()
	st, err := ro.Migrations(t.Context())
	if err != nil || !st.Fresh() || len(st.Pending) != len(st.Known) {
		t.Errorf("Migrations() of an empty schema = %+v, %v; want fresh, all pending", st, err)
	}
	exists, err := ro.tableExists(t.Context(), "schema_migrations")
	if err != nil || exists {
		t.Errorf("after a read-only open schema_migrations exists = %v, %v; want false", exists, err)
	}
}

// mustKnown is the versions of the migrations this build embeds.
func mustKnown(t *testing.T) []int {
	t.Helper()
	known, err := KnownMigrations("sqlite")
	if err != nil {
		t.Fatalf("KnownMigrations: %v", err)
	}
	return versions(known)
}
