package floorplan

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The limits of what the register accepts, defined once here and checked by the records' Validate
// methods (and so by the Check functions both stores call, and by the Register before them): every
// write path — HTTP, imports, the CLI — and both stores refuse the same input, with an error wrapping
// ErrInvalid (a *FieldError) that names the field and the limit.
//
// Text: every text field has a length limit in characters (Unicode code points, not bytes: 200 Chinese
// characters are 200), must be valid UTF-8, and may hold no control character (NUL, ESC, DEL, the C1
// controls…). Only free-text fields (notes, the reason of a change) may hold line breaks and tabs.
//
// Numbers: every measured quantity must be a finite number within plausible bounds (below), so that a
// typing slip (1e308 m², a headcount of two billion) is refused rather than stored and summed.

// TextRule is the rule of one text field.
type TextRule struct {
	// MaxRunes is the most characters (Unicode code points) the field may hold.
	MaxRunes int
	// Lines allows line breaks (\n, \r) and tabs: free text. Other fields are one line.
	Lines bool
}

// Length limits shared by several fields.
const (
	nameRunes     = 200  // the name of a site, building, room, agency, jurisdiction; a title
	codeRunes     = 50   // a room number, a floor name, a certificate kind: short codes and labels
	addressRunes  = 500  // a postal address; a legal source
	noteRunes     = 2000 // free text: a note
	sourceIDRunes = 1000 // the id of a record in an imported source (file name and feature id)
	reasonRunes   = 500  // the reason of a change, as the API's reason parameter takes it
)

// TextRules are the rules of the register's text fields, by record and field as the JSON names them
// ("site.records.note" is the note of each ownership record of a site). Exported so that the API can
// publish them (maxLength in its OpenAPI document).
var TextRules = map[string]TextRule{
	"site.name":                 {nameRunes, false},
	"site.address":              {addressRunes, false},
	"site.category":             {codeRunes, false},
	"site.note":                 {noteRunes, true},
	"site.records.kind":         {codeRunes, false},
	"site.records.number":       {nameRunes, false},
	"site.records.holder":       {nameRunes, false},
	"site.records.note":         {noteRunes, true},
	"building.name":             {nameRunes, false},
	"building.address":          {addressRunes, false},
	"building.source_id":        {sourceIDRunes, false},
	"building.lang":             {codeRunes, false},
	"floor.name":                {codeRunes, false},
	"floor.source_id":           {sourceIDRunes, false},
	"room.number":               {codeRunes, false},
	"room.name":                 {nameRunes, false},
	"room.source_id":            {sourceIDRunes, false},
	"room.source_category":      {nameRunes, false},
	"agency.name":               {nameRunes, false},
	"agency.short_name":         {codeRunes, false},
	"agency.code":               {codeRunes, false},
	"person.name":               {codeRunes, false},
	"person.staff_no":           {codeRunes, false},
	"person.title":              {nameRunes, false},
	"person.posts.title":        {nameRunes, false},
	"assignment.approval_ref":   {nameRunes, false},
	"jurisdiction.name":         {nameRunes, false},
	"jurisdiction.code":         {codeRunes, false},
	"standard_row.title":        {nameRunes, false},
	"standard_row.jurisdiction": {nameRunes, false},
	"standard_row.source":       {addressRunes, false},
	// The reason and the actor a write carries into the history (WithReason, WithActor).
	"change.reason": {reasonRunes, true},
	"change.actor":  {nameRunes, false},
}

// Bounds of the register's numbers. A value outside them (or NaN, ±Inf) is refused, naming the field.
const (
	// MaxHeadcount is the largest authorised headcount (编制) of one agency.
	MaxHeadcount = 1_000_000
	// MaxApprovedAreaM2 is the largest approved office area (核定面积) of one agency: 10 km².
	MaxApprovedAreaM2 = 1e7
	// MaxRecordedAreaM2 is the largest usable area a room register may record for one room (账面面积): 1 km².
	MaxRecordedAreaM2 = 1e6
	// MinElevationM and MaxElevationM bound a floor's elevation above its building's ground floor.
	MinElevationM, MaxElevationM = -1000.0, 1000.0
	// MinOrdinal and MaxOrdinal bound a floor's ordinal (0 the ground floor, -1 the first basement).
	MinOrdinal, MaxOrdinal = -100, 300
	// MaxFromOriginM is how far, in metres, a building's geometry (footprint, floor outlines, rooms) may
	// lie from its georeference's origin, in whichever frame it comes: the local frame is the plane
	// tangent to the earth there, true near it only. Lon/lat farther away (a position typed into the
	// wrong building, swapped coordinates) and local coordinates farther out (a wrong unit, a drawing in
	// projected coordinates) are refused with the distance.
	MaxFromOriginM = 5000.0
	// OutlineToleranceM is how far, in metres, a room may reach out of its floor's outline: 5 cm, the
	// drawing precision of a survey, so that a room drawn to the wall's face on an outline drawn to the
	// same face a hair inside still fits. A room farther out is refused, with how far.
	OutlineToleranceM = 0.05
)

// FieldReason is a stable, machine-readable word for why a field's value is refused.
type FieldReason string

// Reasons a *FieldError gives.
const (
	FieldTooLong        FieldReason = "too_long"
	FieldControl        FieldReason = "control_character"
	FieldNotUTF8        FieldReason = "invalid_utf8"
	FieldOutOfRange     FieldReason = "out_of_range"
	FieldOutsideOutline FieldReason = "outside_outline"
	// FieldPadded: a key (a person's staff_no, an agency's code) that begins or ends with white space,
	// which would make two keys that read the same differ.
	FieldPadded FieldReason = "padded"
	// FieldTaken: a key that another live record already has.
	FieldTaken FieldReason = "taken"
)

// FieldError is a refused value of one field of a record. It wraps ErrInvalid; its Error is
// "floorplan: invalid input: " and the sentence, which names the record, the field and the limit.
type FieldError struct {
	// Record names the record as the sentence does: `site "市级机关第一办公区"`, "agency".
	Record string
	// Field is the field's JSON name, with the place in a list: "name", "records[2].note".
	Field  string
	Reason FieldReason
	// Message is the sentence for the user.
	Message string
}

func (e *FieldError) Error() string { return ErrInvalid.Error() + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// fieldError builds a *FieldError whose sentence is the record, the field and the formatted rest.
func fieldError(record, field string, reason FieldReason, format string, args ...any) *FieldError {
	return &FieldError{Record: record, Field: field, Reason: reason,
		Message: record + ": " + field + " " + fmt.Sprintf(format, args...)}
}

// recordLabel names a record in the messages of the checks of its fields (checkTexts, checkKey, checkRange):
// its kind and its name, put into words (label) only when a check fails, since most records pass (a bulk
// load checks a million).
type recordLabel struct{ kind, name string }

// String is the record's label.
func (r recordLabel) String() string { return label(r.kind, r.name) }

// label names a record for a message: its kind and, when it has one, its name, shortened to 40
// characters (a name refused for its length is not repeated whole).
func label(kind, name string) string {
	if blank(name) {
		return kind
	}
	if utf8.RuneCountInString(name) > 40 {
		name = string([]rune(name)[:39]) + "…"
	}
	return fmt.Sprintf("%s %q", kind, name)
}

// field is one text field of a record to check: its JSON name (with the place in a list) and value.
type field struct{ name, value string }

// checkTexts checks the text fields of a record of the given entity ("site"), named rec in messages,
// against TextRules. A field without a rule is a programming error (and panics).
func checkTexts(rec recordLabel, entity string, fields ...field) error {
	for _, f := range fields {
		rule, ok := TextRules[entity+"."+withoutIndices(f.name)]
		if !ok {
			panic("floorplan: no text rule for " + entity + "." + f.name)
		}
		if err := checkText(rec, f.name, f.value, rule); err != nil {
			return err
		}
	}
	return nil
}

// checkText checks one value against its rule.
func checkText(rec recordLabel, name, v string, rule TextRule) error {
	if !utf8.ValidString(v) {
		return fieldError(rec.String(), name, FieldNotUTF8, "is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(v); n > rule.MaxRunes {
		return fieldError(rec.String(), name, FieldTooLong, "is %d characters long, more than the %d allowed", n, rule.MaxRunes)
	}
	i := 0 // the character's place
	for _, r := range v {
		i++
		if !unicode.IsControl(r) || (rule.Lines && (r == '\n' || r == '\r' || r == '\t')) {
			continue
		}
		allowed := "printable text only"
		if rule.Lines {
			allowed = "printable text, line breaks and tabs only"
		}
		return fieldError(rec.String(), name, FieldControl, "holds the control character U+%04X at character %d (%s)",
			r, i, allowed)
	}
	return nil
}

// checkKey refuses a key (a person's staff_no, an agency's code) with white space at either end; an empty
// key is fine (none).
func checkKey(rec recordLabel, name, v string) error {
	if v != strings.TrimSpace(v) {
		return fieldError(rec.String(), name, FieldPadded, "%q begins or ends with white space", v)
	}
	return nil
}

// KeyTakenError is the error of a store that refuses a key (a person's staff_no, an agency's code)
// because another live record of the kind (entity: "person", "agency") already has it.
func KeyTakenError(entity, name, value string) error {
	return fieldError(entity, name, FieldTaken, "%q is already used by another %s", value, entity)
}

// withoutIndices drops the places in lists from a field's name: "records[2].note" → "records.note".
func withoutIndices(name string) string {
	if !strings.Contains(name, "[") { // most names: no copy
		return name
	}
	var b strings.Builder
	skip := false
	for _, r := range name {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkRange refuses a number outside lo…hi (NaN included), naming the field, the value and the bounds
// in unit ("" for a count).
func checkRange(rec recordLabel, name string, v, lo, hi float64, unit string) error {
	if v >= lo && v <= hi {
		return nil
	}
	return fieldError(rec.String(), name, FieldOutOfRange, "%v%s is out of range: it must be a finite number from %v to %v%s",
		v, unit, lo, hi, unit)
}

// CheckWriteContext checks what a write carries into the history besides the record: the reason
// (WithReason) and the actor (WithActor), against TextRules. The Register checks it before every write.
func CheckWriteContext(ctx context.Context) error {
	reason, _ := ctx.Value(reasonKey{}).(string)
	actor, _ := ctx.Value(actorKey{}).(string)
	return checkTexts(recordLabel{kind: "change"}, "change", field{"reason", reason}, field{"actor", actor})
}
