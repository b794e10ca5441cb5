package auth

import (
	"bufio"
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"golang.org/x/text/unicode/norm"
)

// Password length limits, in Unicode code points after NFKC normalisation, following
// NIST SP 800-63B rev 4 section 3.1.1.2: at least 15 characters when the password is the
// only authentication factor (provider users), at least 8 when it is used with a second
// factor (staff, who also use TOTP), and at least 64 accepted; longer than
// MaxPasswordLength is refused to bound hashing work.
const (
	MinPasswordLength                 = 15
	MinPasswordLengthWithSecondFactor = 8
	MaxPasswordLength                 = 128
)

// Messages shown when a password is refused, in GOV.UK error message style.
const (
	MsgPasswordMissing  = "Enter a password"
	MsgPasswordTooLong  = "Password must be 128 characters or less"
	MsgPasswordCommon   = "This password is too common. Choose a password that is harder to guess."
	MsgPasswordPattern  = "This password is too easy to guess. Choose a password that is harder to guess."
	MsgPasswordPersonal = "Password must not include your name or email address"
)

// MsgPasswordTooShort returns the message for a password shorter than min characters.
func MsgPasswordTooShort(min int) string {
	return "Password must be " + strconv.Itoa(min) + " characters or more"
}

// CheckPassword applies the NIST SP 800-63B rev 4 password rules to a new password and
// returns nil or an *apperr.Error of kind Invalid whose message can be shown beside the
// password field. secondFactor is true for accounts that also use TOTP (staff), which
// lowers the minimum length from 15 to 8. context holds things about the user that must
// not appear in the password: their email address (its local part is checked), their
// name, and so on.
//
// There are deliberately no composition rules (no "must contain a digit"). Instead the
// password is refused if, ignoring case, it is on the common-passwords list, is a simple
// repeated or sequential pattern (aaaa…, abcabc…, 12345…), or contains one of the
// context values (ignoring case, spaces and . - _ punctuation).
//
// The common-passwords list is the passwords-common dictionary of the npm package
// @zxcvbn-ts/language-common (MIT licence, © Dan Wheeler, Dropbox, Inc. and zxcvbn-ts),
// about 49,000 entries, embedded from common_passwords.txt whose header carries the
// licence.
func CheckPassword(pw string, secondFactor bool, context ...string) error {
	if pw == "" {
		return invalidPassword(MsgPasswordMissing)
	}
	n := norm.NFKC.String(pw)
	length := utf8.RuneCountInString(n)
	min := MinPasswordLength
	if secondFactor {
		min = MinPasswordLengthWithSecondFactor
	}
	if length < min {
		return invalidPassword(MsgPasswordTooShort(min))
	}
	if length > MaxPasswordLength {
		return invalidPassword(MsgPasswordTooLong)
	}
	lower := strings.ToLower(n)
	if IsCommonPassword(lower) {
		return invalidPassword(MsgPasswordCommon)
	}
	if isSimplePattern(lower) {
		return invalidPassword(MsgPasswordPattern)
	}
	squashed := squash(lower)
	for _, c := range context {
		for _, tok := range contextTokens(c) {
			if strings.Contains(squashed, tok) {
				return invalidPassword(MsgPasswordPersonal)
			}
		}
	}
	return nil
}

// invalidPassword returns the error for a refused password. It sets only Message, as the
// caller knows the form field's name: apperr.InvalidFields(map[string]string{"new_password":
// apperr.MessageOf(err)}).
func invalidPassword(msg string) error {
	return apperr.New(apperr.Invalid, "%s", msg)
}

// squash lower-cases s and drops white space and the punctuation people put between
// parts of names and email addresses, so "Jane Smith", "jane.smith" and "JaneSmith" match.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '-' || r == '_' || r == '\'' {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFKC.String(s))
}

// minContextLen is the shortest context token checked: shorter ones ("Jo", "a.b") would
// refuse many good passwords by coincidence.
const minContextLen = 3

func contextTokens(c string) []string {
	c = strings.TrimSpace(c)
	if c == "" {
		return nil
	}
	var toks []string
	if local, _, ok := strings.Cut(c, "@"); ok {
		// An email address: the local part, without any +tag.
		local, _, _ = strings.Cut(local, "+")
		toks = append(toks, squash(local))
	} else {
		toks = append(toks, squash(c))
	}
	out := toks[:0]
	for _, t := range toks {
		if utf8.RuneCountInString(t) >= minContextLen {
			out = append(out, t)
		}
	}
	return out
}

// isSimplePattern reports whether s (already lower case) is one short unit repeated
// ("aaaaaaaaaaaaaaa", "abcabcabcabcabc", "passwordpassword") or a run of consecutive
// characters going up or down ("abcdefghijklmnop", "123456789012345", "987654321").
func isSimplePattern(s string) bool {
	r := []rune(s)
	if len(r) < 2 {
		return true
	}
	// Repetition of a unit that is short or itself common.
	for unit := 1; unit <= len(r)/2; unit++ {
		if len(r)%unit != 0 {
			continue
		}
		repeated := true
		for i := unit; i < len(r); i++ {
			if r[i] != r[i-unit] {
				repeated = false
				break
			}
		}
		if repeated && (unit <= 4 || IsCommonPassword(string(r[:unit]))) {
			return true
		}
	}
	// Sequences: every step +1, or every step -1, with digits wrapping 9→0 and 0→9.
	step := func(a, b rune) int {
		if a == '9' && b == '0' {
			return 1
		}
		if a == '0' && b == '9' {
			return -1
		}
		return int(b - a)
	}
	d := step(r[0], r[1])
	if d != 1 && d != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if step(r[i-1], r[i]) != d {
			return false
		}
	}
	return true
}

//go:embed common_passwords.txt
var commonPasswordsFile string

var (
	commonOnce      sync.Once
	commonPasswords map[string]struct{}
)

func loadCommonPasswords() {
	m := make(map[string]struct{}, 50000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	header := true
	for sc.Scan() {
		line := sc.Text()
		if header {
			// The licence header is "#" lines ending at the first blank line.
			if line == "" {
				header = false
			}
			continue
		}
		if line != "" {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	commonPasswords = m
}

// IsCommonPassword reports whether pw, ignoring case, is on the embedded common-passwords
// list. The list is loaded on first use.
func IsCommonPassword(pw string) bool {
	commonOnce.Do(loadCommonPasswords)
	_, ok := commonPasswords[strings.ToLower(pw)]
	return ok
}

// CommonPasswordCount is the number of entries on the common-passwords list.
func CommonPasswordCount() int {
	commonOnce.Do(loadCommonPasswords)
	return len(commonPasswords)
}
