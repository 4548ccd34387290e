package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestStartProfile: OFFICEMAP_CPUPROFILE's path, "{pid}" replaced by the process id, holds a CPU profile
// once the command ends; no path writes nothing; a path that cannot be created is reported, and the
// command goes on.
func TestStartProfile(t *testing.T) {
	dir := t.TempDir()
	stop := startProfile(filepath.Join(dir, "cpu.{pid}"))
	stop()
	b, err := os.ReadFile(filepath.Join(dir, "cpu."+strconv.Itoa(os.Getpid())))
	if err != nil || len(b) == 0 {
		t.Errorf("the profile: %d bytes, %v", len(b), err)
	}
	startProfile("")()
	startProfile(filepath.Join(dir, "missing", "cpu.prof"))()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files written, want the one profile", len(entries))
	}
}
