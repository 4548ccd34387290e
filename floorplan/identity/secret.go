package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TokenPrefix starts every API token, so that one found in a log or a repository is recognised.
const TokenPrefix = "omt_"

// NewSecret returns a new random secret for a session cookie or (behind TokenPrefix) an API token:
// 32 bytes in base64url, and its hash as stored (HashSecret).
func NewSecret() (plain, hash string) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashSecret(plain)
}

// HashSecret returns the hex SHA-256 of a session or token secret: what the store keeps and looks up.
// A secret has 256 random bits, so a fast hash is enough.
func HashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// TOTPIssuer names officemap in authenticator apps.
const TOTPIssuer = "officemap"

// totpOpts are the authenticator apps' defaults (RFC 6238: 30 s, 6 digits, SHA-1), with one step of
// clock skew either side.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTP returns a new TOTP secret (base32, 160 bits) for username and the otpauth:// URL that
// authenticator apps read from a QR code.
func NewTOTP(username string) (secret, otpauthURL string) {
	if username == "" {
		username = "user"
	}
	raw := make([]byte, 20)
	rand.Read(raw)
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: TOTPIssuer, AccountName: username, Secret: raw,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm,
	})
	if err != nil { // only for an empty issuer or account name, which cannot happen here
		panic("identity: " + err.Error())
	}
	return key.Secret(), key.URL()
}

// CheckTOTP reports whether code is the TOTP of secret at time at, or one step (30 s) before or after.
func CheckTOTP(secret, code string, at time.Time) bool {
	code = strings.TrimSpace(code)
	if secret == "" || len(code) != totpOpts.Digits.Length() {
		return false
	}
	ok, err := totp.ValidateCustom(code, secret, at.UTC(), totpOpts)
	return err == nil && ok
}

// MatchTOTP reports the time step (Unix time / 30 s) at which code is the TOTP of secret, looking at
// the step of at and one step either side, earliest first, and only at steps later than after: the
// last step accepted for this secret (User.LastTOTPStep), so that a code once accepted cannot be
// replayed within its window. The caller records the step returned.
func MatchTOTP(secret, code string, at time.Time, after int64) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if secret == "" || len(code) != totpOpts.Digits.Length() {
		return 0, false
	}
	period := int64(totpOpts.Period)
	now := at.Unix() / period
	if at.Unix() < 0 {
		now = (at.Unix() - period + 1) / period // floor
	}
	for s := now - int64(totpOpts.Skew); s <= now+int64(totpOpts.Skew); s++ {
		if s <= after {
			continue
		}
		c, err := totp.GenerateCodeCustom(secret, time.Unix(s*period, 0).UTC(), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(c), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode returns the code of secret at time at (for tests and the demo).
func TOTPCode(secret string, at time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, at.UTC(), totpOpts)
}
