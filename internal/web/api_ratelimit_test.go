package web

import (
	"fmt"
	"testing"
	"time"
)

// clock is a time the test moves by hand.
type clock struct{ t time.Time }

func newClock() *clock                   { return &clock{t: time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)} }
func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// String makes failures readable.
func (d rateDecision) String() string {
	return fmt.Sprintf("allowed %v, remaining %d, retry after %s", d.allowed, d.remaining, d.retryAfter)
}

func TestRateLimiterBurstThenRefill(t *testing.T) {
	c := newClock()
	l := newRateLimiter(10, 60, c.now)
	for i := 1; i <= 60; i++ {
		d := l.take("a")
		if !d.allowed || d.remaining != 60-i || d.limit != 60 {
			t.Fatalf("request %d of the burst: %s", i, d)
		}
	}
	d := l.take("a")
	if d.allowed || d.remaining != 0 || d.retryAfter != 100*time.Millisecond || d.reset != 6*time.Second {
		t.Fatalf("request 61: %s, reset %s", d, d.reset)
	}
	// Another key has its own bucket.
	if d := l.take("b"); !d.allowed || d.remaining != 59 {
		t.Errorf("another token: %s", d)
	}
	steps := []struct {
		after   time.Duration
		allowed bool
	}{
		{50 * time.Millisecond, false}, // half a request refilled
		{50 * time.Millisecond, true},  // a whole one
		{0, false},
		{time.Second, true}, // ten more
	}
	for i, s := range steps {
		c.advance(s.after)
		if d := l.take("a"); d.allowed != s.allowed {
			t.Errorf("step %d (+%s): %s, want allowed %v", i, s.after, d, s.allowed)
		}
	}
	// Refilling stops at the burst, however long the client was away.
	c.advance(time.Hour)
	if d := l.take("a"); !d.allowed || d.remaining != 59 || d.reset != 100*time.Millisecond {
		t.Errorf("after an hour: %s, reset %s", d, d.reset)
	}
}

func TestRateLimiterForgetsIdleClientsWhenFull(t *testing.T) {
	c := newClock()
	l := newRateLimiter(10, 60, c.now)
	for i := range maxBuckets {
		l.take(fmt.Sprint(i))
	}
	busy := "0"
	for range 59 {
		l.take(busy)
	}
	c.advance(time.Second) // the others are full again; the busy one has 11 of 60
	l.take("newcomer")
	if len(l.buckets) != 2 {
		t.Fatalf("%d buckets kept, want the busy one and the newcomer", len(l.buckets))
	}
	if d := l.take(busy); d.remaining != 9 {
		t.Errorf("the busy client's allowance was forgotten: %s", d)
	}
}

func TestWholeSecondsRoundsUp(t *testing.T) {
	tests := map[time.Duration]string{0: "0", time.Millisecond: "1", 100 * time.Millisecond: "1", time.Second: "1",
		1001 * time.Millisecond: "2", 6 * time.Second: "6"}
	for d, want := range tests {
		if got := wholeSeconds(d); got != want {
			t.Errorf("wholeSeconds(%s) = %s, want %s", d, got, want)
		}
	}
}
