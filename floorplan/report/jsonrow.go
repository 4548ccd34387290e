package report

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The JSON rows by hand: appendFinding and appendAgency append exactly the bytes that
// json.MarshalIndent(row, prefix, "  ") gives (the same members in the same order, omitempty members left
// out when empty, a nil slice as null and an empty one as [], numbers and strings formatted as
// encoding/json formats them), without MarshalIndent's reflection and its second pass over every byte.
// jsonrow_test.go holds them to MarshalIndent's output.

// jsonIndent is the indent of one level of the report's JSON.
const jsonIndent = "  "

// errJSONNumber is returned for a number JSON cannot hold (NaN, ±Inf), as json.Marshal refuses one.
type errJSONNumber struct {
	member string
	v      float64
}

func (e *errJSONNumber) Error() string {
	return fmt.Sprintf("unsupported value %s in %q", strconv.FormatFloat(e.v, 'g', -1, 64), e.member)
}

// jsonMembers appends the members of one JSON object, each on its own line one level below the object's.
type jsonMembers struct {
	b   []byte
	ind string // the indent of the object's opening line; its members are one level deeper
	n   int    // members appended
	err error  // the first number JSON cannot hold
}

// name starts a member: a comma after the one before, the line break and indent, the quoted name and
// the colon (names are plain ASCII and need no escaping).
func (m *jsonMembers) name(name string) {
	if m.n > 0 {
		m.b = append(m.b, ',')
	}
	m.n++
	m.b = append(m.b, '\n')
	m.b = append(m.b, m.ind...)
	m.b = append(m.b, jsonIndent...)
	m.b = append(m.b, '"')
	m.b = append(m.b, name...)
	m.b = append(m.b, `": `...)
}

func (m *jsonMembers) str(name, v string) {
	m.name(name)
	m.b = appendJSONString(m.b, v)
}

// strOmit is a string member tagged omitempty: left out when v is empty.
func (m *jsonMembers) strOmit(name, v string) {
	if v != "" {
		m.str(name, v)
	}
}

func (m *jsonMembers) id(name string, v uuid.UUID) {
	m.name(name)
	m.b = appendJSONUUID(m.b, v)
}

func (m *jsonMembers) int(name string, v int) {
	m.name(name)
	m.b = strconv.AppendInt(m.b, int64(v), 10)
}

func (m *jsonMembers) float(name string, v float64) {
	m.name(name)
	var ok bool
	if m.b, ok = appendJSONFloat(m.b, v); !ok && m.err == nil {
		m.err = &errJSONNumber{member: name, v: v}
	}
}

// ids is a []uuid.UUID member: null when nil, [] when empty, else one id a line, a level deeper.
func (m *jsonMembers) ids(name string, v []uuid.UUID) { arrayMember(m, name, v, appendJSONUUID) }

// strs is a []string member, as ids.
func (m *jsonMembers) strs(name string, v []string) { arrayMember(m, name, v, appendJSONString) }

// arrayMember appends the array member name of v (as ids describes), each element by appendElem.
func arrayMember[T any](m *jsonMembers, name string, v []T, appendElem func([]byte, T) []byte) {
	m.name(name)
	if m.array(v == nil, len(v)) {
		for i, x := range v {
			m.elem(i)
			m.b = appendElem(m.b, x)
		}
		m.endArray()
	}
}

// array appends null, [] or the opening bracket of an array of n elements, and reports whether the
// elements and endArray must follow.
func (m *jsonMembers) array(isNil bool, n int) bool {
	switch {
	case isNil:
		m.b = append(m.b, "null"...)
	case n == 0:
		m.b = append(m.b, "[]"...)
	default:
		m.b = append(m.b, '[')
		return true
	}
	return false
}

// elem starts the i-th element of an array member: a comma after the one before, the line break and
// the indent one level below the member's.
func (m *jsonMembers) elem(i int) {
	if i > 0 {
		m.b = append(m.b, ',')
	}
	m.b = append(m.b, '\n')
	m.b = append(m.b, m.ind...)
	m.b = append(m.b, jsonIndent+jsonIndent...)
}

// endArray closes an array member on a line of its own at the member's indent.
func (m *jsonMembers) endArray() {
	m.b = append(m.b, '\n')
	m.b = append(m.b, m.ind...)
	m.b = append(m.b, jsonIndent...)
	m.b = append(m.b, ']')
}

// end closes the object on a line at its indent and returns the bytes (an object with no members would
// be {}; rows always have some).
func (m *jsonMembers) end() ([]byte, error) {
	m.b = append(m.b, '\n')
	m.b = append(m.b, m.ind...)
	m.b = append(m.b, '}')
	return m.b, m.err
}

// appendFinding appends r to b as json.MarshalIndent(r, ind, "  ") writes it: the opening brace where b
// ends, the members and the closing brace on lines that start with ind. A NaN or infinite number is an
// error, and b's appended bytes are then not to be used.
func appendFinding(b []byte, r *FindingRow, ind string) ([]byte, error) {
	m := jsonMembers{b: append(b, '{'), ind: ind}
	m.str("rule_id", r.RuleID)
	m.str("rule", r.Rule)
	m.str("severity", r.Severity)
	m.str("subject", r.Subject)
	m.id("subject_id", r.SubjectID)
	m.id("agency_id", r.AgencyID)
	m.str("agency", r.Agency)
	m.id("person_id", r.PersonID)
	m.str("person", r.Person)
	m.ids("room_ids", r.RoomIDs)
	m.strs("rooms", r.Rooms)
	m.float("area_m2", r.AreaM2)
	m.float("standard_m2", r.StandardM2)
	m.float("excess_m2", r.ExcessM2)
	m.float("excess_pct", r.ExcessPct)
	m.strOmit("deadline", r.Deadline)
	m.strOmit("action", r.Action)
	m.str("source", r.Source)
	m.str("message", r.Message)
	m.strOmit("basis", r.Basis)
	return m.end()
}

// appendAgency appends a as json.MarshalIndent(a, ind, "  ") writes it, as appendFinding does.
func appendAgency(b []byte, a *AgencyRow, ind string) ([]byte, error) {
	m := jsonMembers{b: append(b, '{'), ind: ind}
	m.id("agency_id", a.AgencyID)
	m.str("agency", a.Agency)
	m.int("people", a.People)
	m.int("rooms", a.Rooms)
	m.float("office_area_m2", a.OfficeAreaM2)
	m.float("standard_area_m2", a.StandardAreaM2)
	m.float("office_space_area_m2", a.OfficeSpaceAreaM2)
	m.float("approved_area_m2", a.ApprovedAreaM2)
	m.int("findings", a.Findings)
	return m.end()
}

// appendAgencies appends rows as json.MarshalIndent(rows, ind, "  ") writes them: null when nil, []
// when empty, else one object a line, a level deeper.
func appendAgencies(b []byte, rows []AgencyRow, ind string) ([]byte, error) {
	switch {
	case rows == nil:
		return append(b, "null"...), nil
	case len(rows) == 0:
		return append(b, "[]"...), nil
	}
	b = append(b, '[')
	var err error
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, ind...)
		b = append(b, jsonIndent...)
		if b, err = appendAgency(b, &rows[i], ind+jsonIndent); err != nil {
			return b, err
		}
	}
	b = append(b, '\n')
	b = append(b, ind...)
	return append(b, ']'), nil
}

// appendJSONUUID appends id as its quoted 36-character text, as uuid.UUID's MarshalText gives it
// (lower-case hex, 8-4-4-4-12).
func appendJSONUUID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
	}
	return append(b, '"')
}

// appendJSONFloat appends v as encoding/json writes a float64: as ES6 converts a number to a string,
// 'f' formatting but for an exponent (e-7, e+21: no zero padding) below 1e-6 and from 1e21. It reports
// false, appending nothing, for NaN and ±Inf, which JSON cannot hold.
func appendJSONFloat(b []byte, v float64) ([]byte, bool) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' { // e-09 → e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// jsonPlain marks the ASCII bytes encoding/json writes as they are (HTML-safe): printable, but not
// " \ < > &.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes a string by default: " and \ escaped with a
// backslash, \b \f \n \r \t by name, other control bytes and the HTML specials < > & as \u00XX, U+2028
// and U+2029 as \u2028 and \u2029, each invalid UTF-8 byte as \ufffd; everything else as it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
