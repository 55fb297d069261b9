package httpx_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/web/httpx"
)

func page(body string) *httpx.Page { return httpx.NewPageFast("text/html", []byte(body)) }

// TestPinnedPagesOutliveAFullCache: when many pages fill the cache, the
// pinned ones (every visitor's first view of a step) are the ones that stay.
func TestPinnedPagesOutliveAFullCache(t *testing.T) {
	const limit = 8
	k := httpx.NewKept[string](limit, 1<<20)
	first := page("first")
	k.Keep("first", first, true, 0, k.Generation())
	for i := range 10 * limit {
		k.Keep(fmt.Sprintf("combo %d", i), page("combo"), false, 0, k.Generation())
	}
	if n := k.Len(); n > limit {
		t.Errorf("%d pages kept, limit %d", n, limit)
	}
	if k.Get("first") != first {
		t.Error("the pinned page was dropped to make room for unpinned ones")
	}
	if k.Get(fmt.Sprintf("combo %d", 10*limit-1)) == nil {
		t.Error("the newest page was not kept")
	}
}

func TestKeptDropsTheOldestFirst(t *testing.T) {
	k := httpx.NewKept[string](2, 1<<20)
	for _, key := range []string{"a", "b", "c"} {
		k.Keep(key, page(key), false, 0, k.Generation())
	}
	for key, want := range map[string]bool{"a": false, "b": true, "c": true} {
		if got := k.Get(key) != nil; got != want {
			t.Errorf("Get(%q) kept = %v, want %v", key, got, want)
		}
	}
}

func TestAFullCacheOfPinnedPagesKeepsNoMore(t *testing.T) {
	k := httpx.NewKept[string](1, 1<<20)
	k.Keep("pinned", page("p"), true, 0, k.Generation())
	k.Keep("other", page("o"), false, 0, k.Generation())
	if k.Get("other") != nil || k.Get("pinned") == nil {
		t.Errorf("with every place pinned, an unpinned page displaced a pinned one or was kept beyond the limit")
	}
}

// TestPinnedPagesCannotGrowPastTheLimit: pinning keeps a page from being
// dropped, never lets the cache grow: keys a client chooses (a Host
// header) pinned one by one stay within the limit.
func TestPinnedPagesCannotGrowPastTheLimit(t *testing.T) {
	const limit = 4
	k := httpx.NewKept[string](limit, 1<<20)
	for i := range 100 * limit {
		k.Keep(fmt.Sprintf("host-%d.example", i), page("landing"), true, 0, k.Generation())
	}
	if n := k.Len(); n > limit {
		t.Errorf("%d pinned pages kept, limit %d", n, limit)
	}
	if k.Get("host-0.example") == nil {
		t.Error("the first pinned page was dropped")
	}
}

// TestKeptStaysWithinItsBytes: pages and the keys they are kept under
// (a key may hold a long string a request named) count against the byte
// limit; the oldest go first, and a page larger than the whole limit is
// served but not kept.
func TestKeptStaysWithinItsBytes(t *testing.T) {
	const maxBytes = 64 << 10
	k := httpx.NewKept[string](1000, maxBytes).WithKeyBytes(func(key string) int { return len(key) })
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b) // incompressible: kept as large as it is
		return b
	}
	for i := range 200 {
		key := fmt.Sprintf("%d-%s", i, strings.Repeat("h", 2000)) // a long Host in the key
		k.Keep(key, httpx.NewPageUncompressed("image/png", random(1000)), false, 0, k.Generation())
		if got := k.Size(); got > maxBytes {
			t.Fatalf("after %d pages the cache holds %d bytes, limit %d", i+1, got, maxBytes)
		}
	}
	if k.Len() == 0 || k.Len() > maxBytes/3000 {
		t.Errorf("%d pages of 3 KB with their keys kept in %d bytes", k.Len(), maxBytes)
	}
	newest := fmt.Sprintf("%d-%s", 199, strings.Repeat("h", 2000))
	if k.Get(newest) == nil {
		t.Error("the newest page was not kept")
	}
	k.Keep("huge", httpx.NewPageUncompressed("image/png", random(2*maxBytes)), false, 0, k.Generation())
	if k.Get("huge") != nil || k.Size() > maxBytes {
		t.Errorf("a page larger than the limit was kept (cache now %d bytes)", k.Size())
	}
	k.ForgetAll()
	if k.Size() != 0 {
		t.Errorf("an empty cache counts %d bytes", k.Size())
	}
}

// TestForgetDropsAGroup: deleting a record forgets its pages, and a page
// made from the record before the delete is not kept after it.
func TestForgetDropsAGroup(t *testing.T) {
	k := httpx.NewKept[string](4, 1<<20)
	k.Keep("result 7", page("7"), false, 7, k.Generation())
	k.Keep("result 7.json", page("7j"), false, 7, k.Generation())
	k.Keep("result 8", page("8"), false, 8, k.Generation())
	before := k.Generation()
	k.Forget(7)
	if k.Get("result 7") != nil || k.Get("result 7.json") != nil {
		t.Error("a forgotten group's pages are still served")
	}
	if k.Get("result 8") == nil {
		t.Error("forgetting one group dropped another")
	}
	k.Keep("result 7", page("stale"), false, 7, before)
	if k.Get("result 7") != nil {
		t.Error("a page made before the forget was kept after it")
	}
	k.ForgetAll()
	if k.Len() != 0 {
		t.Errorf("ForgetAll left %d pages", k.Len())
	}
}

// TestKeptPagesExpireWithALifetime: with a lifetime, a page is not served
// once it is older, so a record deleted by another process is gone soon.
func TestKeptPagesExpireWithALifetime(t *testing.T) {
	now := time.Unix(1000, 0)
	k := httpx.NewKept[string](4, 1<<20).WithLifetime(30*time.Second, func() time.Time { return now })
	k.Keep("result", page("r"), false, 7, k.Generation())
	if k.Get("result") == nil {
		t.Fatal("a fresh page is not served")
	}
	now = now.Add(30 * time.Second)
	if k.Get("result") != nil {
		t.Error("a page past its lifetime is still served")
	}
}
