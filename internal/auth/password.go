package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Argon2Params are the argon2id cost parameters used to hash passwords.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes (the "p" parameter)
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultArgon2Params follow the OWASP Password Storage Cheat Sheet's first recommended
// argon2id configuration: 19 MiB of memory, 2 iterations, 1 degree of parallelism, with a
// 16-byte salt and a 32-byte hash. A hash takes roughly 40 ms on one server core.
var DefaultArgon2Params = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// TestArgon2Params are deliberately cheap, for tests only: call
// UseArgon2Params(TestArgon2Params) from TestMain in packages that hash many passwords.
var TestArgon2Params = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// currentParams starts at DefaultArgon2Params; only tests change it.
var currentParams = func() *atomic.Pointer[Argon2Params] {
	var ptr atomic.Pointer[Argon2Params]
	p := DefaultArgon2Params
	ptr.Store(&p)
	return &ptr
}()

// UseArgon2Params sets the parameters HashPassword uses (and NeedsRehash compares with)
// and returns a function that restores the previous ones. It exists for tests; production
// code keeps DefaultArgon2Params.
func UseArgon2Params(p Argon2Params) (restore func()) {
	if err := p.check(); err != nil {
		panic("auth: " + err.Error())
	}
	old := currentParams.Swap(&p)
	return func() { currentParams.Store(old) }
}

// CurrentArgon2Params returns the parameters HashPassword uses.
func CurrentArgon2Params() Argon2Params { return *currentParams.Load() }

// Limits on parameters read back from a stored hash, so a corrupted or hostile row
// cannot make a sign-in allocate gigabytes or spin for minutes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
	maxSaltLen   = 64
	maxKeyLen    = 128
)

func (p Argon2Params) check() error {
	switch {
	case p.Threads < 1:
		return errors.New("argon2 parallelism must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("argon2 memory %d KiB is out of range", p.Memory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("argon2 time %d is out of range", p.Time)
	case p.SaltLen < 8 || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2 salt length %d is out of range", p.SaltLen)
	case p.KeyLen < 16 || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2 key length %d is out of range", p.KeyLen)
	}
	return nil
}

// hashSlots bounds how many argon2 computations run at once. Each one holds Memory KiB
// and keeps a core busy, so running more than there are cores only adds memory pressure;
// a burst of sign-ins queues here instead of exhausting memory.
var hashSlots = make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))

func argon2id(pw, salt []byte, p Argon2Params) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// normalizePassword applies Unicode NFKC, as NIST SP 800-63B asks, so the same password
// typed on different devices (composed or decomposed accents, full-width digits) matches.
func normalizePassword(pw string) []byte {
	return []byte(norm.NFKC.String(pw))
}

var b64 = base64.RawStdEncoding

// ErrMalformedHash means a stored password hash could not be parsed.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// HashPassword hashes pw with argon2id and the current parameters and returns it in the
// PHC string format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64).
// It does not check the password policy; call CheckPassword first.
func HashPassword(pw string) (string, error) {
	p := CurrentArgon2Params()
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading salt: %w", err)
	}
	key := argon2id(normalizePassword(pw), salt, p)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

type parsedHash struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

func parseHash(encoded string) (*parsedHash, error) {
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, ErrMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, fmt.Errorf("%w: unsupported argon2 version %q", ErrMalformedHash, parts[2])
	}
	var p Argon2Params
	seen := 0
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, ErrMalformedHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, ErrMalformedHash
		}
		switch k {
		case "m":
			p.Memory, seen = uint32(n), seen|1
		case "t":
			p.Time, seen = uint32(n), seen|2
		case "p":
			if n > 255 {
				return nil, ErrMalformedHash
			}
			p.Threads, seen = uint8(n), seen|4
		default:
			return nil, ErrMalformedHash
		}
	}
	if seen != 7 {
		return nil, ErrMalformedHash
	}
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil {
		return nil, ErrMalformedHash
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil {
		return nil, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	return &parsedHash{params: p, salt: salt, key: key}, nil
}

// VerifyPassword reports whether pw matches the encoded hash, comparing in constant
// time. err is non-nil only when encoded cannot be parsed (ok is then false); a wrong
// password is ok == false with a nil error.
func VerifyPassword(encoded, pw string) (ok bool, err error) {
	h, err := parseHash(encoded)
	if err != nil {
		// Spend the usual time anyway, so a broken row does not stand out by timing.
		VerifyDummy(pw)
		return false, err
	}
	got := argon2id(normalizePassword(pw), h.salt, h.params)
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

// NeedsRehash reports whether encoded should be replaced by a fresh HashPassword of the
// same password (after a successful VerifyPassword) because it was made with parameters
// other than the current ones, or cannot be parsed.
func NeedsRehash(encoded string) bool {
	h, err := parseHash(encoded)
	if err != nil {
		return true
	}
	return h.params != CurrentArgon2Params()
}

// VerifyDummy does the work of verifying pw against a hash with the current parameters
// and throws the result away. Call it when no user has the email address given at sign-in,
// so that the response takes as long as for a real account and does not reveal which
// addresses are registered.
func VerifyDummy(pw string) {
	p := CurrentArgon2Params()
	var salt [maxSaltLen]byte
	_, _ = rand.Read(salt[:p.SaltLen])
	key := argon2id(normalizePassword(pw), salt[:p.SaltLen], p)
	subtle.ConstantTimeCompare(key, key)
}
