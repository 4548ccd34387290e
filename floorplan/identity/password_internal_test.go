package identity

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"officemap/floorplan"
)

// cheap hashes with argon2id's smallest cost, for tests that check many passwords.
func cheap(pw string) string { return hashPassword(pw, argonParams{memory: 64, time: 1, threads: 1}) }

func TestParsePHC(t *testing.T) {
	const salt, key = "MDEyMzQ1Njc4OWFiY2RlZg", "WLtGEObAhG/OOruhdBGfRiYW4MNjqTGnjNPBZZY6HjA"
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	tests := []struct {
		name string
		phc  string
		ok   bool
	}{
		{"good", good, true},
		{"params in another order", "$argon2id$v=19$p=1,t=1,m=64$" + salt + "$" + key, true},
		{"empty", "", false},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key, false},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", false},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key, false},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key, false},
		{"missing param", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key, false},
		{"repeated param", "$argon2id$v=19$m=64,m=64,p=1$" + salt + "$" + key, false},
		{"unknown param", "$argon2id$v=19$m=64,t=1,x=1$" + salt + "$" + key, false},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key, false},
		{"memory below 8p", "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key, false},
		{"memory too large", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, false},
		{"time too large", "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key, false},
		{"threads too large", "$argon2id$v=19$m=65536,t=1,p=255$" + salt + "$" + key, false},
		{"negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key, false},
		{"padded base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key, false},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$YWJj$" + key, false},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$YWJjZGVmZ2g", false},
		{"trailing field", good + "$x", false},
		{"no leading $", good[1:], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, s, k, err := parsePHC(tc.phc)
			if (err == nil) != tc.ok {
				t.Fatalf("parsePHC(%q) error %v, want ok=%v", tc.phc, err, tc.ok)
			}
			if tc.ok && (p != argonParams{64, 1, 1} || string(s) != "0123456789abcdef" || len(k) != 32) {
				t.Errorf("parsePHC = %+v %q %d bytes", p, s, len(k))
			}
			if !tc.ok && CheckPassword(tc.phc, "机关事务Ab1") {
				t.Error("CheckPassword matched a malformed hash")
			}
		})
	}
}

func TestPolicyCheckNew(t *testing.T) {
	p := DefaultPolicy()
	// The user's current password and the five before it, newest first; a sixth older one is out of
	// the history and may come back.
	u := User{PasswordHash: cheap("Current-0")}
	for i := 1; i <= 5; i++ {
		u.PasswordHistory = append(u.PasswordHistory, cheap(fmt.Sprintf("Previous-%d", i)))
	}
	u.PasswordHistory = append(u.PasswordHistory, cheap("Previous-6"))

	tests := []struct {
		name, pw string
		want     string // part of the error; "" for none
	}{
		{"good", "Fresh-pass1", ""},
		{"seven characters", "Ab1-xyz", "shorter than 8"},
		{"eight characters", "Ab1-wxyz", ""},
		{"CJK count as characters and as other", "机关事务管理局Ab", ""},
		{"too long", strings.Repeat("Ab1-", 300), "longer than 1024 bytes"},
		{"lower only", "abcdefghijk", "has 1 of the classes"},
		{"lower and digits", "abcdefgh123", "has 2 of the classes"},
		{"lower, upper, digit", "Abcdefgh123", ""},
		{"lower, upper, other", "Abcdefgh-!?", ""},
		{"lower, digit, space", "abc def 123", ""},
		{"current", "Current-0", "is the current one"},
		{"newest previous", "Previous-1", "one of the last 5"},
		{"fifth previous", "Previous-5", "one of the last 5"},
		{"sixth previous", "Previous-6", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := p.CheckNew(u, tc.pw)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckNew(%q) = %v, want nil", tc.pw, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("CheckNew(%q) = %v, want an error with %q", tc.pw, err, tc.want)
			case err != nil && !errors.Is(err, floorplan.ErrInvalid):
				t.Errorf("CheckNew(%q) = %v, not floorplan.ErrInvalid", tc.pw, err)
			}
		})
	}
}

func TestPushHistory(t *testing.T) {
	u := User{PasswordHash: "h0", PasswordHistory: []string{"h1", "h2", "h3", "h4", "h5"}}
	if got := fmt.Sprint(pushHistory(u, 5)); got != "[h0 h1 h2 h3 h4]" {
		t.Errorf("pushHistory = %s", got)
	}
	if got := pushHistory(User{}, 5); len(got) != 0 {
		t.Errorf("pushHistory of a user without a password = %v", got)
	}
}

func TestOneTimePassword(t *testing.T) {
	for _, p := range []Policy{DefaultPolicy(), {MinLength: 20, Classes: 4}, {MinLength: 4, Classes: 1}} {
		seen := map[string]bool{}
		for range 200 {
			pw := oneTimePassword(p)
			if err := p.CheckNew(User{}, pw); err != nil {
				t.Fatalf("oneTimePassword(%+v) = %q: %v", p, pw, err)
			}
			if len(pw) < 16 || seen[pw] {
				t.Fatalf("oneTimePassword = %q: short or repeated", pw)
			}
			seen[pw] = true
		}
	}
}

func TestNormalizeUsername(t *testing.T) {
	tests := []struct{ in, want string }{
		{"planner", "planner"},
		{"  Zhang.Wei-2_ ", "zhang.wei-2_"},
		{"张伟", "张伟"},
		{"机关事务管理局.li", "机关事务管理局.li"},
		{"a", ""},
		{"张", ""},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), ""},
		{"zhang wei", ""},
		{"zhang@example.org", ""},
		{"ｐｌａｎｎｅｒ", ""}, // full-width letters
		{"한국어", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := NormalizeUsername(tc.in)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("NormalizeUsername(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if err != nil && !errors.Is(err, floorplan.ErrInvalid) {
			t.Errorf("NormalizeUsername(%q): %v is not ErrInvalid", tc.in, err)
		}
	}
}

func TestAddrKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.7:51234", "192.0.2.7"},
		{"192.0.2.7", "192.0.2.7"},
		{"[::ffff:192.0.2.7]:443", "192.0.2.7"},
		{"[2001:db8:1:2:aaaa::1]:443", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:80", "fe80::/64"},
		{"not an address", "not an address"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := addrKey(tc.in); got != tc.want {
			t.Errorf("addrKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(10, 10, 3)
	for i := range 10 {
		if ok, _ := l.allow("192.0.2.1:1000", t0); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	if ok, first := l.allow("192.0.2.1:2000", t0); ok || !first {
		t.Errorf("11th attempt (another port): ok=%v first=%v, want refused, first", ok, first)
	}
	if ok, first := l.allow("192.0.2.1", t0.Add(time.Second)); ok || first {
		t.Errorf("12th attempt: ok=%v first=%v, want refused, not first", ok, first)
	}
	if ok, _ := l.allow("192.0.2.2", t0); !ok {
		t.Error("another address refused")
	}
	if ok, _ := l.allow("192.0.2.1", t0.Add(7*time.Second)); !ok {
		t.Error("refused after 7 s, when a token has come back")
	}
	if ok, _ := l.allow("192.0.2.1", t0.Add(7*time.Second)); ok {
		t.Error("a second attempt allowed on the one token back")
	}
	// Bounded: at most 3 addresses, however many try.
	for i := range 100 {
		l.allow(fmt.Sprintf("198.51.100.%d", i), t0.Add(7*time.Second))
		if len(l.buckets) > 3 {
			t.Fatalf("%d addresses remembered, bound 3", len(l.buckets))
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{{"planner", 4, "plan"}, {"机关事务", 2, "机关"}, {"ab", 5, "ab"}, {"", 3, ""}} {
		if got := Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
