package auth

import (
	"net/url"
	"strconv"
)

// TOTPURL rebuilds the otpauth:// URL for a secret held during enrolment, so the QR code
// can be drawn again when the page is re-shown after a wrong code.
func TOTPURL(issuer, account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", strconv.Itoa(TOTPPeriod))
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}
