package sample_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/sample"
)

// TestSampleRegistration: the demo's filed turnover building (局前街周转办公楼) has its state's history ending
// in filed, the three filing steps in order with their documents live in its archive, and a manual
// timeline event with a document among the automatic ones.
func TestSampleRegistration(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := sample.Build(floorplan.DayOf(time.Now()))
	if err := d.Load(ctx, floorplan.NewRegister(s)); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(d.Sites, func(s floorplan.Site) bool { return s.Name == "局前街周转办公楼" })
	if i < 0 {
		t.Fatal("no turnover building in the demo")
	}
	site, err := s.Site(ctx, d.Sites[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := floorplan.ReadRegistration(ctx, s, site)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, c := range reg.History {
		states = append(states, string(c.State))
	}
	if reg.State != floorplan.OwnershipFiled || !slices.Equal(states, []string{"unclear", "filing", "filed"}) {
		t.Errorf("state %s, history %q; want filed after unclear, filing", reg.State, states)
	}
	if missing := floorplan.MissingSteps(reg); len(missing) != 0 {
		t.Errorf("missing steps %v", missing)
	}
	// Each step is where the path allows it: checked against the steps before it, as the Register does.
	docs, err := s.Documents(ctx, floorplan.DocumentFilter{SiteID: site.ID})
	if err != nil {
		t.Fatal(err)
	}
	live := map[string]bool{}
	for _, doc := range docs {
		live[doc.ID.String()] = doc.HiddenAt.IsZero()
	}
	partial := floorplan.Registration{SiteID: site.ID, State: reg.State}
	for _, st := range reg.Steps {
		if err := st.Validate(); err != nil {
			t.Errorf("step %s: %v", st.Step, err)
		}
		if err := floorplan.CheckStepOrder(partial, st); err != nil {
			t.Errorf("step %s out of order: %v", st.Step, err)
		}
		if len(st.DocumentIDs) == 0 {
			t.Errorf("step %s has no document", st.Step)
		}
		for _, id := range st.DocumentIDs {
			if !live[id.String()] {
				t.Errorf("step %s names document %s, not live in the property's archive", st.Step, id)
			}
		}
		partial.Steps = append(partial.Steps, st)
	}
	last := reg.History[len(reg.History)-1]
	if fd, ok := reg.Step(floorplan.StepFilingDocument); !ok || last.Effective.Before(fd.Date) {
		t.Errorf("filed on %v before its filing document of %v", last.Effective, fd.Date)
	}

	events, err := floorplan.BuildTimeline(ctx, s, site, floorplan.TimelineScope{Assignments: true})
	if err != nil {
		t.Fatal(err)
	}
	var manual, filed int
	for _, e := range events {
		switch {
		case e.Source == floorplan.TimelineManual && e.Kind == floorplan.TimelineRenovated && len(e.DocumentIDs) == 1 && live[e.DocumentIDs[0].String()]:
			manual++
		case e.Source == floorplan.TimelineAuto && e.Kind == floorplan.TimelineFiled && e.Date.Equal(last.Effective):
			filed++
		}
	}
	if manual != 1 || filed != 1 {
		t.Errorf("timeline: %d manual renovations with their document, %d filed events; want 1 and 1", manual, filed)
	}
}
