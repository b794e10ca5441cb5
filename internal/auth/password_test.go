package auth

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// cheap switches hashing to the test parameters for one test.
func cheap(t *testing.T) {
	t.Helper()
	t.Cleanup(UseArgon2Params(TestArgon2Params))
}

func TestHashAndVerify(t *testing.T) {
	cheap(t)
	pw := "correct horse battery staple"
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not in PHC format with the current parameters", h)
	}
	if parts := strings.Split(h, "$"); len(parts) != 6 || strings.Contains(h, "=$") || strings.HasSuffix(h, "=") {
		t.Errorf("hash %q: want 6 $-separated fields and unpadded base64", h)
	}
	if ok, err := VerifyPassword(h, pw); !ok || err != nil {
		t.Errorf("VerifyPassword(right) = %v, %v", ok, err)
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", pw + " "} {
		if ok, err := VerifyPassword(h, wrong); ok || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
	h2, _ := HashPassword(pw)
	if h == h2 {
		t.Error("two hashes of the same password are equal; salts must be random")
	}
}

func TestVerifyNormalizesUnicode(t *testing.T) {
	cheap(t)
	composed := "caf\u00e9 au lait tous les jours" // é as one code point
	decomposed := "cafe\u0301 au lait tous les jours"
	h, _ := HashPassword(composed)
	if ok, _ := VerifyPassword(h, decomposed); !ok {
		t.Error("the decomposed form of the same password should verify")
	}
}

// TestKnownHash checks that a PHC string made elsewhere verifies: the argon2id test vector
// for password "password", salt "somesalt", t=2, m=64 KiB, p=2, 24-byte output
// (350ac372…841362 in golang.org/x/crypto/argon2's tests) in PHC form.
func TestKnownHash(t *testing.T) {
	const ref = "$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHQ$NQrDciL0Nsy1wJcvHr079rlYvyBxhBNi"
	ok, err := VerifyPassword(ref, "password")
	if err != nil || !ok {
		t.Fatalf("reference hash: %v, %v", ok, err)
	}
	if ok, _ := VerifyPassword(ref, "Password"); ok {
		t.Error("wrong password verified against the reference hash")
	}
}

func TestVerifyMalformed(t *testing.T) {
	cheap(t)
	for _, h := range []string{
		"",
		"plaintext",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", // bcrypt
		"$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1000000,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$!!",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$",
		"$argon2id$v=19$m=64,t=1,p=1,x=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
	} {
		ok, err := VerifyPassword(h, "password")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", h, ok, err)
		}
		if !NeedsRehash(h) {
			t.Errorf("NeedsRehash(%q) = false for a malformed hash", h)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	cheap(t)
	h, _ := HashPassword("some long password here")
	if NeedsRehash(h) {
		t.Error("a hash with the current parameters needs no rehash")
	}
	restore := UseArgon2Params(Argon2Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if !NeedsRehash(h) {
		t.Error("a hash with old parameters should need a rehash")
	}
	restore()
	if NeedsRehash(h) {
		t.Error("restore did not restore the parameters")
	}
}

func TestDefaultParams(t *testing.T) {
	p := DefaultArgon2Params
	// OWASP Password Storage Cheat Sheet minimum for argon2id: 19 MiB, t=2, p=1.
	if p.Memory < 19456 || p.Time < 2 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Errorf("DefaultArgon2Params %+v are below the OWASP recommendation", p)
	}
	if err := p.check(); err != nil {
		t.Error(err)
	}
	if testing.Short() {
		t.Skip("skipping the full-cost hash in -short mode")
	}
	// One full-cost round trip, so the production parameters are exercised.
	h, err := HashPassword("a full cost password check")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("default hash %q", h)
	}
	if ok, err := VerifyPassword(h, "a full cost password check"); !ok || err != nil {
		t.Errorf("verify: %v, %v", ok, err)
	}
}

func TestUseArgon2ParamsRejectsNonsense(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("UseArgon2Params with zero parameters should panic")
		}
	}()
	UseArgon2Params(Argon2Params{})
}

func TestVerifyDummy(t *testing.T) {
	cheap(t)
	VerifyDummy("anything at all") // must not panic, returns nothing
	VerifyDummy("")
}

func TestConcurrentHashing(t *testing.T) {
	cheap(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := HashPassword("parallel password test")
			if err != nil {
				t.Error(err)
				return
			}
			if ok, _ := VerifyPassword(h, "parallel password test"); !ok {
				t.Error("verify failed")
			}
			VerifyDummy("x")
		}()
	}
	wg.Wait()
}
