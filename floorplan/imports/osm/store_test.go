//go:build !nostore

// The tests of this file write to a store (importtest.NewStore): the build tag nostore leaves them out
// of the fuzzing binary (see importtest/store.go).

package osm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
)

// The Grenoble file has a room drawn as an unclosed way and a room without a level: the import reports
// both, by way and with the reason (in Chinese too), and writes nothing; with SkipInvalid it imports
// the other rooms and lists the two as skipped.
func TestImportCaserneProblems(t *testing.T) {
	ds := importtest.ReadShared(t, "osm/grenoble-caserne-de-bonne/caserne.osm", Read, Limits{})
	want := map[string][2]string{
		"way/398056956": {"the outline is not closed", "轮廓未闭合"},
		"way/398056943": {"no level tag", "没有 level 标签"},
	}
	ctx := floorplan.WithActor(context.Background(), "test")
	s := importtest.NewStore(t)
	_, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
	var ie *imports.Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an *imports.Error", err)
	}
	found := 0
	for _, p := range ie.Problems {
		w, ok := want[p.Feature]
		if !ok {
			continue
		}
		found++
		if !strings.Contains(p.Reason, w[0]) || !strings.Contains(p.Text("zh-CN"), w[1]) {
			t.Errorf("%s: %q / %q, want %q / %q", p.Feature, p.Reason, p.Text("zh-CN"), w[0], w[1])
		}
	}
	if found != 2 {
		t.Errorf("the problems %v lack the unclosed way or the levelless room", ie.Problems)
	}
	if rooms := importtest.Rooms(t, s, floorplan.RoomFilter{}); len(rooms) != 0 {
		t.Errorf("%d rooms written by a rejected import", len(rooms))
	}

	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{SkipInvalid: true, Origin: &orb.Point{5.7233, 45.1844}})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, p := range sum.Skipped {
		skipped[p.Feature] = true
	}
	for way := range want {
		if !skipped[way] {
			t.Errorf("%s is not among the skipped %v", way, sum.Skipped)
		}
	}
	t.Logf("%d rooms created, %d skipped", sum.Rooms.Created, len(sum.Skipped))
	if n := len(importtest.Rooms(t, s, floorplan.RoomFilter{})); n == 0 || n != sum.Rooms.Created {
		t.Errorf("%d rooms stored, %d created", n, sum.Rooms.Created)
	}
}
