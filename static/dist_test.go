package static

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// TestDistIsFresh builds the app from src/ into a temporary directory and compares the result with the
// committed dist/, byte for byte: a change to the sources (or to the locked packages) without
// `npm run build` fails here. It runs `npm ci` first when node_modules is missing. Without Node and npm
// it fails in CI (CI=true) and is skipped elsewhere.
func TestDistIsFresh(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node and npm are needed to check that static/dist is built from static/src (install nodejs and npm)")
		}
		t.Skip("node or npm is not installed: cannot check that static/dist is built from static/src")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := os.Stat("node_modules"); os.IsNotExist(err) {
		run(ctx, t, npm, "ci", "--no-audit", "--no-fund")
	}
	out := t.TempDir()
	run(ctx, t, node, "build.mjs", "--out", out)

	want := readTree(t, os.DirFS(out))
	got := readTree(t, FS())
	for _, name := range union(want, got) {
		w, inBuild := want[name]
		g, inDist := got[name]
		switch {
		case !inDist:
			t.Errorf("dist/%s is missing: the sources build it", name)
		case !inBuild:
			t.Errorf("dist/%s is not built from the sources any more: remove it", name)
		case !bytes.Equal(w, g):
			t.Errorf("dist/%s differs from what the sources build", name)
		}
	}
	if t.Failed() {
		t.Log("static/dist is stale: run `npm ci && npm run build` in static/ and commit dist/")
	}
}

func run(ctx context.Context, t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	var outb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outb, &outb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, outb.String())
	}
}

func readTree(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		files[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func union(a, b map[string][]byte) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
