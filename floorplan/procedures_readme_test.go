package floorplan_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"officemap/floorplan"
)

// flowchart draws procedure p as a Mermaid flowchart: one box per step with its role and deadline (and
// the documents it needs), one arrow per action to the step it leads to, closed and rejected as ends.
func flowchart(p floorplan.Procedure) string {
	var b strings.Builder
	b.WriteString("```mermaid\nflowchart LR\n")
	for _, s := range p.Steps {
		docs := ""
		if len(s.Documents) > 0 {
			docs = "<br/>needs " + strings.Join(s.Documents, ", ")
		}
		fmt.Fprintf(&b, "  %s[\"%s<br/>%s · %d d%s\"]\n", s.Code, s.Name, s.Role, s.DueDays, docs)
	}
	ends := map[string]bool{}
	for _, s := range p.Steps {
		actions := make([]string, 0, len(s.Actions))
		for a := range s.Actions {
			actions = append(actions, string(a))
		}
		slices.Sort(actions)
		for _, a := range actions {
			next := s.Actions[floorplan.AppAction(a)]
			if next == floorplan.StateClosed || next == floorplan.StateRejected {
				ends[next] = true
			}
			fmt.Fprintf(&b, "  %s -- %s --> %s\n", s.Code, a, next)
		}
	}
	for _, end := range []string{floorplan.StateClosed, floorplan.StateRejected} {
		if ends[end] {
			fmt.Fprintf(&b, "  %s((%s))\n", end, end)
		}
	}
	b.WriteString("```\n")
	return b.String()
}

// TestREADMEDrawsTheProcedures checks that README draws each built-in procedure's flowchart from
// procedures.json: the same steps, roles, deadlines, documents and actions.
func TestREADMEDrawsTheProcedures(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range floorplan.DefaultProcedures().List {
		want := fmt.Sprintf("#### `%s` %s\n\n%s", p.Kind, p.Name, flowchart(p))
		if !strings.Contains(string(data), want) {
			t.Errorf("README does not draw procedure %s as procedures.json has it; it should read:\n%s", p.Kind, want)
		}
	}
}
