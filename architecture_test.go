// The map of the house: which package may import which, what belongs in
// each, and where new code goes. TestArchitecture holds it, with every
// `go test ./...`: when it fails, move the code to where its message says;
// change a rule only in a commit of its own that gives the reason
// (../shared/STYLE.md, "Packages — who may know whom").
package fitcheck_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "sessionplayer.studio/fitcheck"

// domain is what any part of the site may use: the shared vocabulary, the
// pure engines and renderers, and the small leaf packages.
var domain = []string{"assessment", "rules", "brief", "card", "booking", "password", "addrhash", "csvsafe", "metrics"}

// flow stands for every package under web/ but web/page and web/httpx: a
// visitor flow (web/visitor, web/answer, web/result), the review area
// (web/admin) and any job it is split into (web/admin/…), or a new one.
const flow = "web/<flow>"

// adminFrame is what the review area's parts (web/admin/account, desk,
// insight) share: the one package one flow may import from another, as
// every flow may import web/page.
const adminFrame = "web/admin/frame"

// A room is one package, or all flows: what belongs there, what of ours it
// may import ("x/..." is x and everything below it), and where to put what
// it may not hold.
type room struct {
	pkg, holds string
	may        []string
	instead    string
}

var rooms = []room{
	{"assessment", "the vocabulary everyone shares: questionnaire, answers, result, ids, error kinds", nil,
		"it imports nothing of ours: code that needs more belongs in the package that has it"},
	{"rules", "pure: answers and definition in; result, explanation, decisive reasons and near-miss out", []string{"assessment"},
		"it stays pure: no I/O, no clock; what needs more goes to its caller"},
	{"brief", "pure: the pre-call brief, from rules and content", []string{"assessment", "rules"},
		"it stays pure; what needs more goes to its caller (web/admin)"},
	{"card", "pure renderer: a result's view in, PNG bytes out", []string{"assessment"},
		"it stays a renderer; what it draws is passed in as a view"},
	{"booking", "pre-filled booking links; checking and reading the providers' webhooks", []string{"assessment"}, "it takes values, not the store or the web"},
	{"password", "argon2id hashing and the password rules", nil, "it is a leaf"},
	{"addrhash", "keyed pseudonyms of client addresses", nil, "it is a leaf"},
	{"csvsafe", "cells a spreadsheet will not run", nil, "it is a leaf"},
	{"metrics", "Prometheus counters", nil, "it is a leaf"},
	{"data", "SQL and migrations, returning domain types", []string{"assessment"},
		"storage knows the domain only; the web declares the interfaces it needs of data"},
	{"notify", "outbound work (e-mail, webhooks, Slack), fed by the outbox", []string{"assessment"},
		"it is fed by the outbox, never called from a request"},
	{"web/httpx", "HTTP plumbing that knows no fitcheck words and mints no ids", nil,
		"it imports nothing of ours: anything that knows an assessment, a draft or a page belongs in web/page or a flow"},
	{"web/page", "the shared frame: layout, error pages, the error→status table, render-to-buffer, kept pages, the helpers several pages use",
		[]string{"assessment", "card", "addrhash", "web/httpx"},
		"it is shared by every flow, so it knows none of them; a flow's own view belongs in the flow"},
	{flow, "one flow: its handlers, views and .templ pages, and the small store interfaces it consumes",
		append(slices.Clone(domain), "web/page", "web/httpx"),
		"flows do not import each other, nor data: put what two flows share in web/page (frame, helpers) or web/httpx (plumbing), " +
			"or declare a small interface in the flow for what it needs and wire it in web/server.go. A flow may import the packages inside its own folder"},
	{adminFrame, "the review area's shared frame: its layout, the signed-in owner, confirmations, outcome names, the owner's time zone",
		append(slices.Clone(domain), "web/page", "web/httpx"),
		"it is shared by every part of the review area, so it knows none of them; a page of one part belongs in that part"},
	{"web", "the route table (routes.go), the wiring (server.go), the landing page and the health checks, and nothing else",
		append(slices.Clone(domain), "data", "web/..."), "the web root only wires; work belongs in a flow"},
	{"cmd/fitcheck", "the binary: flags, wiring, commands", append(slices.Clone(domain), "data", "notify", "web/..."), "no package imports another command"},
	{"cmd/fitcheck-bench", "the load bench", append(slices.Clone(domain), "data", "notify", "web/..."), "no package imports another command"},
}

// webRootFiles are the only hand-written files of the web root (tests and
// generated files aside).
var webRootFiles = []string{"routes.go", "server.go", "landing.go", "landing.templ", "health.go"}

// The limits under web/ (STYLE.md): a consumer's interface holds only what
// it calls, and a handler type that grows past the second limit is two.
const (
	maxInterfaceMethods = 12
	maxTypeMethods      = 25
)

// pending are limits broken today, each with the work that ends it. The
// test fails once one holds again, so its row leaves with that work.
var pending = map[string]string{}

func TestArchitecture(t *testing.T) {
	pkgs := parseModule(t)
	broken := map[string]bool{}
	for _, p := range sortedKeys(pkgs) {
		pkg := pkgs[p]
		checkImports(t, pkg)
		if p == "web" {
			checkWebRoot(t, pkg)
		}
		if p == "web" || strings.HasPrefix(p, "web/") {
			checkSizes(t, pkg, pkgs, broken)
		}
	}
	for limit, why := range pending {
		if !broken[limit] {
			t.Errorf("%s keeps its limit now: remove its row from pending in architecture_test.go (it was there for %s)", limit, why)
		}
	}
}

// pkg is one package's hand-written and generated source, tests aside.
type pkg struct {
	path  string // relative to the module: "web/answer"
	files []*ast.File
	names []string // file names, as files
	// imports of ours, with the file that first imports each
	imports map[string]string
}

func parseModule(t *testing.T) map[string]*pkg {
	t.Helper()
	fset := token.NewFileSet()
	pkgs := map[string]*pkg{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		p := pkgs[dir]
		if p == nil {
			p = &pkg{path: dir, imports: map[string]string{}}
			pkgs[dir] = p
		}
		p.files = append(p.files, f)
		p.names = append(p.names, filepath.Base(path))
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if ours, ok := strings.CutPrefix(ip, module+"/"); ok {
				if _, seen := p.imports[ours]; !seen {
					p.imports[ours] = filepath.Base(path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read the module's source: %v", err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found %d packages; run the test from the module root", len(pkgs))
	}
	return pkgs
}

// roomOf is the row of the map a package is in.
func roomOf(path string) (room, bool) {
	for _, r := range rooms {
		if r.pkg == path {
			return r, true
		}
	}
	if isFlow(path) {
		return rooms[slices.IndexFunc(rooms, func(r room) bool { return r.pkg == flow })], true
	}
	return room{}, false
}

func isFlow(path string) bool {
	return strings.HasPrefix(path, "web/") && path != "web/page" && path != "web/httpx"
}

func checkImports(t *testing.T, p *pkg) {
	r, ok := roomOf(p.path)
	if !ok {
		t.Errorf("%s is not on the map: add a row for it to rooms in architecture_test.go (what it holds, what it may import), in a commit of its own", p.path)
		return
	}
	for _, imp := range sortedKeys(p.imports) {
		if mayImport(r, p.path, imp) {
			continue
		}
		where := r.pkg
		if where == flow {
			where = "a flow under web/"
		}
		t.Errorf("%s (%s) imports %s: %s holds %s; %s.\n\t%s may import: %s",
			p.path, p.imports[imp], imp, where, r.holds, r.instead, p.path, mayList(r))
	}
}

func mayImport(r room, from, imp string) bool {
	if r.pkg == flow && strings.HasPrefix(imp, from+"/") {
		return true // a flow's own subpackages
	}
	if r.pkg == flow && imp == adminFrame && strings.HasPrefix(from, "web/admin/") {
		return true // the review area's parts share their frame
	}
	for _, m := range r.may {
		if m == imp {
			return true
		}
		if base, ok := strings.CutSuffix(m, "/..."); ok && (imp == base || strings.HasPrefix(imp, base+"/")) {
			return true
		}
	}
	return false
}

func mayList(r room) string {
	list := strings.Join(r.may, ", ")
	if list == "" {
		list = "nothing of ours"
	}
	if r.pkg == flow {
		list += ", and the packages inside its own folder (and, under web/admin/, " + adminFrame + ")"
	}
	return list
}

func checkWebRoot(t *testing.T, p *pkg) {
	entries, err := os.ReadDir("web")
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string]bool{}
	for i, f := range p.files {
		generated[p.names[i]] = ast.IsGenerated(f)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, "_test.go") || generated[name] || slices.Contains(webRootFiles, name) {
			continue
		}
		if !strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".templ") {
			continue
		}
		t.Errorf("web/%s: the web root holds only %s (routes, wiring, landing, health). "+
			"A handler goes to its flow's package (web/answer, web/result, web/visitor, web/admin, or a new one under web/), "+
			"a helper several pages use to web/page, plumbing to web/httpx", name, strings.Join(webRootFiles, ", "))
	}
}

// checkSizes counts the methods of every interface declared in p and of
// every type with methods in p.
func checkSizes(t *testing.T, p *pkg, pkgs map[string]*pkg, broken map[string]bool) {
	for _, f := range p.files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok {
					continue
				}
				it, ok := ts.Type.(*ast.InterfaceType)
				if !ok {
					continue
				}
				name := "interface " + p.path + "." + ts.Name.Name
				if n := interfaceMethods(it, f, p, pkgs); n > maxInterfaceMethods {
					broken[name] = true
					if pending[name] == "" {
						t.Errorf("%s has %d methods, more than %d: an interface belongs to its consumer and holds only what that consumer calls. "+
							"Split the consumer by job, each declaring its own small interface", name, n, maxInterfaceMethods)
					}
				}
			}
		}
	}
	methods := map[string]int{}
	for _, f := range p.files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 {
				methods[receiverName(fd.Recv.List[0].Type)]++
			}
		}
	}
	for _, typ := range sortedKeys(methods) {
		name := "type " + p.path + "." + typ
		if n := methods[typ]; n > maxTypeMethods {
			broken[name] = true
			if pending[name] == "" {
				t.Errorf("%s has %d methods, more than %d: a new feature is a new file in its flow's package with a handler type of its own, "+
					"or a new package under web/", name, n, maxTypeMethods)
			}
		}
	}
}

// interfaceMethods counts the methods of it, those of the interfaces it embeds
// included (an embedded interface from outside the module counts as one).
func interfaceMethods(it *ast.InterfaceType, f *ast.File, p *pkg, pkgs map[string]*pkg) int {
	n := 0
	for _, m := range it.Methods.List {
		switch typ := m.Type.(type) {
		case *ast.FuncType:
			n += len(m.Names)
		case *ast.Ident:
			n += embedded(p, typ.Name, pkgs)
		case *ast.SelectorExpr:
			n += embedded(importedPkg(f, typ, pkgs), typ.Sel.Name, pkgs)
		default:
			n++
		}
	}
	return n
}

func embedded(p *pkg, name string, pkgs map[string]*pkg) int {
	if p == nil {
		return 1
	}
	for _, f := range p.files {
		obj := f.Scope.Lookup(name)
		if obj == nil {
			continue
		}
		if ts, ok := obj.Decl.(*ast.TypeSpec); ok {
			if it, ok := ts.Type.(*ast.InterfaceType); ok {
				return interfaceMethods(it, f, p, pkgs)
			}
		}
	}
	return 1
}

// importedPkg is the package of ours a selector's X names in f, or nil.
func importedPkg(f *ast.File, sel *ast.SelectorExpr, pkgs map[string]*pkg) *pkg {
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil
	}
	for _, imp := range f.Imports {
		ip, _ := strconv.Unquote(imp.Path.Value)
		ours, ok := strings.CutPrefix(ip, module+"/")
		if !ok {
			continue
		}
		name := ours[strings.LastIndex(ours, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == x.Name {
			return pkgs[ours]
		}
	}
	return nil
}

func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return fmt.Sprintf("%T", e)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
