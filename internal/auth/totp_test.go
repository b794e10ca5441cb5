package auth

import (
	"bytes"
	"encoding/base32"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// The RFC 6238 appendix B SHA1 secret, "12345678901234567890", in base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// RFC 6238 appendix B SHA1 vectors, reduced to 6 digits (the last 6 of the 8-digit codes).
var rfcVectors = []struct {
	unix int64
	code string
}{
	{59, "287082"},
	{1111111109, "081804"},
	{1111111111, "050471"},
	{1234567890, "005924"},
	{2000000000, "279037"},
	{20000000000, "353130"},
}

func TestValidateTOTPRFCVectors(t *testing.T) {
	for _, v := range rfcVectors {
		now := time.Unix(v.unix, 0)
		step, ok := ValidateTOTP(rfcSecret, v.code, now)
		if !ok {
			t.Errorf("t=%d: code %s refused", v.unix, v.code)
			continue
		}
		if want := v.unix / 30; step != want {
			t.Errorf("t=%d: step %d, want %d", v.unix, step, want)
		}
	}
}

func TestValidateTOTPSkew(t *testing.T) {
	secret, _, err := NewTOTPSecret("Provider Portal", "staff@council.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 3, 14, 9, 26, 45, 0, time.UTC) // 15 s into a step
	cur := TOTPStep(base)
	code := func(step int64) string {
		c, err := totp.GenerateCodeCustom(secret, time.Unix(step*30, 0), totpOpts)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, d := range []int64{-1, 0, 1} {
		step, ok := ValidateTOTP(secret, code(cur+d), base)
		if !ok || step != cur+d {
			t.Errorf("code for step now%+d: got step %d ok=%v, want step %d", d, step, ok, cur+d)
		}
	}
	for _, d := range []int64{-3, -2, 2, 3} {
		c := code(cur + d)
		if c == code(cur) || c == code(cur-1) || c == code(cur+1) {
			continue // a one-in-a-million collision; nothing to test
		}
		if _, ok := ValidateTOTP(secret, c, base); ok {
			t.Errorf("code for step now%+d accepted", d)
		}
	}
}

func TestValidateTOTPReplayStep(t *testing.T) {
	// The caller refuses a code whose step is not after the last one used; a code used at
	// the end of its step and replayed in the next step must report the same step.
	at := time.Unix(1111111111, 0)
	c, _ := totp.GenerateCodeCustom(rfcSecret, at, totpOpts)
	first, ok1 := ValidateTOTP(rfcSecret, c, at)
	second, ok2 := ValidateTOTP(rfcSecret, c, at.Add(30*time.Second))
	if !ok1 || !ok2 || first != second {
		t.Errorf("replayed code: steps %d (%v) and %d (%v), want the same step", first, ok1, second, ok2)
	}
}

func TestValidateTOTPNormalisesAndRejects(t *testing.T) {
	now := time.Unix(1234567890, 0)
	for _, c := range []string{"005924", "005 924", " 00 59 24 ", "005-924", "005\t924\n"} {
		if _, ok := ValidateTOTP(rfcSecret, c, now); !ok {
			t.Errorf("code %q refused", c)
		}
	}
	for _, c := range []string{"", "00592", "0059244", "00592a", "００５９２４", "005925", "999999"} {
		if _, ok := ValidateTOTP(rfcSecret, c, now); ok {
			t.Errorf("code %q accepted", c)
		}
	}
	if _, ok := ValidateTOTP("not base32!", "005924", now); ok {
		t.Error("an invalid secret accepted a code")
	}
	if _, ok := ValidateTOTP(strings.ToLower(rfcSecret), "005924", now); !ok {
		t.Error("a lower-case secret should still work")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	secret, u, err := NewTOTPSecret("Provider Portal", "jane.smith@council.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Errorf("secret %q: %d bytes, %v; want 20 bytes of base32", secret, len(raw), err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	if parsed.Scheme != "otpauth" || parsed.Host != "totp" || q.Get("secret") != secret ||
		q.Get("issuer") != "Provider Portal" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Errorf("unexpected otpauth URL %s", u)
	}
	if !strings.Contains(u, "jane.smith@council.gov.uk") && !strings.Contains(u, "jane.smith%40council.gov.uk") {
		t.Errorf("URL %s lacks the account name", u)
	}
	other, _, _ := NewTOTPSecret("Provider Portal", "jane.smith@council.gov.uk")
	if other == secret {
		t.Error("two secrets are equal")
	}
	// A code made by an app from the secret validates.
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	c, _ := totp.GenerateCode(secret, now)
	if step, ok := ValidateTOTP(secret, c, now); !ok || step != TOTPStep(now) {
		t.Errorf("fresh secret: %d %v", step, ok)
	}
	if _, _, err := NewTOTPSecret("", "x@y.z"); err == nil {
		t.Error("an empty issuer should fail")
	}
}

func TestTOTPQRCodePNG(t *testing.T) {
	_, u, _ := NewTOTPSecret("Provider Portal", "staff@council.gov.uk")
	b, err := TOTPQRCodePNG(u)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if s := img.Bounds().Size(); s.X != 256 || s.Y != 256 {
		t.Errorf("size %v, want 256×256", s)
	}
}

func TestFormatTOTPSecret(t *testing.T) {
	if got := FormatTOTPSecret("JBSWY3DPEHPK3PXP"); got != "JBSW Y3DP EHPK 3PXP" {
		t.Errorf("got %q", got)
	}
	if got := FormatTOTPSecret("ABCDE"); got != "ABCD E" {
		t.Errorf("got %q", got)
	}
}
