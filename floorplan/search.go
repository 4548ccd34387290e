package floorplan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Search limits every Store applies.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 200
	MaxSearchRunes     = 100 // characters of search text
)

// SearchQuery is a search as every Store runs it: the trimmed text, the limit, and LIKE patterns for a
// prefix and a substring match with LIKE's wildcards and escape character (\) escaped.
type SearchQuery struct {
	Text, Prefix, Contains string
	Limit                  int
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// NewSearchQuery normalises a search: surrounding space is trimmed, a limit ≤ 0 becomes
// DefaultSearchLimit and one above MaxSearchLimit is capped; text longer than MaxSearchRunes is refused.
// ok is false for empty text, which finds nothing.
func NewSearchQuery(q string, limit int) (sq SearchQuery, ok bool, err error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return SearchQuery{}, false, nil
	}
	if utf8.RuneCountInString(q) > MaxSearchRunes {
		return SearchQuery{}, false, Invalidf("the search text is longer than %d characters", MaxSearchRunes)
	}
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	esc := likeEscaper.Replace(q)
	return SearchQuery{Text: q, Prefix: esc + "%", Contains: "%" + esc + "%", Limit: min(limit, MaxSearchLimit)}, true, nil
}

// StandardRowsInForce keeps the rows effective on or before day.
func StandardRowsInForce(rows []StandardRow, day time.Time) []StandardRow {
	out := []StandardRow{}
	for _, r := range rows {
		if !r.Effective.After(day) {
			out = append(out, r)
		}
	}
	return out
}
