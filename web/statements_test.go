package web_test

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"modernc.org/sqlite"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
)

// assessmentStatementBudget bounds the SQL statements one whole assessment
// costs: start, every step opened and answered, the submit, and the result
// viewed by its owner. It is a count, so a change that adds a query per
// answer or per criterion fails here on any machine.
const assessmentStatementBudget = 40

// statementCounter counts the SQL statements SQLite compiles on the
// connections to one database file. It uses SQLite's authorizer, which
// sees every statement as it is prepared; the store is opened with
// data.PrepareEachTime, so every statement it runs is compiled, and
// counted. An UPDATE is reported once per column it sets, so a run of
// UPDATE callbacks counts as one statement;
// a SELECT counts once per SELECT, subqueries included, so the count is,
// if anything, high.
type statementCounter struct {
	mu     sync.Mutex
	kinds  map[string]int // statements by kind
	counts map[string]int // statements by request
	log    []string       // the requests, in order
	now    string         // the request being counted
}

var (
	countersMu sync.Mutex
	counters   = map[string]*statementCounter{} // by database path
	hookOnce   sync.Once
)

// countStatements starts counting statements on the database at path. It
// must be called before the database is opened.
func countStatements(t testing.TB, path string) *statementCounter {
	t.Helper()
	hookOnce.Do(func() {
		sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
			countersMu.Lock()
			var c *statementCounter
			for p, pc := range counters {
				if strings.Contains(dsn, p) {
					c = pc
				}
			}
			countersMu.Unlock()
			if c == nil {
				return nil
			}
			reg, ok := conn.(sqlite.AuthorizerRegisterer)
			if !ok {
				return fmt.Errorf("the sqlite driver has no authorizer")
			}
			prev := sqlite.AuthorizerActionCode(-1)
			return reg.RegisterAuthorizer(func(action sqlite.AuthorizerActionCode, arg1, _, _, trigger string) sqlite.AuthorizerReturnCode {
				if trigger == "" {
					c.see(action, prev, arg1)
				}
				prev = action
				return sqlite.AuthorizerOK
			})
		})
	})
	c := &statementCounter{kinds: map[string]int{}, counts: map[string]int{}}
	countersMu.Lock()
	counters[path] = c
	countersMu.Unlock()
	t.Cleanup(func() {
		countersMu.Lock()
		delete(counters, path)
		countersMu.Unlock()
	})
	return c
}

func (c *statementCounter) see(action, prev sqlite.AuthorizerActionCode, arg1 string) {
	var kind string
	switch action {
	case sqlite.AuthSelect:
		kind = "SELECT"
	case sqlite.AuthInsert:
		kind = "INSERT"
	case sqlite.AuthDelete:
		kind = "DELETE"
	case sqlite.AuthUpdate:
		if prev == sqlite.AuthUpdate {
			return // another column of the same UPDATE
		}
		kind = "UPDATE"
	case sqlite.AuthTransaction:
		kind = arg1 // BEGIN, COMMIT, ROLLBACK
	case sqlite.AuthSavepoint:
		kind = "SAVEPOINT " + arg1 // BEGIN, RELEASE, ROLLBACK
	case sqlite.AuthPragma:
		kind = "PRAGMA"
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now != "" { // not start-up's migrations
		c.kinds[kind]++
		c.counts[c.now]++
	}
}

// during counts what the request named label costs.
func (c *statementCounter) during(label string, do func()) {
	c.mu.Lock()
	c.now = label
	c.log = append(c.log, label)
	c.mu.Unlock()
	do()
	c.mu.Lock()
	c.now = ""
	c.mu.Unlock()
}

func (c *statementCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, label := range c.log {
		n += c.counts[label]
	}
	return n
}

func (c *statementCounter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, label := range c.log {
		fmt.Fprintf(&b, "  %-28s %3d\n", label, c.counts[label])
	}
	var kinds []string
	for k, n := range c.kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(&b, "  by kind: %s", strings.Join(kinds, ", "))
	return b.String()
}

// TestAssessmentStatementBudget walks one assessment as a visitor would,
// opening each step, answering it, submitting and viewing the result, and
// counts the SQL statements it costs. A first assessment goes uncounted: a
// connection opened before the migrations compiles its first statement
// twice (SQLite prepares it again for the new schema), which is start-up's
// cost, not an assessment's.
func TestAssessmentStatementBudget(t *testing.T) {
	dbPath := t.TempDir() + "/fitcheck.db"
	c := countStatements(t, dbPath)
	s := mustStartStore(t, dbPath, assessment.DefaultContent, []data.Option{data.PrepareEachTime()})
	walkAssessment(t, s, &statementCounter{kinds: map[string]int{}, counts: map[string]int{}})
	walkAssessment(t, s, c)

	n := c.total()
	if n == 0 {
		t.Fatal("counted no statements at all: the counter is not attached to the store's connections")
	}
	t.Logf("one whole assessment: %d SQL statements (budget %d)\n%s", n, assessmentStatementBudget, c)
	if n > assessmentStatementBudget {
		t.Errorf("one whole assessment costs %d SQL statements, budget %d", n, assessmentStatementBudget)
	}
}

// walkAssessment takes a new visitor through a whole assessment, counting
// each request's statements with c.
func walkAssessment(t *testing.T, s *site, c *statementCounter) {
	t.Helper()
	ans := exampleAnswers(t, s.q, assessment.BookACall)
	v := s.newVisitor()
	var p *page
	c.during("GET /", func() { p = v.get("/") })
	var started *page
	c.during("POST /start", func() { started = v.post("/start", formValues(findForm(p.doc, "/start"))) })
	c.during("GET "+started.location, func() { p = v.get(started.location) })
	for i := range s.q.Steps {
		var next *page
		c.during(fmt.Sprintf("POST /step/%d", i+1), func() { next = v.fill(p, ans, "next") })
		if next.status != 303 {
			t.Fatalf("step %d = %d, want 303", i+1, next.status)
		}
		c.during("GET "+next.location, func() { p = v.get(next.location) })
	}
	var done *page
	c.during(fmt.Sprintf("POST /step/%d (submit)", len(s.q.Steps)+1), func() { done = v.submitContact(url.Values{}) })
	if done.status != 303 || !strings.HasPrefix(done.location, "/r/") {
		t.Fatalf("submit = %d %q, want 303 to the result", done.status, done.location)
	}
	c.during("GET /r/{token} (owner)", func() { p = v.get(done.location) })
	if p.status != 200 {
		t.Fatalf("result = %d, want 200", p.status)
	}
}
