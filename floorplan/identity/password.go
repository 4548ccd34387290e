package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"officemap/floorplan"
)

// The argon2id parameters of new hashes (OWASP's and RFC 9106's second recommendation scaled to a
// server: 64 MiB, 3 passes, 2 lanes).
const (
	argonMemory  = 64 * 1024 // KiB
	argonTime    = 3
	argonThreads = 2
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on the parameters CheckPassword accepts from a stored hash, so that a forged hash cannot make
// a sign-in take the server's memory or time.
const (
	maxArgonMemory  = 1024 * 1024 // 1 GiB
	maxArgonTime    = 16
	maxArgonThreads = 64
)

// maxPasswordBytes bounds what is hashed at all.
const maxPasswordBytes = 1024

var b64 = base64.RawStdEncoding // PHC strings use standard base64 without padding

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

// HashPassword returns pw hashed with argon2id and a random salt, as a PHC string
// "$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>".
func HashPassword(pw string) (string, error) {
	if len(pw) > maxPasswordBytes {
		return "", floorplan.Invalidf("password longer than %d bytes", maxPasswordBytes)
	}
	return hashPassword(pw, argonParams{argonMemory, argonTime, argonThreads}), nil
}

func hashPassword(pw string, p argonParams) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt) // never fails (crypto/rand since Go 1.24)
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether pw matches hash, a PHC string from HashPassword (its parameters are
// read from it, so hashes made with other parameters still check). The comparison takes constant time;
// a malformed hash, or an empty one (an SSO-only user), matches nothing.
func CheckPassword(hash, pw string) bool {
	p, salt, key, err := parsePHC(hash)
	if err != nil || len(pw) > maxPasswordBytes {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

var errPHC = errors.New("identity: malformed password hash")

// parsePHC splits "$argon2id$v=19$m=…,t=…,p=…$salt$hash".
func parsePHC(s string) (argonParams, []byte, []byte, error) {
	var p argonParams
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errPHC
	}
	params := strings.Split(f[3], ",")
	if len(params) != 3 {
		return p, nil, nil, errPHC
	}
	var seen [3]bool
	for _, kv := range params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, nil, nil, errPHC
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return p, nil, nil, errPHC
		}
		switch {
		case k == "m" && !seen[0] && n <= maxArgonMemory:
			p.memory, seen[0] = uint32(n), true
		case k == "t" && !seen[1] && n <= maxArgonTime:
			p.time, seen[1] = uint32(n), true
		case k == "p" && !seen[2] && n <= maxArgonThreads:
			p.threads, seen[2] = uint8(n), true
		default:
			return p, nil, nil, errPHC
		}
	}
	if p.memory < 8*uint32(p.threads) { // argon2's own minimum
		return p, nil, nil, errPHC
	}
	salt, err1 := b64.DecodeString(f[4])
	key, err2 := b64.DecodeString(f[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errPHC
	}
	return p, salt, key, nil
}

// Policy is the password, lockout and session policy.
type Policy struct {
	MinLength int           // characters
	Classes   int           // how many of the four classes (lower, upper, digit, other) a password needs
	History   int           // a new password may not be the current one nor one of this many before it
	Expiry    time.Duration // a password must be changed this long after it was set; 0: never
	LockAfter int           // consecutive failed sign-ins that lock the account
	LockFor   time.Duration // how long a lock lasts
	// IdleTimeout ends a session unused for this long; Lifetime ends any session this long after
	// sign-in.
	IdleTimeout time.Duration
	Lifetime    time.Duration
	// AuditRetention is how long audit records are kept at least (purges take only older ones).
	AuditRetention time.Duration
}

// DefaultPolicy returns the policy of 等保 2.0 level 3 as officemap reads it: 8 characters of 3
// classes, no reuse of the last 5, 5 failures lock for 30 minutes, sessions idle out after 30 minutes
// and last at most 12 hours, audit kept 180 days.
func DefaultPolicy() Policy {
	return Policy{
		MinLength:      8,
		Classes:        3,
		History:        5,
		LockAfter:      5,
		LockFor:        30 * time.Minute,
		IdleTimeout:    30 * time.Minute,
		Lifetime:       12 * time.Hour,
		AuditRetention: 180 * 24 * time.Hour,
	}
}

// CheckNew checks pw as u's new password: its length, its character classes, and that it is neither
// u's current password nor one of the last p.History before it. The error wraps floorplan.ErrInvalid
// and says which rule failed.
func (p Policy) CheckNew(u User, pw string) error {
	if n := utf8.RuneCountInString(pw); n < p.MinLength {
		return floorplan.Invalidf("password shorter than %d characters", p.MinLength)
	}
	if len(pw) > maxPasswordBytes {
		return floorplan.Invalidf("password longer than %d bytes", maxPasswordBytes)
	}
	if c := classes(pw); c < p.Classes {
		return floorplan.Invalidf("password has %d of the classes lower case, upper case, digit and other; %d needed", c, p.Classes)
	}
	if u.PasswordHash != "" && CheckPassword(u.PasswordHash, pw) {
		return floorplan.Invalidf("password is the current one")
	}
	for i, h := range u.PasswordHistory {
		if i >= p.History {
			break
		}
		if CheckPassword(h, pw) {
			return floorplan.Invalidf("password is one of the last %d", p.History)
		}
	}
	return nil
}

// classes counts the character classes in pw: lower case, upper case, digits, and anything else
// (punctuation, spaces, CJK…).
func classes(pw string) int {
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// pushHistory returns u's password history once its current password is replaced: the current hash
// first, at most n entries.
func pushHistory(u User, n int) []string {
	if u.PasswordHash == "" {
		return u.PasswordHistory
	}
	h := append([]string{u.PasswordHash}, u.PasswordHistory...)
	if len(h) > n {
		h = h[:n]
	}
	return h
}

// oneTimeAlphabets are the classes of generated passwords, without look-alikes (0/O, 1/l/I).
var oneTimeAlphabets = [4]string{
	"abcdefghijkmnpqrstuvwxyz",
	"ABCDEFGHJKLMNPQRSTUVWXYZ",
	"23456789",
	"-_.+=@#%",
}

// oneTimePassword returns a random password of at least 16 characters that satisfies p's length and
// classes (it cannot be in a history: 90+ bits of randomness).
func oneTimePassword(p Policy) string {
	n := max(16, p.MinLength)
	need := min(max(p.Classes, 3), 4)
	b := make([]byte, n)
	for i := range b {
		a := oneTimeAlphabets[i%need] // every class needed appears at least once
		b[i] = a[randIntn(len(a))]
	}
	// Shuffle, so that the classes do not sit in a fixed pattern.
	for i := len(b) - 1; i > 0; i-- {
		j := randIntn(i + 1)
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// randIntn returns a uniform random int in [0, n) from crypto/rand, n ≤ 256.
func randIntn(n int) int {
	limit := 256 - 256%n
	var c [1]byte
	for {
		rand.Read(c[:])
		if int(c[0]) < limit {
			return int(c[0]) % n
		}
	}
}

// NormalizeUsername returns s in the form stored and compared: trimmed and in lower case. It must be
// 2–64 characters of a–z, 0–9, '.', '_', '-' or CJK ideographs.
func NormalizeUsername(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	n := 0
	for _, r := range s {
		n++
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		case unicode.Is(unicode.Han, r):
		default:
			return "", floorplan.Invalidf("user name may hold only a–z, 0–9, '.', '_', '-' and Chinese characters")
		}
	}
	if n < 2 || n > 64 {
		return "", floorplan.Invalidf("user name must be 2 to 64 characters")
	}
	return s, nil
}
