package auth

import (
	"strings"
	"sync"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
)

func wantRefused(t *testing.T, pw string, secondFactor bool, msg string, context ...string) {
	t.Helper()
	err := CheckPassword(pw, secondFactor, context...)
	if err == nil {
		t.Errorf("CheckPassword(%q, %v, %q) accepted, want %q", pw, secondFactor, context, msg)
		return
	}
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("CheckPassword(%q): kind %s, want invalid", pw, apperr.KindOf(err))
	}
	if got := apperr.MessageOf(err); got != msg {
		t.Errorf("CheckPassword(%q) message %q, want %q", pw, got, msg)
	}
}

func wantAccepted(t *testing.T, pw string, secondFactor bool, context ...string) {
	t.Helper()
	if err := CheckPassword(pw, secondFactor, context...); err != nil {
		t.Errorf("CheckPassword(%q, %v, %q) = %v, want accepted", pw, secondFactor, context, err)
	}
}

func TestCommonPasswordList(t *testing.T) {
	if n := CommonPasswordCount(); n < 10000 {
		t.Fatalf("common-password list has %d entries, want at least 10,000", n)
	}
	for _, pw := range []string{"password", "PASSWORD", "123456", "qwerty", "iloveyou", "trustno1"} {
		if !IsCommonPassword(pw) {
			t.Errorf("%q should be on the common list", pw)
		}
	}
	if IsCommonPassword("") || IsCommonPassword("# Common passwords, most common first, one per line, lower case: the passwords-common") {
		t.Error("the header or an empty line was loaded as a password")
	}
	if !strings.HasPrefix(commonPasswordsFile, "#") || !strings.Contains(commonPasswordsFile, "MIT") && !strings.Contains(commonPasswordsFile, "Permission is hereby granted") {
		t.Error("common_passwords.txt should start with its source and licence")
	}
	// An entry that itself starts with '#' is a password, not part of the header.
	if strings.Contains(commonPasswordsFile, "\n#name?\n") && !IsCommonPassword("#name?") {
		t.Error("a password starting with # after the header was dropped")
	}
}

func TestCheckPasswordLength(t *testing.T) {
	wantRefused(t, "", false, MsgPasswordMissing)
	wantRefused(t, "", true, MsgPasswordMissing)
	wantRefused(t, "vN7#qLp2!xR4zT", false, "Password must be 15 characters or more") // 14
	wantAccepted(t, "vN7#qLp2!xR4zTw", false)                                         // 15
	wantRefused(t, "vN7#qLp", true, "Password must be 8 characters or more")          // 7
	wantAccepted(t, "vN7#qLp2", true)                                                 // 8
	wantRefused(t, "vN7#qLp2", false, "Password must be 15 characters or more")

	// Code points, not bytes: 15 two-byte and three-byte characters are enough...
	wantAccepted(t, "ñøþßðæœ€łŧ¶ŋđħĸ", false)
	// ...and 14 emoji (56 bytes) are not.
	wantRefused(t, strings.Repeat("🐈🐕", 7), false, "Password must be 15 characters or more")

	long := strings.Repeat("abcdefghij", 12) + "klmnopqr" // 128
	long = strings.ReplaceAll(long, "e", "E7")[:MaxPasswordLength]
	wantAccepted(t, long, false)
	wantRefused(t, long+"x", false, MsgPasswordTooLong)
}

func TestCheckPasswordCommon(t *testing.T) {
	wantRefused(t, "password", true, MsgPasswordCommon)
	wantRefused(t, "PassWord", true, MsgPasswordCommon)
	wantRefused(t, "iloveyou", true, MsgPasswordCommon)
	if IsCommonPassword("qwertyuiop123456") {
		wantRefused(t, "qwertyuiop123456", false, MsgPasswordCommon)
	}
	// Find a 15+ character entry of the list and check it is refused for provider users.
	commonOnce.Do(loadCommonPasswords)
	var long string
	for pw := range commonPasswords {
		if len([]rune(pw)) >= MinPasswordLength && len([]rune(pw)) <= MaxPasswordLength && !isSimplePattern(pw) {
			long = pw
			break
		}
	}
	if long == "" {
		t.Fatal("no common password of 15 characters or more in the list")
	}
	wantRefused(t, long, false, MsgPasswordCommon)
	wantRefused(t, strings.ToUpper(long), false, MsgPasswordCommon)
}

func TestCheckPasswordPatterns(t *testing.T) {
	for _, pw := range []string{
		"aaaaaaaaaaaaaaa",
		"abcabcabcabcabc",
		"abababababababab",
		"1212121212121212",
		"shadowshadowshadow", // "shadow" is common
		"abcdefghijklmnop",
		"123456789012345",
		"987654321098765",
		"zyxwvutsrqponmlk",
	} {
		wantRefused(t, pw, false, MsgPasswordPattern)
	}
	wantRefused(t, "passwordpassword", false, MsgPasswordCommon) // on the list itself
	wantRefused(t, "abcdefgh", true, MsgPasswordPattern)
	wantRefused(t, "zzzzzzzz", true, MsgPasswordPattern)
	// A long word repeated is not a "short unit" and is not common: allowed.
	wantAccepted(t, "marmaladesandwich marmaladesandwich", false)
}

func TestCheckPasswordContext(t *testing.T) {
	email, name := "Jane.Smith+portal@example.org", "Jane Smith"
	wantRefused(t, "janesmith is the best 2024", false, MsgPasswordPersonal, email, name)
	wantRefused(t, "my name is JANE SMITH okay", false, MsgPasswordPersonal, email, name)
	wantRefused(t, "jane.smith-lovely-horses", false, MsgPasswordPersonal, email)
	wantRefused(t, "jsmith42!", true, MsgPasswordPersonal, "jsmith42@example.org")
	wantRefused(t, "Bright Day Nurseries 1", false, MsgPasswordPersonal, "Bright Day Nurseries")
	// Short values and empty context are not checked, and other people's names are fine.
	wantAccepted(t, "harbour lantern velvet 93", false, "", "  ", "Jo", "a@b.c", email, name)
	wantAccepted(t, "jane likes smith-free holidays", false, email, name) // not the whole name together
}

func TestCheckPasswordAccepts(t *testing.T) {
	for _, pw := range []string{
		"correct horse battery staple",
		"harbour-lantern-velvet-93",
		"Tr0ub4dor&3 but longer!",
		"ceffyl glas yn y cae",
		"o9Xf#2mQ!vL8zR1w",
	} {
		wantAccepted(t, pw, false)
	}
	wantAccepted(t, "k9#Lm2!q", true)
}

func TestCheckPasswordConcurrentFirstUse(t *testing.T) {
	// The list loads lazily; first use from many goroutines must be race free.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = CheckPassword("password", true)
			_ = IsCommonPassword("letmein")
		}()
	}
	wg.Wait()
}

func TestMsgPasswordTooShort(t *testing.T) {
	if got := MsgPasswordTooShort(15); got != "Password must be 15 characters or more" {
		t.Errorf("got %q", got)
	}
	if got := MsgPasswordTooShort(8); got != "Password must be 8 characters or more" {
		t.Errorf("got %q", got)
	}
}
