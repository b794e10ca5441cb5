package web

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The API's allowance per token: apiRatePerSecond requests a second on average, with bursts
// of up to apiRateBurst (a client paging through the directory in a hurry). The buckets are
// kept in each instance's memory, so the limits are per instance: behind a load balancer
// with n instances a token may get up to n times as much. That is enough to stop a runaway
// client hurting the service, which is what the limit is for; it is not a quota.
const (
	apiRatePerSecond = 10
	apiRateBurst     = 60
)

// rateLimiter is a token bucket per key (an API token's id): each request takes one, and
// they refill at a steady rate up to the burst.
type rateLimiter struct {
	rate, burst float64
	now         func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the memory the buckets take; past it, full buckets (of clients idle
// long enough to have refilled) are dropped, which forgets nothing that matters.
const maxBuckets = 10000

func newRateLimiter(perSecond, burst int, now func() time.Time) *rateLimiter {
	if now == nil {
		now = time.Now
	}
	return &rateLimiter{rate: float64(perSecond), burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// rateDecision is the limiter's answer to one request, with what the headers say.
type rateDecision struct {
	allowed bool
	limit   int
	// remaining is how many more requests could be made at once.
	remaining int
	// reset is how long until the bucket is full again.
	reset time.Duration
	// retryAfter is how long until the next request would be allowed; 0 when allowed.
	retryAfter time.Duration
}

// take spends one request of key's allowance, if there is one.
func (l *rateLimiter) take(key string) rateDecision {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.dropFull(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.at = now
	d := rateDecision{limit: int(l.burst)}
	if b.tokens >= 1 {
		b.tokens--
		d.allowed = true
	} else {
		d.retryAfter = l.seconds(1 - b.tokens)
	}
	d.remaining = int(math.Floor(b.tokens))
	d.reset = l.seconds(l.burst - b.tokens)
	return d
}

// seconds is how long n requests take to refill.
func (l *rateLimiter) seconds(n float64) time.Duration {
	return time.Duration(n / l.rate * float64(time.Second))
}

func (l *rateLimiter) dropFull(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// wholeSeconds rounds a wait up to whole seconds, as the headers carry it: rounding down
// would tell a client to come back before it may.
func wholeSeconds(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// setRateHeaders tells the client its allowance (the RateLimit header fields of the IETF
// httpapi draft, in their widely used separate form), and when refused, when to retry.
func setRateHeaders(c *fiber.Ctx, d rateDecision) {
	c.Set("RateLimit-Limit", strconv.Itoa(d.limit))
	c.Set("RateLimit-Remaining", strconv.Itoa(d.remaining))
	c.Set("RateLimit-Reset", wholeSeconds(d.reset))
	if !d.allowed {
		c.Set(fiber.HeaderRetryAfter, wholeSeconds(d.retryAfter))
	}
}
