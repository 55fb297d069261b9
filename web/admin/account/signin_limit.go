package account

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Sign-in attempts allowed per window. A guesser is stopped by the tighter
// per-account-and-address limit, and one address trying many accounts by
// the per-address limit: both refuse only the address that failed, so the
// owner signing in from anywhere else is never locked out. A guesser spread
// over many addresses is slowed, not refused, past the per-account
// ceiling: each further failure for that account waits one step longer, up
// to maxSlowdownSteps.
const (
	signinWindow         = 15 * time.Minute
	maxFailuresPerPair   = 5
	maxFailuresPerClient = 20
	maxFailuresPerEmail  = 25
	maxSlowdownSteps     = 20
	maxTrackedKeys       = 10000
)

type failures struct {
	count int
	since time.Time
}

// signinLimiter counts recent sign-in attempts in memory. Losing the counts
// on restart is acceptable: a restart is rare and costs an attacker nothing
// they could not get by waiting out the window.
type signinLimiter struct {
	mu   sync.Mutex
	seen map[string]*failures
}

func newSigninLimiter() *signinLimiter {
	return &signinLimiter{seen: map[string]*failures{}}
}

// limiterKeys are the counts one attempt adds to, with the limit past which
// each refuses; the account's own count never refuses (0), it slows.
func limiterKeys(email, client string) map[string]int {
	return map[string]int{
		"pair:" + client + "|" + email: maxFailuresPerPair,
		"client:" + client:             maxFailuresPerClient,
		"email:" + email:               0,
	}
}

// slowdown is how many steps of delay a failed sign-in for email earns:
// none until the account has failed maxFailuresPerEmail times in the
// window, then one more per failure, up to maxSlowdownSteps.
func (l *signinLimiter) slowdown(email string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.current("email:"+email, now)
	if f == nil || f.count <= maxFailuresPerEmail {
		return 0
	}
	return min(f.count-maxFailuresPerEmail, maxSlowdownSteps)
}

// attempt reserves one attempt before the password is checked, so parallel
// requests cannot all slip past the limit while their hashes run. It
// returns how long to wait when a limit is reached (nothing is reserved
// then), or 0.
func (l *signinLimiter) attempt(email, client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := limiterKeys(email, client)
	var wait time.Duration
	for key, limit := range keys {
		if f := l.current(key, now); f != nil && limit > 0 && f.count >= limit {
			wait = max(wait, f.since.Add(signinWindow).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	if len(l.seen) >= maxTrackedKeys {
		l.prune(now)
	}
	for key := range keys {
		f := l.current(key, now)
		if f == nil {
			f = &failures{since: now}
			l.seen[key] = f
		}
		f.count++
	}
	return 0
}

// succeed gives back the attempt a correct sign-in reserved, and clears the
// account's pair count, so the owner signing in is never counted against them.
func (l *signinLimiter) succeed(email, client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for key := range limiterKeys(email, client) {
		if f := l.current(key, now); f != nil {
			f.count = max(f.count-1, 0)
		}
	}
	delete(l.seen, "pair:"+client+"|"+email)
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
