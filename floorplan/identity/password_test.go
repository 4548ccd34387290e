package identity_test

import (
	"regexp"
	"testing"

	"officemap/floorplan/identity"
)

func TestHashPassword(t *testing.T) {
	t.Parallel()
	const pw = "Tr0ub4dour&3"
	h, err := identity.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("HashPassword = %q, not the PHC form of the spec", h)
	}
	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"same", pw, true},
		{"other", "Tr0ub4dour&4", false},
		{"empty", "", false},
		{"prefix", pw[:len(pw)-1], false},
	}
	for _, tc := range tests {
		if got := identity.CheckPassword(h, tc.pw); got != tc.want {
			t.Errorf("%s: CheckPassword = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestCheckPasswordReference checks hashes made by the reference implementation (libargon2, through
// argon2id_hash_encoded), so that officemap reads hashes from other argon2id tools and they read its.
func TestCheckPasswordReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, hash, pw string
	}{
		{"officemap's cost", "$argon2id$v=19$m=65536,t=3,p=2$b2ZmaWNlbWFwLXNhbHQxNg$KSflYQnJQJZ21epVCVf2ax6uuepXWkTuVX9msWz9Bng", "Tr0ub4dour&3"},
		{"smallest cost, UTF-8", "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$WLtGEObAhG/OOruhdBGfRiYW4MNjqTGnjNPBZZY6HjA", "机关事务Ab1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !identity.CheckPassword(tc.hash, tc.pw) {
				t.Error("the right password does not match")
			}
			if identity.CheckPassword(tc.hash, tc.pw+" ") {
				t.Error("a wrong password matches")
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	a, ha := identity.NewSecret()
	b, _ := identity.NewSecret()
	if len(a) != 43 || a == b {
		t.Errorf("NewSecret = %q, %q: want 43 base64url characters, different each time", a, b)
	}
	if ha != identity.HashSecret(a) || len(ha) != 64 || ha == a {
		t.Errorf("NewSecret hash %q is not HashSecret of the secret", ha)
	}
	// SHA-256("abc"), FIPS 180-2.
	if got := identity.HashSecret("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashSecret(abc) = %s", got)
	}
}
