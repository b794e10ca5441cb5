package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
)

func TestThrottleDelay(t *testing.T) {
	r := DefaultThrottle
	tests := []struct {
		n    int
		want time.Duration
	}{
		{0, 0},
		{4, 0},
		{5, 15 * time.Second},
		{6, 30 * time.Second},
		{7, time.Minute},
		{10, 8 * time.Minute},
		{11, 15 * time.Minute}, // 16 minutes, capped
		{1000, 15 * time.Minute},
	}
	for _, tt := range tests {
		if got := r.delay(tt.n, r.FreePerAccount); got != tt.want {
			t.Errorf("delay(%d failures) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

// failures records n failed attempts for email from ip, ago before now (ip "" for none).
func failures(t *testing.T, d sqlx.Execer, n int, email, ip string, ago time.Duration) {
	t.Helper()
	for range n {
		if _, err := d.Exec(`INSERT INTO signin_attempts (email, ip, succeeded, at) VALUES ($1, NULLIF($2, '')::inet, false, now() - $3 * interval '1 second')`,
			email, ip, ago.Seconds()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRetryAfter checks the three counts against rows in the database: an account from one
// address, an address across accounts, and an account from everywhere.
func TestRetryAfter(t *testing.T) {
	d := dbtest.New(t)
	r := DefaultThrottle
	sec := time.Second

	// A user mistyping five times from the office.
	failures(t, d, 5, "pat@acorn.example", "192.0.2.1", sec)
	// Six times, a little longer ago: the wait has doubled.
	failures(t, d, 6, "sam@acorn.example", "192.0.2.1", 2*sec)
	// Four times only.
	failures(t, d, 4, "lee@acorn.example", "192.0.2.1", sec)
	// Five times, but the wait is over.
	failures(t, d, 5, "kim@acorn.example", "192.0.2.5", 20*sec)
	// Five times, outside the window.
	failures(t, d, 5, "old@acorn.example", "192.0.2.6", 16*time.Minute)
	// Five times, then the right password.
	failures(t, d, 5, "ok@acorn.example", "192.0.2.7", 3*sec)
	if _, err := d.Exec(`INSERT INTO signin_attempts (email, ip, succeeded, at) VALUES ('ok@acorn.example', '192.0.2.7', true, now() - interval '2 seconds')`); err != nil {
		t.Fatal(err)
	}
	// An address trying one password against many accounts.
	for i := range r.FreePerAddress {
		failures(t, d, 1, fmt.Sprintf("user%d@acorn.example", i), "203.0.113.9", sec)
	}
	// One account attacked from many addresses.
	for i := range r.FreeGlobal {
		failures(t, d, 1, "boss@council.example", fmt.Sprintf("198.51.%d.%d", i/200, 1+i%200), sec)
	}

	// The bounds leave room for a slow machine: a wait above zero means locked, and one
	// above FirstDelay means it has doubled.
	tests := []struct {
		name, email, ip string
		min, max        time.Duration
	}{
		{"account from the same address", "pat@acorn.example", "192.0.2.1", sec, 15 * sec},
		{"account from another address", "pat@acorn.example", "192.0.2.200", 0, 0},
		{"account in another case", "PAT@acorn.example", "192.0.2.1", sec, 15 * sec},
		{"six failures", "sam@acorn.example", "192.0.2.1", 16 * sec, 30 * sec},
		{"four failures", "lee@acorn.example", "192.0.2.1", 0, 0},
		{"another account from the same address", "new@acorn.example", "192.0.2.1", 0, 0},
		{"wait over", "kim@acorn.example", "192.0.2.5", 0, 0},
		{"outside the window", "old@acorn.example", "192.0.2.6", 0, 0},
		{"after a success", "ok@acorn.example", "192.0.2.7", 0, 0},
		{"spraying address, new account", "new@acorn.example", "203.0.113.9", sec, 15 * sec},
		{"sprayed account from elsewhere", "user1@acorn.example", "192.0.2.44", 0, 0},
		{"attacked account from a new address", "boss@council.example", "192.0.2.99", sec, 15 * sec},
		{"no address", "new@acorn.example", "", 0, 0},
	}
	for _, tt := range tests {
		got, err := r.RetryAfter(context.Background(), d, tt.email, tt.ip, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got < tt.min || got > tt.max {
			t.Errorf("%s: wait %s, want %s to %s", tt.name, got, tt.min, tt.max)
		}
	}
}
