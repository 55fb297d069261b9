package data

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
)

// dialect is what differs between the two databases behind the store. The
// queries are written once, in the text both accept, with ? placeholders;
// only the fragments here and the migrations differ.
type dialect struct {
	name string // "sqlite" or "postgres": also the migrations folder

	// lower folds letter case the way Go does, for the review search.
	// SQLite's own lower() folds ASCII only, so there it is ours.
	lower string
	// noLimit is the LIMIT argument that means "all rows".
	noLimit any
	// later is the two-argument function that returns the greater value.
	later string
	// lockDraft, appended to a SELECT of a draft inside a write, keeps a
	// concurrent submit of the same draft waiting until this one commits.
	// SQLite needs none: it has one writer.
	lockDraft string
	// lockOwners, run first in CreateFirstOwner's transaction, makes a
	// second claim of a fresh install wait and then see the first owner.
	// On SQLite the DSN's _txlock=immediate does it at BEGIN.
	lockOwners string
	// snapshot reads several queries from one consistent state.
	snapshot *sql.TxOptions
	// falseValue is how a stored flag (possibly_automated) reads as false:
	// SQLite keeps flags as 0 and 1, PostgreSQL as BOOLEAN.
	falseValue string
	// skipLocked, appended to the SELECT that picks deliveries to claim,
	// makes a second instance claiming at the same moment pass over the
	// rows the first is taking instead of claiming them too. SQLite needs
	// none: its claims run one at a time on the writer.
	skipLocked string
	// lockOutbox, run first in the worker's fan-out, waits for every
	// outbox insert under way and holds new ones back until the fan-out
	// commits (see fanOut). SQLite needs none: it has one writer.
	lockOutbox string
}

var sqliteDialect = &dialect{
	name:    "sqlite",
	lower:   "unicode_lower",
	noLimit: -1,
	later:   "max",
	// A read-only transaction is a plain BEGIN, not the DSN's IMMEDIATE,
	// so it reads one snapshot without blocking writers.
	snapshot:   &sql.TxOptions{ReadOnly: true},
	falseValue: "0",
}

var postgresDialect = &dialect{
	name:       "postgres",
	lower:      "lower", // Unicode-aware in a UTF-8 database
	noLimit:    nil,
	later:      "GREATEST",
	lockDraft:  " FOR UPDATE",
	lockOwners: "LOCK TABLE owners IN SHARE ROW EXCLUSIVE MODE",
	// Read committed takes a new snapshot per statement; repeatable read
	// keeps one for the whole transaction.
	snapshot:   &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
	falseValue: "FALSE",
	skipLocked: " FOR UPDATE SKIP LOCKED",
	// SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE every INSERT
	// takes, and with itself, so two instances' fan-outs also take turns.
	lockOutbox: "LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE",
}

func (d *dialect) postgres() bool { return d == postgresDialect }

// indexedBy makes SQLite read a table through the named index: its planner
// would otherwise pick an older, narrower index on the filtered column and
// read each matching row, answers and result included, to test the rest.
// PostgreSQL plans from its statistics and needs no hint; it has none.
func (d *dialect) indexedBy(index string) string {
	if d.postgres() {
		return ""
	}
	return " INDEXED BY " + index
}

// handle is a connection pool that takes the store's query text: on
// PostgreSQL it turns ? placeholders into $1…$N on the way in. On SQLite
// every method is the pool's own.
type handle struct {
	*sql.DB
	d *dialect
}

func (h *handle) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return h.DB.ExecContext(ctx, h.d.rebind(query), args...)
}

func (h *handle) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return h.DB.QueryContext(ctx, h.d.rebind(query), args...)
}

func (h *handle) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return h.DB.QueryRowContext(ctx, h.d.rebind(query), args...)
}

func (h *handle) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return h.DB.PrepareContext(ctx, h.d.rebind(query))
}

func (h *handle) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	tx, err := h.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, d: h.d}, nil
}

// txn is a transaction on a handle, taking the same query text.
type txn struct {
	*sql.Tx
	d *dialect
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.rebind(query), args...)
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.rebind(query), args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.rebind(query), args...)
}

// rebound caches rewritten query text: the store runs a few dozen distinct
// queries, each many times.
var rebound sync.Map // string → string

// rebind returns query with each ? placeholder numbered for PostgreSQL
// ($1, $2, …). A ? inside a quoted string, a quoted name or a comment is
// left alone. On SQLite it returns query unchanged.
func (d *dialect) rebind(query string) string {
	if d != postgresDialect || !strings.Contains(query, "?") {
		return query
	}
	if q, ok := rebound.Load(query); ok {
		return q.(string)
	}
	q := numberPlaceholders(query)
	rebound.Store(query, q)
	return q
}

func numberPlaceholders(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+1])
			i += end
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// insertReturningID runs an INSERT and returns the id of the row it made.
// inserted is false when it made none (an INSERT … SELECT that matched
// nothing). SQLite reports the id through LastInsertId; PostgreSQL's driver
// has no such thing, so there the INSERT returns it.
func (d *dialect) insertReturningID(ctx context.Context, q execQueryer, query string, args ...any) (id int64, inserted bool, err error) {
	if d.postgres() {
		err := q.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		return id, err == nil, err
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, false, err
	}
	id, err = res.LastInsertId()
	return id, err == nil, err
}
