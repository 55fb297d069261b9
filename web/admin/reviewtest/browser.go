package reviewtest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Browser is one browser on a test server: its own cookie jar, redirects
// not followed, so tests see every status.
type Browser struct {
	t      testing.TB
	base   string
	Client *http.Client
}

// NewBrowser is a browser with no cookies, on the server at base.
func NewBrowser(t testing.TB, base string) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, base: base, Client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Page is a response with its HTML parsed.
type Page struct {
	Status   int
	Location string
	Header   http.Header
	Body     string
	Doc      *html.Node // nil unless the response is HTML
}

// URL is path on the browser's server.
func (b *Browser) URL(path string) string { return b.base + path }

// Do sends req, and fails the test on what nobody may ever see: a server
// error or a stack trace.
func (b *Browser) Do(req *http.Request) *Page {
	b.t.Helper()
	resp, err := b.Client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	p := &Page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Header: resp.Header, Body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if p.Doc, err = html.Parse(strings.NewReader(p.Body)); err != nil {
			b.t.Fatalf("parse HTML of %s: %v", req.URL.Path, err)
		}
	}
	if p.Status >= 500 {
		b.t.Errorf("%s %s = %d, want no server error; body:\n%s", req.Method, req.URL.Path, p.Status, p.Body)
	}
	for _, s := range []string{"goroutine ", "panic:", ".go:"} {
		if strings.Contains(p.Body, s) {
			b.t.Errorf("%s %s body contains %q", req.Method, req.URL.Path, s)
		}
	}
	return p
}

// Get fetches path.
func (b *Browser) Get(path string) *Page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.URL(path), nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.Do(req)
}

// Post sends form to path, as a browser's form does.
func (b *Browser) Post(path string, form url.Values) *Page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.URL(path), strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Upload posts one file as multipart/form-data, as a browser's file input
// does, with an empty "content" field beside it.
func (b *Browser) Upload(path, field, name string, content []byte) *Page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.WriteField("content", "")
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.URL(path), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.Do(req)
}
