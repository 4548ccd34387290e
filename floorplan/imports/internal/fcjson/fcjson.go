// Package fcjson reads a GeoJSON FeatureCollection as a stream: its top-level members one by one and
// its features array one feature at a time (encoding/json's Decoder, token by token), so that what a
// reader keeps of the features bounds the memory reading takes — not the file's bytes, held once whole
// and once again as raw features.
//
// A collection is read whole or not at all: JSON that ends early (a file cut short) is an error that
// wraps imports.ErrTruncated and names the byte where the file ends and what was still open there.
package fcjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"officemap/floorplan/imports"
)

// MaxFeatureBytes bounds the JSON text of one feature, or of one other top-level member: the decoder
// holds one at a time, so this bounds the memory the text takes. A room drawn with a million vertices
// is about 40 MB of GeoJSON.
const MaxFeatureBytes = 64 << 20

// MaxBlankRun bounds a run of white space between tokens. encoding/json's Decoder scans such a run
// again each time it reads more of the input, so that a long one takes time growing with its square
// (and memory with its length); a GeoJSON writer indents by a few hundred bytes at most.
const MaxBlankRun = 64 << 10

// ErrTooLarge is wrapped by the errors of an input beyond Collection.MaxBytes and of a feature beyond
// MaxFeatureBytes.
var ErrTooLarge = errors.New("too large")

// Collection says what to do with the members of a FeatureCollection.
type Collection struct {
	// Type checks the collection's type member as soon as it is read, and gets "" at the end of a
	// collection without one. Its error is returned as it is.
	Type func(typ string) error
	// Members are the other top-level members to decode, by name, into what they point to (e.g.
	// "crs": &raw). Members not named here, other than features, are skipped.
	Members map[string]any
	// Feature takes each element of the features array as it is read, numbered from 1. Its error stops
	// the reading and is returned as it is.
	Feature func(n int, raw json.RawMessage) error
	// MaxBytes bounds the input; 0 means no bound.
	MaxBytes int64
}

// Read reads a FeatureCollection from in, giving its members to c as they come. Its own errors (JSON
// that is cut short, malformed or too large; a collection that is not an object, whose features are
// not an array, or that comes with more after it) name the byte where reading stopped.
func (c *Collection) Read(in io.Reader) error {
	cr := &counter{r: in, max: c.MaxBytes}
	s := &stream{c: c, cr: cr, dec: json.NewDecoder(cr)}
	return s.read()
}

// stream is a collection being read.
type stream struct {
	c           *Collection
	cr          *counter
	dec         *json.Decoder
	sawType     bool
	sawFeatures bool
}

// place is where in a collection a token or value is read: in what, and what is still missing when
// the input ends there.
type place struct{ in, missing string }

// The places of a collection.
var (
	atStart   = place{"the FeatureCollection", "its members and closing }"}
	inMembers = place{"the FeatureCollection", "its closing }"}
	after     = place{"more data after the FeatureCollection", ""}
)

// inMember is the place of a top-level member's value.
func inMember(name string) place {
	return place{fmt.Sprintf("the %q member", name), "the rest of it and the collection's closing }"}
}

// read reads the collection: an object of members, then the end of the input.
func (s *stream) read() error {
	tok, err := s.token(atStart)
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("not GeoJSON: %s where a FeatureCollection object is expected", kind(tok))
	}
	for s.dec.More() {
		key, err := s.token(inMembers)
		if err != nil {
			return err
		}
		if err := s.member(key.(string)); err != nil {
			return err
		}
	}
	if _, err := s.token(inMembers); err != nil {
		return err
	}
	if !s.sawType && s.c.Type != nil {
		if err := s.c.Type(""); err != nil {
			return err
		}
	}
	if tok, err := s.dec.Token(); err != io.EOF {
		return s.fail(err, fmt.Errorf("byte %d: %s (%s)", s.dec.InputOffset(), after.in, kind(tok)), after)
	}
	return nil
}

// member reads the value of the top-level member name.
func (s *stream) member(name string) error {
	switch {
	case name == "features":
		return s.features()
	case name == "type" && s.c.Type != nil:
		var typ string
		if err := s.decode(&typ, inMember(name)); err != nil {
			return err
		}
		s.sawType = true
		return s.c.Type(typ)
	}
	target := s.c.Members[name]
	if target == nil {
		target = new(json.RawMessage)
	}
	return s.decode(target, inMember(name))
}

// features reads the features array, giving each feature to Collection.Feature; null is no features.
func (s *stream) features() error {
	if s.sawFeatures {
		return fmt.Errorf("byte %d: a second \"features\" member", s.dec.InputOffset())
	}
	s.sawFeatures = true
	tok, err := s.token(place{`the "features" member`, "its array and the collection's closing }"})
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("byte %d: \"features\" is %s, not an array", s.dec.InputOffset(), kind(tok))
	}
	n := 0
	for s.dec.More() {
		n++
		var raw json.RawMessage
		if err := s.decode(&raw, place{fmt.Sprintf("feature %d", n), "the rest of it and the closing ]}"}); err != nil {
			return err
		}
		if s.c.Feature != nil {
			if err := s.c.Feature(n, raw); err != nil {
				return err
			}
		}
	}
	end := place{"the features array, before its first feature", "the closing ]}"}
	if n > 0 {
		end.in = fmt.Sprintf("the features array, after feature %d", n)
	}
	_, err = s.token(end)
	return err
}

// token reads the next token of the input, at p.
func (s *stream) token(p place) (json.Token, error) {
	s.cr.window(MaxFeatureBytes)
	tok, err := s.dec.Token()
	if err != nil {
		return nil, s.fail(err, err, p)
	}
	return tok, nil
}

// decode decodes the next value of the input, at p, into v.
func (s *stream) decode(v any, p place) error {
	s.cr.window(MaxFeatureBytes)
	if err := s.dec.Decode(v); err != nil {
		return s.fail(err, fmt.Errorf("byte %d: %s: %v", s.dec.InputOffset(), p.in, err), p)
	}
	return nil
}

// fail turns the error of reading at p into one that says what went wrong and at which byte: the
// input ends (imports.ErrTruncated: in what, and what is missing), is larger than allowed
// (ErrTooLarge), is not JSON, or otherwise (other). An error of the input's reader is returned as it is.
func (s *stream) fail(err, other error, p place) error {
	var syntax *json.SyntaxError
	var read readError
	switch {
	case errors.As(err, &read):
		return read.err
	case (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) && s.cr.n == 0:
		return fmt.Errorf("byte 0: %w: it is empty, not a FeatureCollection", imports.ErrTruncated)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("byte %d: %w: it ends inside %s, before %s", s.cr.n, imports.ErrTruncated, p.in, p.missing)
	case errors.Is(err, errFileTooLarge):
		return fmt.Errorf("the file is larger than %d bytes: %w", s.c.MaxBytes, ErrTooLarge)
	case errors.Is(err, errBlankRun):
		return fmt.Errorf("byte %d: more than %d bytes of white space in a row, in %s: %w", s.cr.n, MaxBlankRun, p.in, ErrTooLarge)
	case errors.Is(err, errValueTooLarge):
		return fmt.Errorf("byte %d: %s is larger than %d bytes: %w", s.cr.n, p.in, MaxFeatureBytes, ErrTooLarge)
	case errors.As(err, &syntax):
		// The decoder's offsets in syntax errors count only what it decoded as values, not the
		// delimiters it read as tokens: its position, the start of the value it could not read, is the
		// byte to name.
		return fmt.Errorf("byte %d: not JSON: %v (in %s)", s.dec.InputOffset(), err, p.in)
	}
	return other
}

// kind names the kind of a JSON token: "an array", "a string"…
func kind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

var (
	errFileTooLarge  = errors.New("the input is larger than its bound")
	errValueTooLarge = errors.New("the value is larger than its bound")
	errBlankRun      = errors.New("a run of white space is longer than its bound")
)

// counter counts the bytes read from r, refusing to read beyond max bytes (when max > 0), beyond the
// end of the window (when end > 0), or a run of more than MaxBlankRun bytes of white space outside
// strings.
type counter struct {
	r   io.Reader
	n   int64
	max int64
	end int64

	inString, escaped bool // where the last byte read stands
	blank             int  // the white space that ends what was read, outside strings
}

// scan follows strings and runs of white space through the bytes read.
func (c *counter) scan(p []byte) error {
	for _, b := range p {
		switch {
		case c.escaped:
			c.escaped = false
		case c.inString:
			c.inString = b != '"'
			c.escaped = b == '\\'
		case b == ' ' || b == '\n' || b == '\t' || b == '\r':
			if c.blank++; c.blank > MaxBlankRun {
				return errBlankRun
			}
			continue
		case b == '"':
			c.inString = true
		}
		c.blank = 0
	}
	return nil
}

// window starts a window of size bytes from what has been read: reading much beyond it (a value
// larger than size bytes, as the decoder reads ahead by a buffer at most) is errValueTooLarge.
func (c *counter) window(size int64) { c.end = c.n + size }

func (c *counter) Read(p []byte) (int, error) {
	if c.end > 0 && c.n > c.end {
		return 0, errValueTooLarge
	}
	if c.max > 0 {
		if c.n > c.max {
			return 0, errFileTooLarge
		}
		p = p[:min(int64(len(p)), c.max+1-c.n)]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.max > 0 && c.n > c.max {
		return n, errFileTooLarge
	}
	if serr := c.scan(p[:n]); serr != nil {
		return n, serr
	}
	if err != nil && err != io.EOF {
		err = readError{err}
	}
	return n, err
}

// readError is an error of the input's reader, which Read returns as it is.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }
