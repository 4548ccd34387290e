package floorplan_test

import (
	"errors"
	"strings"
	"testing"

	"officemap/floorplan"
)

// procedureFile is a valid procedures file whose recovery has the one step given.
func procedureFile(step string) string {
	kinds := []string{}
	for _, k := range []string{"allocation", "second_office", "maintenance", "disposal"} {
		kinds = append(kinds, `{"kind":"`+k+`","name":"x","steps":[{"code":"a","name":"a","role":"approver","due_days":5,"actions":{"close":"closed"}}]}`)
	}
	return `{"procedures":[` + strings.Join(kinds, ",") + `,{"kind":"recovery","name":"r","steps":[` + step + `]}]}`
}

// TestStepEscalation: a step escalates to its escalate_to, "none" to nobody, and without one by the
// default rule of its role, which LoadProcedures shows as data; a role not known, or the step's own, is
// refused naming escalate_to.
func TestStepEscalation(t *testing.T) {
	for _, tc := range []struct {
		name, step, want string
	}{
		{"default agency manager", `"role":"agency_manager"`, "bureau_admin"},
		{"default planner", `"role":"planner"`, "bureau_admin"},
		{"default bureau", `"role":"bureau_admin"`, "approver"},
		{"default approver", `"role":"approver"`, ""},
		{"given", `"role":"planner","escalate_to":"approver"`, "approver"},
		{"none", `"role":"planner","escalate_to":"none"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := floorplan.LoadProcedures(strings.NewReader(procedureFile(`{"code":"a","name":"a",` + tc.step +
				`,"due_days":5,"actions":{"close":"closed"}}`)))
			if err != nil {
				t.Fatal(err)
			}
			p, _ := ps.Of(floorplan.KindRecovery)
			st := p.Steps[0]
			if got := st.Escalation(); got != tc.want {
				t.Errorf("escalation %q, want %q", got, tc.want)
			}
			if st.EscalateTo == "" {
				t.Errorf("escalate_to is not filled in as data")
			}
			// A step built in code, without escalate_to, follows the same default.
			bare := floorplan.Step{Role: st.Role}
			if !strings.Contains(tc.step, "escalate_to") && bare.Escalation() != tc.want {
				t.Errorf("a bare step escalates to %q, want %q", bare.Escalation(), tc.want)
			}
		})
	}
	for name, esc := range map[string]string{"unknown role": "mayor", "own role": "planner"} {
		_, err := floorplan.LoadProcedures(strings.NewReader(procedureFile(`{"code":"a","name":"a","role":"planner","escalate_to":"` + esc +
			`","due_days":5,"actions":{"close":"closed"}}`)))
		if !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), "escalate_to") {
			t.Errorf("%s: %v, want an invalid-input error naming escalate_to", name, err)
		}
	}
	for _, p := range floorplan.DefaultProcedures().List {
		for _, st := range p.Steps {
			if st.EscalateTo == "" || (st.Role == "approver") != (st.Escalation() == "") {
				t.Errorf("built-in %s step %s (%s) escalates to %q", p.Kind, st.Code, st.Role, st.EscalateTo)
			}
		}
	}
}
