// Package vault encrypts the few fields the portal must not keep in clear — providers'
// bank account numbers and sort codes, DBS certificate numbers — with AES-256-GCM under
// named keys, so that a database dump or backup alone does not reveal them and keys can be
// rotated without re-encrypting everything at once.
//
// # Key configuration (PORTAL_DATA_KEY)
//
// Keys come from the PORTAL_DATA_KEY environment variable, parsed by [ParseKeys]. The value
// is one or more entries separated by commas, each entry being a key id, a colon, and a
// standard base64 encoding of exactly 32 random bytes:
//
//	PORTAL_DATA_KEY=<id>:<base64 key>[,<older id>:<older base64 key>...]
//	PORTAL_DATA_KEY=2025b:<44 characters of base64>,2025a:<44 characters of base64>
//
// The first entry is the current key: [Vault.Seal] always uses it. Every listed key can be
// used by [Vault.Open], so to rotate keys put a new entry first and keep the old ones after
// it until every value sealed with them has been re-sealed (see [Vault.NeedsReseal]).
// Key ids are 1 to 32 letters, digits, '-' or '_' and are recorded, in clear, inside each
// sealed value; a date makes a good id (for example "2025a"). Make a key with
//
//	openssl rand -base64 32
//
// or `portal keygen`, which calls [GenerateKey]. Losing a key loses every value sealed
// with it, so keep keys in the council's secret store, not only on the server.
//
// # Sealed values
//
// [Vault.Seal] returns text of the form
//
//	v1:<key id>:<base64(nonce | ciphertext | tag)>
//
// with a fresh random 96-bit nonce each time, so sealing the same value twice gives
// different text. The associated data passed to Seal and Open is authenticated but not
// stored: it binds a ciphertext to where it belongs, such as
// "provider_bank:<uuid>:account_number", so that a value copied into another row or column
// fails to open. The version and key id are authenticated too.
//
// A Vault is safe for concurrent use.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// KeySize is the length in bytes of every key: AES-256.
const KeySize = 32

// version prefixes every sealed value; a change of format gets a new one.
const version = "v1"

// Errors returned by Open, for callers that want to tell them apart with errors.Is.
var (
	// ErrMalformed means the text is not a sealed value at all, or was truncated.
	ErrMalformed = errors.New("vault: not a sealed value")
	// ErrUnknownKey means the value was sealed with a key id that is not configured.
	ErrUnknownKey = errors.New("vault: unknown key id")
	// ErrDecrypt means the value failed authentication: it was altered, it was sealed
	// with different associated data (it belongs to another row or column), or the key
	// configured under its id is not the key it was sealed with.
	ErrDecrypt = errors.New("vault: cannot decrypt value")
)

// Vault seals and opens field values with a set of named AES-256-GCM keys.
type Vault struct {
	current string
	ids     []string // in configuration order, current first
	aeads   map[string]cipher.AEAD
}

// New returns a Vault holding keys (id → 32-byte key) that seals with the key named current.
func New(keys map[string][]byte, current string) (*Vault, error) {
	if len(keys) == 0 {
		return nil, errors.New("vault: no keys given")
	}
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("vault: the current key id %q is not among the keys given", current)
	}
	ids := make([]string, 0, len(keys))
	for id := range keys {
		if id != current {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ids = append([]string{current}, ids...)
	return build(ids, keys)
}

func build(ids []string, keys map[string][]byte) (*Vault, error) {
	v := &Vault{current: ids[0], ids: ids, aeads: make(map[string]cipher.AEAD, len(ids))}
	for _, id := range ids {
		if err := checkID(id); err != nil {
			return nil, err
		}
		key := keys[id]
		if len(key) != KeySize {
			return nil, fmt.Errorf("vault: key %q is %d bytes long; it must be exactly %d random bytes. Make one with: openssl rand -base64 32", id, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("vault: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("vault: key %q: %w", id, err)
		}
		v.aeads[id] = aead
	}
	return v, nil
}

func checkID(id string) error {
	if id == "" {
		return errors.New("vault: a key id is empty; each entry must look like id:base64key, for example 2025a:<output of openssl rand -base64 32>")
	}
	if len(id) > 32 {
		return fmt.Errorf("vault: key id %q is longer than 32 characters", id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("vault: key id %q may contain only letters, digits, '-' and '_'", id)
		}
	}
	return nil
}

// ParseKeys builds a Vault from the PORTAL_DATA_KEY format described in the package
// documentation: comma-separated id:base64key entries, the first being current. Spaces
// around entries are ignored. The errors are written for the operator who set the
// variable and never include key material.
func ParseKeys(s string) (*Vault, error) {
	const how = "Make a key with: openssl rand -base64 32 (or portal keygen) and set PORTAL_DATA_KEY=<id>:<key>, for example PORTAL_DATA_KEY=2025a:<key>"
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("PORTAL_DATA_KEY is empty. " + how)
	}
	keys := map[string][]byte{}
	var ids []string
	for i, entry := range strings.Split(s, ",") {
		n := i + 1
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("PORTAL_DATA_KEY entry %d is empty: remove the extra comma", n)
		}
		id, b64, ok := strings.Cut(entry, ":")
		id, b64 = strings.TrimSpace(id), strings.TrimSpace(b64)
		if !ok {
			return nil, fmt.Errorf("PORTAL_DATA_KEY entry %d has no key id: each entry must be <id>:<base64 key>. %s", n, how)
		}
		if err := checkID(id); err != nil {
			return nil, fmt.Errorf("PORTAL_DATA_KEY entry %d: %s", n, strings.TrimPrefix(err.Error(), "vault: "))
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("PORTAL_DATA_KEY lists key id %q more than once: give each key its own id", id)
		}
		key, err := decodeKey(b64)
		if err != nil {
			return nil, fmt.Errorf("PORTAL_DATA_KEY key %q is not valid base64. %s", id, how)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("PORTAL_DATA_KEY key %q decodes to %d bytes; it must be exactly %d random bytes (44 characters of base64). %s", id, len(key), KeySize, how)
		}
		keys[id] = key
		ids = append(ids, id)
	}
	return build(ids, keys)
}

// decodeKey accepts standard or URL-safe base64, with or without padding.
func decodeKey(s string) ([]byte, error) {
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// GenerateKey returns a fresh random 32-byte key in standard base64, ready to follow
// "<id>:" in PORTAL_DATA_KEY.
func GenerateKey() string {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		panic("vault: cannot read random bytes: " + err.Error()) // crypto/rand does not fail on supported platforms
	}
	return base64.StdEncoding.EncodeToString(key)
}

// CurrentKeyID is the id of the key Seal uses.
func (v *Vault) CurrentKeyID() string { return v.current }

// KeyIDs lists the configured key ids, current first.
func (v *Vault) KeyIDs() []string { return slices.Clone(v.ids) }

// String describes the vault without revealing any key, so it is safe to log.
func (v *Vault) String() string {
	return fmt.Sprintf("vault(current=%s, keys=%s)", v.current, strings.Join(v.ids, ","))
}

// GoString is String, so %#v does not print key material either.
func (v *Vault) GoString() string { return v.String() }

func aad(keyID, associatedData string) []byte {
	// Key ids contain no ':', so this concatenation is unambiguous.
	return []byte(version + ":" + keyID + ":" + associatedData)
}

// Seal encrypts plaintext with the current key, binding it to associatedData, and returns
// the self-describing text form v1:<key id>:<base64>. The same associatedData must be
// given to Open.
func (v *Vault) Seal(plaintext string, associatedData string) (string, error) {
	aead := v.aeads[v.current]
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("vault: reading a nonce: %w", err)
	}
	out := aead.Seal(buf, buf[:aead.NonceSize()], []byte(plaintext), aad(v.current, associatedData))
	return version + ":" + v.current + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with any configured key. It fails with an error
// wrapping ErrMalformed, ErrUnknownKey or ErrDecrypt; the messages name the key id but
// never the value.
func (v *Vault) Open(sealed string, associatedData string) (string, error) {
	ver, rest, ok := strings.Cut(sealed, ":")
	if !ok || ver != version {
		if ok && strings.HasPrefix(ver, "v") && len(ver) < 5 {
			return "", fmt.Errorf("%w: format %q is not supported by this version of the portal", ErrMalformed, ver)
		}
		return "", ErrMalformed
	}
	keyID, body, ok := strings.Cut(rest, ":")
	if !ok {
		return "", ErrMalformed
	}
	aead, known := v.aeads[keyID]
	if !known {
		if checkID(keyID) != nil {
			return "", ErrMalformed
		}
		return "", fmt.Errorf("%w: the value was sealed with key %q, which is not in PORTAL_DATA_KEY (configured: %s); add that key back after the current one", ErrUnknownKey, keyID, strings.Join(v.ids, ", "))
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", ErrMalformed
	}
	nonce, ct := raw[:aead.NonceSize()], raw[aead.NonceSize():]
	pt, err := aead.Open(nil, nonce, ct, aad(keyID, associatedData))
	if err != nil {
		return "", fmt.Errorf("%w sealed with key %q: it was altered, belongs to another record, or that key has changed", ErrDecrypt, keyID)
	}
	return string(pt), nil
}

// KeyIDOf returns the key id recorded in a sealed value, without decrypting it.
func KeyIDOf(sealed string) (string, bool) {
	ver, rest, ok := strings.Cut(sealed, ":")
	if !ok || ver != version {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	if !ok || checkID(id) != nil {
		return "", false
	}
	return id, true
}

// NeedsReseal reports whether sealed was made with a key other than the current one, so a
// rotation job can Open and Seal it again. Values that are not sealed at all report false.
func (v *Vault) NeedsReseal(sealed string) bool {
	id, ok := KeyIDOf(sealed)
	return ok && id != v.current
}
