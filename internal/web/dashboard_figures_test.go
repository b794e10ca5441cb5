package web

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// The dashboard's figures are worked out at most once per refresh on an instance: views
// within it share them, a view after it is answered at once from the last figures while new
// ones are worked out, and a new day, a failure or a refresh of 0 never shows stale figures.
func TestDashboardCacheServesFiguresOncePerRefresh(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	now := day.Add(9 * time.Hour)
	var runs atomic.Int32
	release := make(chan struct{}, 10)
	compute := func(context.Context) (*dashboardFigures, error) {
		n := runs.Add(1)
		<-release
		return figuresNumbered(now, day, int(n)), nil
	}
	c := &dashboardCache{maxAge: time.Minute}

	release <- struct{}{}
	f, err := c.get(ctx, now, day, compute)
	if err != nil || f.Returns.Total != 1 {
		t.Fatalf("first view: %+v, %v", f, err)
	}
	// Within the minute: the same figures, nothing worked out.
	if f, _ := c.get(ctx, now.Add(59*time.Second), day, compute); f.Returns.Total != 1 || runs.Load() != 1 {
		t.Fatalf("within the refresh: figures %d, runs %d", f.Returns.Total, runs.Load())
	}
	// After it: the last figures at once, and one working out for all the views that ask.
	for range 3 {
		if f, _ := c.get(ctx, now.Add(61*time.Second), day, compute); f.Returns.Total != 1 {
			t.Fatalf("stale view got figures %d", f.Returns.Total)
		}
	}
	now = now.Add(61 * time.Second)
	release <- struct{}{}
	waitFor(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.flight == nil })
	if runs.Load() != 2 {
		t.Fatalf("views after the refresh worked the figures out %d times, want once more", runs.Load()-1)
	}
	if f, _ := c.get(ctx, now, day, compute); f.Returns.Total != 2 {
		t.Fatalf("after the working out: figures %d", f.Returns.Total)
	}

	// A new day waits for its own figures rather than showing yesterday's.
	tomorrow := day.AddDate(0, 0, 1)
	compute2 := func(context.Context) (*dashboardFigures, error) {
		runs.Add(1)
		return figuresNumbered(now, tomorrow, 3), nil
	}
	if f, _ := c.get(ctx, now.Add(24*time.Hour), tomorrow, compute2); f.Returns.Total != 3 {
		t.Fatalf("new day: figures %d", f.Returns.Total)
	}

	// A failure is the view's error when there is nothing to show, and keeps the last figures.
	boom := errors.New("boom")
	fail := func(context.Context) (*dashboardFigures, error) { return nil, boom }
	empty := &dashboardCache{maxAge: time.Minute}
	if _, err := empty.get(ctx, now, day, fail); !errors.Is(err, boom) {
		t.Fatalf("first view's failure: %v", err)
	}

	// A refresh of 0 works the figures out for every view.
	every := &dashboardCache{}
	for i := range 3 {
		if _, err := every.get(ctx, now, day, func(context.Context) (*dashboardFigures, error) {
			return figuresNumbered(now, day, i), nil
		}); err != nil {
			t.Fatal(err)
		}
		if every.cur.Returns.Total != i {
			t.Fatalf("view %d showed figures %d", i, every.cur.Returns.Total)
		}
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// figuresNumbered are figures told apart by n.
func figuresNumbered(at, today time.Time, n int) *dashboardFigures {
	f := &dashboardFigures{At: at, Today: today}
	f.Returns.Total = n
	return f
}
