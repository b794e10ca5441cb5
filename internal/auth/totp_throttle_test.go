package auth

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// After five wrong codes even the right code waits, so a stolen password does not let
// someone guess six-digit codes at full speed; the wait ends, and a good code clears it.
func TestTOTPGuessingIsThrottled(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "tess@council.example", RoleFinance)
	ctx := actorCtx(u)
	secret, _, err := NewTOTPSecret("test", u.Email)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	if err := s.CompleteTOTPEnrolment(ctx, u, secret, code); err != nil {
		t.Fatal(err)
	}
	if u, err = UserByID(ctx, s.DB, u.ID); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < DefaultThrottle.FreePerAccount; i++ {
		if _, throttled := IsThrottled(s.CheckTOTP(ctx, u, "000000", "signin")); throttled {
			t.Fatalf("throttled after %d failures, want %d free", i, DefaultThrottle.FreePerAccount)
		}
	}
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	wait, throttled := IsThrottled(s.CheckTOTP(ctx, u, next, "signin"))
	if !throttled || wait <= 0 {
		t.Fatalf("right code after %d failures not throttled", DefaultThrottle.FreePerAccount)
	}
	// Once the wait has passed the right code works again.
	s.Now = func() time.Time { return time.Now().Add(DefaultThrottle.FirstDelay + time.Second) }
	if err := s.CheckTOTP(ctx, u, next, "signin"); err != nil {
		t.Errorf("after the wait: %v", err)
	}
}
