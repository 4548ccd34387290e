package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyArrows checks that dependencies point one way (STYLE.md): cmd → api → floorplan → geo,
// and the stores depend on floorplan and geo, never the reverse.
func TestDependencyArrows(t *testing.T) {
	deps := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		var own []string
		for _, p := range strings.Fields(string(out)) {
			if p == "officemap" || strings.HasPrefix(p, "officemap/") {
				own = append(own, p)
			}
		}
		return own
	}
	stores := []string{"officemap/floorplan/postgis", "officemap/floorplan/gpkg"}
	tests := []struct {
		pkg       string
		forbidden func(dep string) bool
		rule      string
	}{
		{"officemap/geo/...", func(d string) bool { return !strings.HasPrefix(d, "officemap/geo") },
			"geo imports no other officemap package"},
		{"officemap/floorplan", func(d string) bool {
			return strings.HasPrefix(d, "officemap/api") || isStore(d, stores)
		}, "floorplan imports no store and no api"},
		{"officemap/api/...", func(d string) bool { return isStore(d, stores) }, "api imports no store"},
		{"officemap/floorplan/exports", func(d string) bool { return isStore(d, stores) }, "exports import no store"},
		{"officemap/floorplan/postgis/...", func(d string) bool { return strings.HasPrefix(d, "officemap/api") },
			"a store imports no api"},
		{"officemap/floorplan/gpkg", func(d string) bool { return strings.HasPrefix(d, "officemap/api") },
			"a store imports no api"},
	}
	for _, tc := range tests {
		for _, d := range deps(tc.pkg) {
			if tc.forbidden(d) {
				t.Errorf("%s: %s depends on %s", tc.rule, tc.pkg, d)
			}
		}
	}
}

func isStore(pkg string, stores []string) bool {
	for _, s := range stores {
		if pkg == s || strings.HasPrefix(pkg, s+"/") {
			return true
		}
	}
	return false
}
