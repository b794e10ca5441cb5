package auth

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	qrcode "github.com/skip2/go-qrcode"
)

// TOTP settings: RFC 6238 with the defaults every authenticator app supports.
const (
	TOTPPeriod = 30 // seconds per time step
	TOTPDigits = 6
	totpSkew   = 1 // steps either side of now that are accepted, for clock drift and typing time
)

var totpOpts = totp.ValidateOpts{
	Period:    TOTPPeriod,
	Digits:    otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1,
}

// NewTOTPSecret makes a new random 160-bit TOTP secret for account (the staff member's
// email address) shown under issuer (the service name) in authenticator apps. It returns
// the secret in base32, which the caller stores (sealed with the vault) and may show for
// manual entry, and the otpauth:// URL to show as a QR code with TOTPQRCodePNG.
func NewTOTPSecret(issuer, account string) (secret string, otpauthURL string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      TOTPPeriod,
		SecretSize:  20,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("auth: making a TOTP secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPQRCodePNG renders otpauthURL as a 256×256 PNG QR code, for a page to embed as
// <img src="data:image/png;base64,…">. The page should also show the secret as text for
// people who cannot scan it.
func TOTPQRCodePNG(otpauthURL string) ([]byte, error) {
	png, err := qrcode.Encode(otpauthURL, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("auth: making a QR code: %w", err)
	}
	return png, nil
}

// FormatTOTPSecret splits a base32 secret into groups of four for people typing it into
// an app by hand: "JBSW Y3DP EHPK 3PXP".
func FormatTOTPSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeTOTPCode removes the spaces and hyphens people type or paste into a code.
func NormalizeTOTPCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, code)
}

// TOTPStep returns the RFC 6238 time step number containing t.
func TOTPStep(t time.Time) int64 {
	return t.Unix() / TOTPPeriod
}

// ValidateTOTP checks code against secret at time now, accepting the codes for the
// current time step and one step either side. If it matches, it returns the step the
// code belongs to. To stop a code being used twice, the caller must keep the last step
// accepted for the account and refuse a match whose step is not greater than it:
//
//	step, ok := auth.ValidateTOTP(secret, code, now)
//	if !ok || step <= user.LastTOTPStep { refuse }
//	user.LastTOTPStep = step // saved with the same update that signs them in
//
// Spaces and hyphens in code are ignored; anything other than 6 digits fails. An invalid
// secret fails too.
func ValidateTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = NormalizeTOTPCode(code)
	if len(code) != TOTPDigits {
		return 0, false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	cur := TOTPStep(now)
	// Check every candidate step, so timing does not depend on which matched; prefer the
	// current step, then earlier, then later.
	candidates := []int64{cur}
	for i := int64(1); i <= totpSkew; i++ {
		candidates = append(candidates, cur-i, cur+i)
	}
	var found int64
	matched := false
	for _, s := range candidates {
		if s < 0 {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*TOTPPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !matched {
			found, matched = s, true
		}
	}
	return found, matched
}
