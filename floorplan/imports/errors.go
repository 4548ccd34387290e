package imports

import (
	"errors"
	"fmt"
	"strings"
)

// ErrRejected is matched (errors.Is) by every *Error: the source, or part of it, cannot be imported.
var ErrRejected = errors.New("imports: source rejected")

// ErrTruncated is wrapped by the readers' errors for a file that ends before its end: a DXF drawing
// without the ENDSEC of its last section or without its EOF record, OSM XML with unclosed elements,
// JSON cut inside a value, a zip archive without its central directory. Their messages name where the
// file ends (line or byte) and what was still expected there.
var ErrTruncated = errors.New("the file is cut short")

// Problem is one thing wrong with a source: which feature and why.
type Problem struct {
	Feature  string `json:"feature"`             // e.g. "way/123", "entity 57 (LWPOLYLINE, handle 3A)", "line 12"
	SourceID string `json:"source_id,omitempty"` // the feature's source id, when it has one
	Number   string `json:"number,omitempty"`    // the room number, when known
	Reason   string `json:"reason"`
	Err      error  `json:"-"` // the underlying error (a *geo.ValidationError, an *floorplan.OverlapError…)
}

// String gives "way/123 (room A12): reason".
func (p Problem) String() string { return p.Text("en") }

// In returns the problem with its reason told in a language (English for a tag starting with "en",
// Chinese otherwise): a reason that is its error's message is told as ErrorIn tells the error; another
// reason (one the importer composed around its error) stays as it is.
func (p Problem) In(lang string) Problem {
	if p.Err != nil && p.Reason == p.Err.Error() {
		p.Reason = ErrorIn(p.Err, lang)
	}
	return p
}

// Text gives the problem in a language, as String does in English: "way/123（房间 A12）：原因".
func (p Problem) Text(lang string) string {
	p = p.In(lang)
	g := glueIn(lang)
	if p.Number != "" && p.Feature != "" {
		return fmt.Sprintf(g.room, p.Feature, p.Number) + g.colon + p.Reason
	}
	if p.Feature == "" {
		return p.Reason
	}
	return p.Feature + g.colon + p.Reason
}

// Error is what reading or importing a file gives when the file cannot be taken as it is: the file's
// name and every problem found. Its message is one line.
type Error struct {
	File     string
	Problems []Problem
}

// maxListed is how many problems Error's one line names.
const maxListed = 5

// glue is the words around the problems in an Error's line and a Problem's text, in one language.
type glue struct {
	colon, sep, room, problems, more, rejected, hint string
}

var (
	glueEN = glue{colon: ": ", sep: "; ", room: "%s (room %s)", problems: "%d problems: ", more: "; and %d more",
		rejected: "rejected", hint: " (--skip-invalid imports the rest and lists these)"}
	glueZH = glue{colon: "：", sep: "；", room: "%s（房间 %s）", problems: "%d 个问题：", more: "；另有 %d 个",
		rejected: "无法导入", hint: "（--skip-invalid 可导入其余部分并列出这些问题）"}
)

func glueIn(lang string) glue {
	if English(lang) {
		return glueEN
	}
	return glueZH
}

// Error returns "plan.dxf: entity 57 (LWPOLYLINE, handle 3A) (room 101): outer ring self-intersects at …",
// or, for several problems, "caserne.osm: 2 problems: way/1: …; way/2: …", naming the first few.
func (e *Error) Error() string { return e.In("en") }

// In tells the error's line in a language, as Error does in English: "caserne.osm：2 个问题：way/1：…；
// way/2：…（--skip-invalid 可导入其余部分并列出这些问题）".
func (e *Error) In(lang string) string {
	g := glueIn(lang)
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(g.colon)
	if len(e.Problems) == 0 {
		b.WriteString(g.rejected)
		return b.String()
	}
	if len(e.Problems) > 1 {
		fmt.Fprintf(&b, g.problems, len(e.Problems))
	}
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, g.more, len(e.Problems)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString(g.sep)
		}
		b.WriteString(p.Text(lang))
	}
	if len(e.Problems) > 1 {
		b.WriteString(g.hint)
	}
	return oneLine(b.String())
}

// Is makes errors.Is(err, ErrRejected) true.
func (e *Error) Is(target error) bool { return target == ErrRejected }

// Unwrap gives the problems' underlying errors, so that errors.Is(err, geo.ErrInvalid) or
// errors.As(err, &overlap) work on an Error.
func (e *Error) Unwrap() []error {
	var out []error
	for _, p := range e.Problems {
		if p.Err != nil {
			out = append(out, p.Err)
		}
	}
	return out
}

// Errorf returns an *Error with one problem: the feature (or line) and a reason, made with Reasonf
// (format is English, with a Chinese entry in zhMessages), so that the reason can be told in the
// reader's language.
func Errorf(file, feature, format string, args ...any) *Error {
	return Wrap(file, feature, Reasonf(format, args...))
}

// Wrap returns an *Error with one problem whose reason is err (kept for errors.Is and errors.As).
func Wrap(file, feature string, err error) *Error {
	return &Error{File: file, Problems: []Problem{{Feature: feature, Reason: err.Error(), Err: err}}}
}

// AsError returns err as an *Error of file: err itself when it is one (a reader's callback made it),
// else err wrapped (Wrap) as the one problem of the file, with the feature (or "").
func AsError(file, feature string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return Wrap(file, feature, err)
}

// oneLine replaces line breaks with spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
