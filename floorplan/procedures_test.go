package floorplan_test

import (
	"errors"
	"strings"
	"testing"

	"officemap/floorplan"
)

// TestDefaultProcedures: the built-in procedures cover every kind, start where the filer acts and reach
// closed from the first step.
func TestDefaultProcedures(t *testing.T) {
	ps := floorplan.DefaultProcedures()
	for _, k := range floorplan.ApplicationKinds {
		p, ok := ps.Of(k)
		if !ok {
			t.Fatalf("no procedure for %s", k)
		}
		seen, cur := map[string]bool{}, p.Steps[0].Code
		for !seen[cur] && cur != floorplan.StateClosed {
			seen[cur] = true
			st, ok := p.Step(cur)
			if !ok {
				t.Fatalf("%s: step %s missing", k, cur)
			}
			next := ""
			for _, a := range []floorplan.AppAction{floorplan.ActClose, floorplan.ActHandOver, floorplan.ActApprove, floorplan.ActSubmit} {
				if n, ok := st.Actions[a]; ok && n != floorplan.StateRejected {
					next = n
					break
				}
			}
			cur = next
		}
		if cur != floorplan.StateClosed {
			t.Errorf("%s: forward actions from %s do not reach closed", k, p.Steps[0].Code)
		}
	}
	alloc, _ := ps.Of(floorplan.KindAllocation)
	if st, _ := alloc.Step("approval"); st.Role != "approver" {
		t.Errorf("allocation approval by %q, want approver", st.Role)
	}
}

// TestLoadProceduresInvalid: a file that misses a kind, names an unknown role or action, or leads to a
// step that does not exist is refused with what is wrong.
func TestLoadProceduresInvalid(t *testing.T) {
	good := func(step string) string {
		kinds := []string{}
		for _, k := range []string{"allocation", "second_office", "maintenance", "disposal"} {
			kinds = append(kinds, `{"kind":"`+k+`","name":"x","steps":[{"code":"a","name":"a","role":"planner","due_days":5,"actions":{"close":"closed"}}]}`)
		}
		return `{"procedures":[` + strings.Join(kinds, ",") + `,{"kind":"recovery","name":"r","steps":[` + step + `]}]}`
	}
	if _, err := floorplan.LoadProcedures(strings.NewReader(good(`{"code":"a","name":"a","role":"planner","due_days":5,"actions":{"close":"closed"}}`))); err != nil {
		t.Fatalf("a valid file: %v", err)
	}
	for name, tc := range map[string]struct{ body, want string }{
		"unknown role":   {good(`{"code":"a","name":"a","role":"mayor","due_days":5,"actions":{"close":"closed"}}`), `role "mayor"`},
		"unknown action": {good(`{"code":"a","name":"a","role":"planner","due_days":5,"actions":{"sign":"closed"}}`), `action "sign"`},
		"bad target":     {good(`{"code":"a","name":"a","role":"planner","due_days":5,"actions":{"close":"nowhere"}}`), `"nowhere"`},
		"no deadline":    {good(`{"code":"a","name":"a","role":"planner","due_days":0,"actions":{"close":"closed"}}`), "due_days 0"},
		"missing kind":   {`{"procedures":[]}`, "no procedure for kind allocation"},
		"unknown field":  {`{"procedures":[],"extra":1}`, "extra"},
	} {
		_, err := floorplan.LoadProcedures(strings.NewReader(tc.body))
		if !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an invalid-input error naming %s", name, err, tc.want)
		}
	}
}
