package fcjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"officemap/floorplan/imports"
)

// FuzzRead checks Read against encoding/json on arbitrary bytes: it must never panic; what it reads
// without an error must be valid JSON, with as many features as json.Unmarshal finds; and JSON that is
// valid but cut short must be refused as cut short.
func FuzzRead(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"features":null,"x":[1,{"a":"\u00e9\"}"}],"type":"FeatureCollection"}`))
	f.Add([]byte(`{"features":[{},[],"",1e5,true,null]} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		c := Collection{Feature: func(int, json.RawMessage) error { n++; return nil }, MaxBytes: 1 << 20}
		err := c.Read(bytes.NewReader(data))
		if err != nil {
			if json.Valid(data) && errors.Is(err, imports.ErrTruncated) {
				t.Fatalf("valid JSON refused as cut short: %v", err)
			}
			return
		}
		var members map[string]json.RawMessage // members by their exact names, as Read takes them
		if err := json.Unmarshal(data, &members); err != nil {
			t.Fatalf("read %d features of what encoding/json does not read: %v", n, err)
		}
		var features []json.RawMessage
		if raw, ok := members["features"]; ok {
			if err := json.Unmarshal(raw, &features); err != nil {
				t.Fatalf("read %d features of a features member encoding/json does not read: %v", n, err)
			}
		}
		if len(features) != n {
			t.Fatalf("read %d features, encoding/json %d", n, len(features))
		}
	})
}
