package floorplan_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"officemap/floorplan"
)

// TestREADMEListsTheRules checks that README's table of rules is the one the code runs: every rule of
// floorplan.Rules(), with its titles and legal source, and no other.
func TestREADMEListsTheRules(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	var want strings.Builder
	want.WriteString("| rule | 规则 | rule (en) | legal source |\n| --- | --- | --- | --- |\n")
	for _, r := range floorplan.Rules() {
		fmt.Fprintf(&want, "| `%s` | %s | %s | %s |\n", r.ID, r.Title, r.TitleEN, r.Source)
	}
	if !strings.Contains(readme, want.String()) {
		t.Errorf("README's table of rules differs from floorplan.Rules(); it should read:\n%s", want.String())
	}
}
