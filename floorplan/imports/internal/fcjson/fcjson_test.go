package fcjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"officemap/floorplan/imports"
)

// sample is a collection with members before and after its features.
const sample = `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"local"}},"features":[
 {"type":"Feature","id":"a","properties":{"n":1,"s":"x\"y"},"geometry":{"type":"Point","coordinates":[1.5,-2e3]}},
 {"type":"Feature","id":7,"properties":null,"geometry":null}
],"georef":{"origin":[1,2],"ok":true}}
`

// read reads src with a collection that keeps the type, crs, georef and features.
func read(src string, maxBytes int64) (typ string, crs, georef json.RawMessage, feats []string, err error) {
	c := Collection{
		Type:     func(t string) error { typ = t; return nil },
		Members:  map[string]any{"crs": &crs, "georef": &georef},
		Feature:  func(n int, raw json.RawMessage) error { feats = append(feats, string(raw)); return nil },
		MaxBytes: maxBytes,
	}
	err = c.Read(strings.NewReader(src))
	return typ, crs, georef, feats, err
}

func TestRead(t *testing.T) {
	typ, crs, georef, feats, err := read(sample, 0)
	if err != nil {
		t.Fatal(err)
	}
	if typ != "FeatureCollection" || !strings.Contains(string(crs), "local") || !strings.Contains(string(georef), `"ok":true`) ||
		len(feats) != 2 || !strings.Contains(feats[0], `"id":"a"`) || !strings.Contains(feats[1], `"id":7`) {
		t.Errorf("type %q, crs %s, georef %s, features %q", typ, crs, georef, feats)
	}
}

// Every cut of a collection before its closing brace is an error that wraps imports.ErrTruncated and
// names the byte where the input ends; the features read before it are not a result.
func TestReadTruncated(t *testing.T) {
	end := strings.LastIndexByte(sample, '}')
	for n := 0; n <= end; n++ {
		_, _, _, _, err := read(sample[:n], 0)
		want := fmt.Sprintf("byte %d: the file is cut short: it ends inside ", n)
		if n == 0 {
			want = "byte 0: the file is cut short: it is empty"
		}
		if !errors.Is(err, imports.ErrTruncated) || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("cut to %d bytes (…%s): err = %v", n, sample[max(0, n-10):n], err)
		}
	}
	_, _, _, _, err := read(sample[:strings.Index(sample, `"id":7`)], 0)
	if err == nil || !strings.HasSuffix(err.Error(), "it ends inside feature 2, before the rest of it and the closing ]}") {
		t.Errorf("err = %v, want it to name feature 2", err)
	}
}

func TestReadErrors(t *testing.T) {
	for src, want := range map[string]string{
		`[1,2]`:                           "not GeoJSON: an array where a FeatureCollection object is expected",
		`{"features":{}}`:                 `byte 13: "features" is an object, not an array`,
		`{"features":[],"features":[]}`:   `byte 25: a second "features" member`,
		`{"features":[1,}`:                "byte 15: not JSON: invalid character '}' looking for beginning of value (in feature 2)",
		`{"type":1}`:                      `byte 9: the "type" member: json: cannot unmarshal number`,
		`{"type":"FeatureCollection"} {}`: "byte 30: more data after the FeatureCollection (an object)",
		`{"type":"FeatureCollection"} x`:  "not JSON: invalid character 'x'",
		`{"features":[` + strings.Repeat(`{"type":"Feature"},`, 10) + `1]}`: "the file is larger than 64 bytes",
	} {
		_, _, _, _, err := read(src, 64)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", src, err, want)
		}
	}
	_, _, _, _, err := read(`{"features":[`+strings.Repeat(`{"type":"Feature"},`, 10)+`1]}`, 64)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestReadCallbackErrors(t *testing.T) {
	stop := errors.New("stop")
	c := Collection{Type: func(t string) error {
		if t != "FeatureCollection" {
			return fmt.Errorf("type %q", t)
		}
		return nil
	}, Feature: func(n int, raw json.RawMessage) error { return stop }}
	if err := c.Read(strings.NewReader(`{"type":"Feature","features":[1]}`)); err == nil || err.Error() != `type "Feature"` {
		t.Errorf("err = %v, want the type's", err)
	}
	if err := c.Read(strings.NewReader(`{"features":[]}`)); err == nil || err.Error() != `type ""` {
		t.Errorf("err = %v, want the type's for a collection without one", err)
	}
	if err := c.Read(strings.NewReader(`{"features":[1]}`)); err != stop {
		t.Errorf("err = %v, want the feature's", err)
	}
}

// White space runs between tokens are bounded (encoding/json rescans one each time it reads more);
// spaces inside strings, escaped quotes included, are not white space between tokens.
func TestReadBlankRuns(t *testing.T) {
	blank := strings.Repeat(" \n", MaxBlankRun/2)
	inString := `{"type":"FeatureCollection","features":[{"s":"\"` + strings.Repeat(" ", 2*MaxBlankRun) + `"}]}`
	if _, _, _, feats, err := read(inString, 0); err != nil || len(feats) != 1 {
		t.Errorf("spaces in a string: %d features, %v", len(feats), err)
	}
	if _, _, _, _, err := read(`{"type":"FeatureCollection",`+blank+`"features":[]}`, 0); err != nil {
		t.Errorf("%d bytes of white space: %v", len(blank), err)
	}
	_, _, _, _, err := read(`{"type":"FeatureCollection",`+blank+" "+blank+`"features":[]}`, 0)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 65536 bytes of white space in a row, in the FeatureCollection") {
		t.Errorf("err = %v", err)
	}
}
