package floorplan

import (
	"errors"
	"strings"
	"testing"
)

func TestNewSearchQuery(t *testing.T) {
	tests := []struct {
		name       string
		q          string
		limit      int
		ok         bool
		err        bool
		text, pref string
		wantLimit  int
	}{
		{"empty", "  ", 5, false, false, "", "", 0},
		{"trimmed, default limit", " 张三 ", 0, true, false, "张三", `张三%`, DefaultSearchLimit},
		{"wildcards escaped", `50%_off\`, 10, true, false, `50%_off\`, `50\%\_off\\%`, 10},
		{"limit capped", "301", 10000, true, false, "301", "301%", MaxSearchLimit},
		{"too long", strings.Repeat("长", MaxSearchRunes+1), 0, false, true, "", "", 0},
		{"exactly the cap", strings.Repeat("长", MaxSearchRunes), 0, true, false, strings.Repeat("长", MaxSearchRunes), strings.Repeat("长", MaxSearchRunes) + "%", DefaultSearchLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sq, ok, err := NewSearchQuery(tt.q, tt.limit)
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Fatalf("err = %v, want error %v wrapping ErrInvalid", err, tt.err)
			}
			if ok != tt.ok || sq.Text != tt.text || sq.Prefix != tt.pref || sq.Limit != tt.wantLimit {
				t.Errorf("NewSearchQuery(%q, %d) = %+v, %v", tt.q, tt.limit, sq, ok)
			}
			if ok && sq.Contains != "%"+sq.Prefix {
				t.Errorf("Contains = %q, want %% + Prefix", sq.Contains)
			}
		})
	}
}

func TestStandardRowsInForce(t *testing.T) {
	rows := []StandardRow{{Rank: RankStaff, Effective: Day(2020, 1, 1)}, {Rank: RankSection, Effective: Day(2027, 1, 1)}}
	got := StandardRowsInForce(rows, Day(2026, 12, 31))
	if len(got) != 1 || got[0].Rank != RankStaff {
		t.Errorf("in force on 2026-12-31: %+v", got)
	}
	if got := StandardRowsInForce(rows, Day(2027, 1, 1)); len(got) != 2 {
		t.Errorf("on the effective day itself the row is in force: %+v", got)
	}
}
