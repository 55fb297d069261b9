package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 1000; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.50, 500 * time.Millisecond},
		{0.99, 990 * time.Millisecond},
		{0.999, 999 * time.Millisecond},
		{1, 1000 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := quantile(sorted, tt.q); got != tt.want {
			t.Errorf("quantile(1..1000 ms, %v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := quantile(nil, 0.5); got != 0 {
		t.Errorf("quantile(nil) = %v, want 0", got)
	}
}

func TestRate(t *testing.T) {
	for n, want := range map[float64]string{0: "0", 999.4: "999", 1234.5: "1,235", 61234567: "61,234,567"} {
		if got := rate(n); got != want {
			t.Errorf("rate(%v) = %q, want %q", n, got, want)
		}
	}
}

// TestWriteDocsKeepsTheProse checks -write-docs replaces only what lies
// between its markers.
func TestWriteDocsKeepsTheProse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	rep := &report{Options: options{Duration: time.Second, Clients: 1, Submits: 1}}
	if err := rep.writeDocs(path); err != nil {
		t.Fatalf("writeDocs to a new file: %v", err)
	}
	b, _ := os.ReadFile(path)
	doc := strings.Replace(string(b), "(to be written)", "Our own analysis.", 1)
	doc = strings.Replace(doc, docsBegin, "Intro.\n\n"+docsBegin, 1)
	os.WriteFile(path, []byte(doc), 0o644)

	rep.Options.Clients = 7
	if err := rep.writeDocs(path); err != nil {
		t.Fatalf("writeDocs again: %v", err)
	}
	b, _ = os.ReadFile(path)
	got := string(b)
	for _, want := range []string{"Intro.", "Our own analysis.", "7 clients"} {
		if !strings.Contains(got, want) {
			t.Errorf("after rewriting, the file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "1 clients") || strings.Count(got, docsBegin) != 1 {
		t.Errorf("the old table was not replaced:\n%s", got)
	}

	os.WriteFile(path, []byte("# Performance\n\nno markers\n"), 0o644)
	if err := rep.writeDocs(path); err == nil {
		t.Errorf("writeDocs into a file without markers = nil, want an error")
	}
}

// TestHeaderFileRoundTrip: the bare ceiling sends exactly the headers the
// real server's landing page had, as the bench wrote them down.
func TestHeaderFileRoundTrip(t *testing.T) {
	want := http.Header{
		"Content-Type":            {"text/html; charset=utf-8"},
		"Content-Encoding":        {"gzip"},
		"Content-Security-Policy": {"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
		"Vary":                    {"Accept-Encoding"},
		"Etag":                    {`"0123abcd"`},
	}
	var b bytes.Buffer
	if err := want.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "landing.header")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readHeaderFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %v, want %v", got, want)
	}
}
