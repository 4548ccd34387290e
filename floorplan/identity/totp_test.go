package identity_test

import (
	"net/url"
	"testing"
	"time"

	"officemap/floorplan/identity"
)

// rfc6238 is the SHA-1 key of RFC 6238's test vectors ("12345678901234567890") in base32.
const rfc6238 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestCheckTOTP(t *testing.T) {
	// RFC 6238 appendix B, SHA-1, last 6 of the 8 digits.
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0)
		if got, err := identity.TOTPCode(rfc6238, at); err != nil || got != v.code {
			t.Errorf("TOTPCode at %d = %q, %v; want %s", v.unix, got, err, v.code)
		}
		if !identity.CheckTOTP(rfc6238, v.code, at) {
			t.Errorf("CheckTOTP refuses the RFC code at %d", v.unix)
		}
	}

	at := time.Unix(1234567890, 0) // step 41152263, 0 s into it
	code := "005924"
	tests := []struct {
		name string
		code string
		at   time.Time
		want bool
	}{
		{"same step", code, at, true},
		{"end of the step", code, at.Add(29 * time.Second), true},
		{"one step later", code, at.Add(30 * time.Second), true},
		{"two steps later", code, at.Add(60 * time.Second), false},
		{"one step earlier", code, at.Add(-1 * time.Second), true},
		{"two steps earlier", code, at.Add(-31 * time.Second), false},
		{"spaces around", " 005924 ", at, true},
		{"wrong code", "005925", at, false},
		{"too short", "05924", at, false},
		{"too long", "0005924", at, false},
		{"empty", "", at, false},
		{"in another time zone", code, at.In(time.FixedZone("CST", 8*3600)), true},
	}
	for _, tc := range tests {
		if got := identity.CheckTOTP(rfc6238, tc.code, tc.at); got != tc.want {
			t.Errorf("%s: CheckTOTP = %v, want %v", tc.name, got, tc.want)
		}
	}
	if identity.CheckTOTP("", "000000", at) || identity.CheckTOTP("not base32!", code, at) {
		t.Error("CheckTOTP accepts a code for an empty or malformed secret")
	}
}

func TestNewTOTP(t *testing.T) {
	secret, raw := identity.NewTOTP("张伟")
	other, _ := identity.NewTOTP("张伟")
	if len(secret) != 32 || secret == other {
		t.Errorf("NewTOTP secret %q: want 32 base32 characters (160 bits), new each time", secret)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/officemap:张伟" ||
		q.Get("secret") != secret || q.Get("issuer") != "officemap" || q.Get("digits") != "6" ||
		q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Errorf("otpauth URL %s", raw)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	code, err := identity.TOTPCode(secret, at)
	if err != nil || !identity.CheckTOTP(secret, code, at) {
		t.Errorf("a code of the new secret does not check: %q, %v", code, err)
	}
}

func TestMatchTOTP(t *testing.T) {
	at := time.Unix(1234567890, 0) // step 41152263
	const step = 41152263
	tests := []struct {
		name  string
		at    time.Time
		after int64
		want  int64
		ok    bool
	}{
		{"fresh", at, 0, step, true},
		{"one step later, within the skew", at.Add(30 * time.Second), 0, step, true},
		{"step already used", at, step, 0, false},
		{"a later step used", at.Add(30 * time.Second), step + 1, 0, false},
		{"the step before used", at, step - 1, step, true},
		{"out of the window", at.Add(60 * time.Second), 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := identity.MatchTOTP(rfc6238, "005924", tc.at, tc.after)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: MatchTOTP = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := identity.MatchTOTP(rfc6238, "005925", at, 0); ok {
		t.Error("MatchTOTP accepts a wrong code")
	}
}
