package web

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Failed sign-ins allowed per window, per account and per client address.
// The account limit stops guessing one password from many addresses; the
// address limit stops one address trying many accounts.
const (
	signinWindow         = 15 * time.Minute
	maxFailuresPerEmail  = 5
	maxFailuresPerClient = 20
	maxTrackedKeys       = 10000
)

type failures struct {
	count int
	since time.Time
}

// signinLimiter counts recent failed sign-ins in memory. Losing the counts
// on restart is acceptable: a restart is rare and costs an attacker nothing
// they could not get by waiting out the window.
type signinLimiter struct {
	mu   sync.Mutex
	seen map[string]*failures
}

func newSigninLimiter() *signinLimiter {
	return &signinLimiter{seen: map[string]*failures{}}
}

// blocked says how long until another attempt is allowed, or 0.
func (l *signinLimiter) blocked(email, client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for key, limit := range map[string]int{"email:" + email: maxFailuresPerEmail, "client:" + client: maxFailuresPerClient} {
		f := l.current(key, now)
		if f != nil && f.count >= limit {
			wait = max(wait, f.since.Add(signinWindow).Sub(now))
		}
	}
	return wait
}

func (l *signinLimiter) fail(email, client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) >= maxTrackedKeys {
		l.prune(now)
	}
	for _, key := range []string{"email:" + email, "client:" + client} {
		f := l.current(key, now)
		if f == nil {
			f = &failures{since: now}
			l.seen[key] = f
		}
		f.count++
	}
}

// succeed clears an account's count; the client's stays, so a valid login
// cannot be used to reset a spray across other accounts.
func (l *signinLimiter) succeed(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, "email:"+email)
}

// current is the live record for key, dropping one whose window has passed.
func (l *signinLimiter) current(key string, now time.Time) *failures {
	f := l.seen[key]
	if f != nil && now.Sub(f.since) >= signinWindow {
		delete(l.seen, key)
		return nil
	}
	return f
}

func (l *signinLimiter) prune(now time.Time) {
	for key, f := range l.seen {
		if now.Sub(f.since) >= signinWindow {
			delete(l.seen, key)
		}
	}
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(d.Round(time.Second) / time.Second))
}

func humanWait(d time.Duration) string {
	if m := int(d.Round(time.Minute) / time.Minute); m > 1 {
		return fmt.Sprintf("%d minutes", m)
	}
	return "a minute"
}
