package api

import (
	"encoding/json"
	"fmt"
)

// mergePatch applies a JSON merge patch (RFC 7396) to the wire form of cur (an output type) and decodes
// the result into a new T (the matching input type, or the same type): members present in the patch
// replace those of cur, objects merge recursively, and null removes a member (its field becomes the zero
// value, e.g. an optional reference becomes null).
func mergePatch[T any](cur any, patch []byte) (T, error) {
	var zero T
	var p any
	if err := unmarshal(patch, &p); err != nil {
		return zero, err
	}
	if _, ok := p.(map[string]any); !ok {
		return zero, badRequest("a PATCH body must be a JSON object (a merge patch, RFC 7396)")
	}
	data, err := json.Marshal(cur)
	if err != nil {
		return zero, fmt.Errorf("api: patch: %w", err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return zero, fmt.Errorf("api: patch: %w", err)
	}
	merged, err := json.Marshal(applyMergePatch(doc, p))
	if err != nil {
		return zero, fmt.Errorf("api: patch: %w", err)
	}
	var out T
	if err := unmarshal(merged, &out); err != nil {
		return zero, err
	}
	return out, nil
}

// applyMergePatch is RFC 7396's MergePatch(Target, Patch).
func applyMergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = applyMergePatch(tm[k], v)
	}
	return tm
}

// hasMember reports whether a JSON object document has a top-level member name.
func hasMember(doc []byte, name string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) != nil {
		return false
	}
	_, ok := m[name]
	return ok
}
