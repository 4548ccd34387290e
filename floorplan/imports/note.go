package imports

import (
	"errors"
	"fmt"
	"strings"

	"officemap/floorplan"
	"officemap/geo"
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
// product's first language). A format without a Chinese entry is told in English. An argument that is
// an error is told in the language too, when it can be (see ErrorIn).
func (n Note) In(lang string) string {
	if English(lang) {
		return n.String()
	}
	zh, ok := zhMessages[n.Format]
	if !ok {
		return n.String()
	}
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		if err, isErr := a.(error); isErr && err != nil {
			a = ErrorIn(err, lang)
		}
		args[i] = a
	}
	return fmt.Sprintf(zh, args...)
}

// English reports whether a language tag ("en", "en-GB", --lang en) asks for English; anything else,
// the empty tag included, gets Chinese.
func English(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}

// NoteError is an error that is a note: the reason a reader or the importer gives for a problem of a
// feature. Error tells it in English; Problem.In and ErrorIn tell it in the reader's language.
type NoteError struct{ Note Note }

// Error tells the reason in English.
func (e *NoteError) Error() string { return e.Note.String() }

// Reasonf makes the reason of a problem as an error: format is a fmt format in English with a Chinese
// entry in zhMessages, like Notef's.
func Reasonf(format string, args ...any) error { return &NoteError{Note: Notef(format, args...)} }

// ErrorIn tells an error in a language: a *NoteError by its note, a *geo.ValidationError by its Chinese
// sentence, an *Error by its line (Error.In), a *floorplan.OverlapError with its figures; any other
// error, or one of these wrapped with more words around it, in English as it is.
func ErrorIn(err error, lang string) string {
	if English(lang) {
		return err.Error()
	}
	msg := err.Error()
	var ne *NoteError
	if errors.As(err, &ne) && ne.Error() == msg {
		return ne.Note.In(lang)
	}
	var ve *geo.ValidationError
	if errors.As(err, &ve) && ve.Error() == msg {
		return ve.MessageZH()
	}
	var ie *Error
	if errors.As(err, &ie) && ie.Error() == msg {
		return ie.In(lang)
	}
	var oe *floorplan.OverlapError
	if errors.As(err, &oe) && oe.Error() == msg {
		return fmt.Sprintf("与房间 %s（%s）重叠 %.2f 平方米", oe.OtherNumber, oe.OtherID, oe.AreaM2)
	}
	return msg
}
