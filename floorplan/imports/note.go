package imports

import (
	"fmt"
	"strings"
)

// Note is one remark of an import for its summary: a default taken, a part left out, a repair made, a
// placement that looks wrong. It is kept as an English format and its arguments, so that the summary can
// be told in the reader's language (Note.In): Chinese from the catalog in messages_zh.go, English when
// asked for.
type Note struct {
	Format string
	Args   []any
}

// Notef makes a note; format is a fmt format in English, with a Chinese entry in zhMessages.
func Notef(format string, args ...any) Note { return Note{Format: format, Args: args} }

// String tells the note in English.
func (n Note) String() string { return fmt.Sprintf(n.Format, n.Args...) }

// In tells the note in a language: English for a tag starting with "en", Chinese otherwise (the
// product's first language). A format without a Chinese entry is told in English.
func (n Note) In(lang string) string {
	if English(lang) {
		return n.String()
	}
	if zh, ok := zhMessages[n.Format]; ok {
		return fmt.Sprintf(zh, n.Args...)
	}
	return n.String()
}

// English reports whether a language tag ("en", "en-GB", --lang en) asks for English; anything else,
// the empty tag included, gets Chinese.
func English(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}
