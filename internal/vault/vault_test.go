package vault

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func b64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

func mustNew(t *testing.T, keys map[string][]byte, current string) *Vault {
	t.Helper()
	v, err := New(keys, current)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const ad = "provider_bank:0b7c6a1e-9a43-4c8e-9d55-8a0f3b2b1c11:account_number"

func TestRoundTrip(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	for _, pt := range []string{"", "12345678", "001122334455", "ünïcødé ✓", strings.Repeat("x", 10000)} {
		s, err := v.Seal(pt, ad)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, "v1:k1:") {
			t.Errorf("sealed %q lacks the v1:k1: prefix", s)
		}
		if pt != "" && strings.Contains(s, pt) {
			t.Errorf("sealed text contains the plaintext")
		}
		got, err := v.Open(s, ad)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if got != pt {
			t.Errorf("round trip: got %q, want %q", got, pt)
		}
	}
}

func TestSealIsRandomised(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	a, _ := v.Seal("12345678", ad)
	b, _ := v.Seal("12345678", ad)
	if a == b {
		t.Error("sealing the same value twice gave the same text; nonces must be fresh")
	}
}

func TestTamperingFails(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	s, err := v.Seal("12345678", ad)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "v1:k1:"
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(s, prefix))
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		c := bytes.Clone(raw)
		c[i] ^= 0x01
		_, err := v.Open(prefix+base64.RawStdEncoding.EncodeToString(c), ad)
		if !errors.Is(err, ErrDecrypt) {
			t.Fatalf("flipping byte %d: got %v, want ErrDecrypt", i, err)
		}
	}
	// Truncated and extended bodies.
	if _, err := v.Open(prefix+base64.RawStdEncoding.EncodeToString(raw[:len(raw)-1]), ad); !errors.Is(err, ErrDecrypt) {
		t.Errorf("truncated: got %v", err)
	}
	if _, err := v.Open(prefix+base64.RawStdEncoding.EncodeToString(append(bytes.Clone(raw), 0)), ad); !errors.Is(err, ErrDecrypt) {
		t.Errorf("extended: got %v", err)
	}
}

func TestWrongAssociatedDataFails(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	s, _ := v.Seal("12345678", ad)
	for _, other := range []string{
		"",
		"provider_bank:0b7c6a1e-9a43-4c8e-9d55-8a0f3b2b1c11:sort_code",
		"provider_bank:11111111-9a43-4c8e-9d55-8a0f3b2b1c11:account_number",
		ad + " ",
	} {
		if _, err := v.Open(s, other); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Open with associated data %q: got %v, want ErrDecrypt", other, err)
		}
	}
}

func TestKeyIDIsAuthenticated(t *testing.T) {
	// Two ids with the same key: relabelling a value's key id must still fail.
	v := mustNew(t, map[string][]byte{"a": key(1), "b": key(1)}, "a")
	s, _ := v.Seal("12345678", ad)
	relabelled := "v1:b:" + strings.TrimPrefix(s, "v1:a:")
	if _, err := v.Open(relabelled, ad); !errors.Is(err, ErrDecrypt) {
		t.Errorf("relabelled key id: got %v, want ErrDecrypt", err)
	}
}

func TestWrongKeyFails(t *testing.T) {
	a := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	b := mustNew(t, map[string][]byte{"k1": key(2)}, "k1")
	s, _ := a.Seal("12345678", ad)
	_, err := b.Open(s, ad)
	if !errors.Is(err, ErrDecrypt) {
		t.Fatalf("got %v, want ErrDecrypt", err)
	}
	if !strings.Contains(err.Error(), `"k1"`) {
		t.Errorf("error %q should name the key id", err)
	}
}

func TestUnknownKeyID(t *testing.T) {
	old := mustNew(t, map[string][]byte{"2024a": key(1)}, "2024a")
	s, _ := old.Seal("12345678", ad)
	v := mustNew(t, map[string][]byte{"2025a": key(2)}, "2025a")
	_, err := v.Open(s, ad)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("got %v, want ErrUnknownKey", err)
	}
	for _, want := range []string{`"2024a"`, "PORTAL_DATA_KEY", "2025a"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should mention %s", err, want)
		}
	}
}

func TestMalformed(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	for _, s := range []string{
		"", "12345678", "v1", "v1:", "v1:k1", "v1:k1:", "v1:k1:!!!!", "v1:k1:AAAA",
		"v2:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "v1:bad id:AAAA",
	} {
		if _, err := v.Open(s, ad); !errors.Is(err, ErrMalformed) {
			t.Errorf("Open(%q): got %v, want ErrMalformed", s, err)
		}
	}
}

func TestRotation(t *testing.T) {
	old := mustNew(t, map[string][]byte{"2024a": key(1)}, "2024a")
	sealedOld, _ := old.Seal("12345678", ad)

	v, err := ParseKeys("2025a:" + b64(key(2)) + ",2024a:" + b64(key(1)))
	if err != nil {
		t.Fatal(err)
	}
	if v.CurrentKeyID() != "2025a" {
		t.Fatalf("current = %q, want the first entry", v.CurrentKeyID())
	}
	got, err := v.Open(sealedOld, ad)
	if err != nil || got != "12345678" {
		t.Fatalf("old key no longer opens: %q, %v", got, err)
	}
	if !v.NeedsReseal(sealedOld) {
		t.Error("NeedsReseal should report a value sealed with an old key")
	}
	sealedNew, _ := v.Seal(got, ad)
	if !strings.HasPrefix(sealedNew, "v1:2025a:") {
		t.Errorf("Seal used %q, want the current key", sealedNew)
	}
	if v.NeedsReseal(sealedNew) || v.NeedsReseal("not sealed") {
		t.Error("NeedsReseal should be false for current-key and unsealed values")
	}
	if id, ok := KeyIDOf(sealedNew); !ok || id != "2025a" {
		t.Errorf("KeyIDOf = %q, %v", id, ok)
	}
	if _, err := old.Open(sealedNew, ad); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old vault opening a new value: got %v, want ErrUnknownKey", err)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(nil, "k1"); err == nil {
		t.Error("New with no keys should fail")
	}
	if _, err := New(map[string][]byte{"k1": key(1)}, "k2"); err == nil {
		t.Error("New with a missing current id should fail")
	}
	if _, err := New(map[string][]byte{"k1": make([]byte, 16)}, "k1"); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
		t.Errorf("New with a 16-byte key: got %v, want an error explaining how to make a key", err)
	}
	if _, err := New(map[string][]byte{"a:b": key(1)}, "a:b"); err == nil {
		t.Error("New should refuse a key id containing ':'")
	}
	v := mustNew(t, map[string][]byte{"c": key(1), "b": key(2), "a": key(3)}, "b")
	if got := strings.Join(v.KeyIDs(), ","); got != "b,a,c" {
		t.Errorf("KeyIDs = %s, want current first then sorted", got)
	}
}

func TestParseKeys(t *testing.T) {
	good := b64(key(7))
	ok := []string{
		"k1:" + good,
		"  k1:" + good + "  ",
		"k1 : " + good,
		"k1:" + strings.TrimRight(good, "="), // unpadded
		"k1:" + base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, KeySize)), // URL-safe
		"k2:" + b64(key(8)) + ", k1:" + good,
	}
	for _, s := range ok {
		if _, err := ParseKeys(s); err != nil {
			t.Errorf("ParseKeys(%q): %v", s, err)
		}
	}

	bad := []struct{ in, want string }{
		{"", "PORTAL_DATA_KEY is empty"},
		{"   ", "openssl rand -base64 32"},
		{good, "has no key id"},
		{":" + good, "key id is empty"},
		{"k1:", "decodes to 0 bytes"},
		{"k1:not base64!!", "not valid base64"},
		{"k1:" + b64(make([]byte, 16)), "decodes to 16 bytes"},
		{"k1:" + b64(make([]byte, 16)), "openssl rand -base64 32"},
		{"k1:" + b64(make([]byte, 64)), "exactly 32"},
		{"k1:" + good + ",k1:" + b64(key(8)), "more than once"},
		{"k1:" + good + ",", "remove the extra comma"},
		{"bad id:" + good, "only letters, digits"},
		{"k/1:" + good, "only letters, digits"},
		{strings.Repeat("k", 33) + ":" + good, "longer than 32"},
	}
	for _, c := range bad {
		_, err := ParseKeys(c.in)
		if err == nil {
			t.Errorf("ParseKeys(%q) succeeded, want error containing %q", c.in, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseKeys(%q) = %q, want it to contain %q", c.in, err, c.want)
		}
		if strings.Contains(err.Error(), good) {
			t.Errorf("ParseKeys error %q reveals key material", err)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if a == b {
		t.Fatal("GenerateKey returned the same key twice")
	}
	if len(a) != 44 {
		t.Errorf("len = %d, want 44 base64 characters", len(a))
	}
	v, err := ParseKeys("new:" + a)
	if err != nil {
		t.Fatalf("a generated key does not parse: %v", err)
	}
	s, _ := v.Seal("x", "y")
	if got, err := v.Open(s, "y"); err != nil || got != "x" {
		t.Errorf("round trip with generated key: %q, %v", got, err)
	}
}

func TestStringHidesKeys(t *testing.T) {
	k := key(9)
	v := mustNew(t, map[string][]byte{"k1": k}, "k1")
	for _, s := range []string{fmt.Sprint(v), fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v)} {
		if strings.Contains(s, "9 9 9") || strings.Contains(s, b64(k)) || strings.Contains(s, "\t\t\t") {
			t.Errorf("formatting the vault reveals the key: %s", s)
		}
		if !strings.Contains(s, "k1") {
			t.Errorf("formatting the vault should name the key ids: %s", s)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1), "k0": key(0)}, "k1")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				pt := fmt.Sprintf("%d-%d", i, j)
				ctx := fmt.Sprintf("row:%d:%d", i, j)
				s, err := v.Seal(pt, ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := v.Open(s, ctx); err != nil || got != pt {
					t.Errorf("got %q, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
