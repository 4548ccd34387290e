package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
)

// TestLoadInspections: without the variables the built-in checklist and 12-31 are in force; a checklist
// file replaces the built-in one and an assessment date is read as MM-DD; an invalid file or date is an
// error naming the variable and what is wrong (an unknown rule id by name).
func TestLoadInspections(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	apply := func(opts []floorplan.RegisterOption) *floorplan.Register {
		return floorplan.NewRegister(nil, opts...)
	}
	opts, err := loadInspections(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if g := apply(opts); g.Checklist().ID != "changzhou-2017" || g.AssessmentDate().String() != "12-31" {
		t.Errorf("built-in: checklist %s, assessment %s", g.Checklist().ID, g.AssessmentDate())
	}
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.json", `{"id": "local", "name": "本地清单", "points": [{"code": "X1", "layer": "leader", "text": "超标准",
 "text_en": "Over the standard", "source": "第十三条", "rules": ["person.over_standard"]}]}`)
	opts, err = loadInspections(env(map[string]string{envChecklist: good, envAssessmentDate: "01-15"}))
	if err != nil {
		t.Fatal(err)
	}
	if g := apply(opts); g.Checklist().ID != "local" || len(g.Checklist().Points) != 1 || g.AssessmentDate().String() != "01-15" {
		t.Errorf("from the file: checklist %+v, assessment %s", g.Checklist(), g.AssessmentDate())
	}
	bad := write("bad.json", strings.Replace(string(readChecklistFile(t, good)), "person.over_standard", "person.over_budget", 1))
	for _, tc := range []struct {
		name string
		vars map[string]string
		want []string
	}{
		{"unknown rule", map[string]string{envChecklist: bad}, []string{envChecklist, bad, `"person.over_budget"`}},
		{"missing file", map[string]string{envChecklist: filepath.Join(dir, "none.json")}, []string{envChecklist}},
		{"bad date", map[string]string{envAssessmentDate: "31-12"}, []string{envAssessmentDate, "MM-DD"}},
	} {
		_, err := loadInspections(env(tc.vars))
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want an error naming %s", tc.name, err, w)
			}
		}
	}
}

func readChecklistFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
