package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// Kept pages (cache.go) must be exactly what rendering would give, to the
// right visitors, and must go when their result goes.

func TestKeptResultIsTheSharedView(t *testing.T) {
	s := mustStart(t)
	owner := s.newVisitor()
	owner.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	path := owner.submitContact(url.Values{}).location

	for i := range 2 { // rendered, then kept
		shared := s.newVisitor().get(path)
		if byTestID(shared.doc, "delete-own") != nil {
			t.Errorf("view %d with only the link offers delete", i+1)
		}
		if mine := owner.get(path); byTestID(mine.doc, "delete-own") == nil {
			t.Errorf("view %d by the owner, after a shared view, offers no delete", i+1)
		}
	}

	// Without -base-url the share link is built from the host asked for,
	// so each host has its own kept page.
	for _, host := range []string{"fit.example.com", "other.example"} {
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		req.Host = host
		p := s.newVisitor().do(req)
		if got, want := attr(byTestID(p.doc, "share-link"), "value"), "http://"+host+path; got != want {
			t.Errorf("share link asked for on %s = %q, want %q", host, got, want)
		}
	}

	// A client without gzip gets the same page, under the same ETag.
	zipped, gz := rawGet(t, s, path, "", map[string]string{"Accept-Encoding": "gzip"})
	plainResp, plain := rawGet(t, s, path, "", nil)
	unzipped, err := gunzip(gz)
	if err != nil || unzipped != string(plain) || zipped.Header.Get("ETag") != plainResp.Header.Get("ETag") {
		t.Errorf("gzipped and plain kept pages differ (err %v, ETags %q and %q)", err, zipped.Header.Get("ETag"), plainResp.Header.Get("ETag"))
	}
	if plainResp.Header.Get("Content-Encoding") != "" || plainResp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("plain kept page sent with Content-Encoding %q, Cache-Control %q; want none and no-store",
			plainResp.Header.Get("Content-Encoding"), plainResp.Header.Get("Cache-Control"))
	}
}

func TestKeptResultGoesWithAnAdminDelete(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	path := s.submitted(assessment.HireAPM, url.Values{})
	stranger := s.newVisitor()
	for _, p := range []string{path, path + ".json"} {
		if got := stranger.get(p); got.status != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200", p, got.status)
		}
	}
	admin := s.newVisitor()
	admin.signIn("greg@example.com", ownerPassword)
	if p := admin.post("/admin/a/1/delete", url.Values{"confirm": {"yes"}}); p.status != http.StatusSeeOther {
		t.Fatalf("admin delete = %d, want 303", p.status)
	}
	for _, p := range []string{path, path + ".json"} {
		if got := stranger.get(p); got.status != http.StatusNotFound {
			t.Errorf("GET %s after the admin deleted it = %d, want 404", p, got.status)
		}
	}
}

func TestKeptLandingOnlyForVisitorsWithoutASession(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	if p := v.get("/"); byTestID(p.doc, "start") == nil || byTestID(p.doc, "resume") != nil {
		t.Errorf("a first visit does not offer Start")
	}
	v.fill(v.start(), exampleAnswers(t, s.q, assessment.BookACall), "next")
	if p := v.get("/"); byTestID(p.doc, "resume") == nil {
		t.Errorf("a visitor with answers saved is not offered to resume")
	}
	if p := s.newVisitor().get("/?done=deleted"); byTestID(p.doc, "notice") == nil {
		t.Errorf("no notice after a deletion")
	}
	if p := s.newVisitor().get("/"); byTestID(p.doc, "notice") != nil || !strings.Contains(p.body, "Start the assessment") {
		t.Errorf("the kept landing page carries another visitor's notice or lacks Start")
	}
}
