package staff

import (
	"testing"
	"time"
)

// TestPostsWithBrackets: a post's title or agency may hold brackets of its own; FormatPost writes it so
// that parsePosts reads back the same title, agency and dates.
func TestPostsWithBrackets(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, c := range []struct {
		title, agency string
		start, end    time.Time
	}{
		{"局长（兼）", "市统计局", time.Time{}, time.Time{}},
		{"局长（兼）", "", time.Time{}, time.Time{}},
		{"主任", "市委办公室（市档案局）", day("2024-01-01"), day("2026-03-31")},
		{"副主任(兼)", "市编委", day("2025-06-01"), time.Time{}},
		{"委员", "", time.Time{}, time.Time{}},
	} {
		cell := FormatPost(c.title, c.agency, c.start, c.end)
		got, note := parsePosts(cell)
		want := c.title
		if want == "副主任(兼)" {
			want = "副主任（兼）" // half-width brackets are read as full-width
		}
		if note != nil || len(got) != 1 || got[0].title != want || got[0].agency != c.agency ||
			!got[0].start.Equal(c.start) || !got[0].end.Equal(c.end) {
			t.Errorf("FormatPost(%q, %q) = %q, read back as %+v (%v)", c.title, c.agency, cell, got, note)
		}
	}
	for _, bad := range []string{"局长（兼", "局长（市统计局", "局长）（"} {
		if _, note := parsePosts(bad); note == nil {
			t.Errorf("parsePosts(%q) accepted it", bad)
		}
	}
}
