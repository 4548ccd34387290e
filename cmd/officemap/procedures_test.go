package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadProcedures: without OFFICEMAP_PROCEDURES the built-in procedures are in force; a file replaces
// them; a missing or invalid file is an error naming the variable, the file and what is wrong.
func TestLoadProcedures(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == envProcedures {
				return v
			}
			return ""
		}
	}
	if opt, err := loadProcedures(env("")); err != nil || opt == nil {
		t.Fatalf("built-in: %v", err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"procedures":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadProcedures(env(bad))
	if err == nil || !strings.Contains(err.Error(), envProcedures) || !strings.Contains(err.Error(), bad) ||
		!strings.Contains(err.Error(), "no procedure for kind allocation") {
		t.Errorf("an invalid file: %v", err)
	}
	if _, err := loadProcedures(env(filepath.Join(dir, "missing.json"))); err == nil || !strings.Contains(err.Error(), envProcedures) {
		t.Errorf("a missing file: %v", err)
	}
	good := filepath.Join(dir, "good.json")
	data, err := os.ReadFile(filepath.Join("..", "..", "floorplan", "procedures.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadProcedures(env(good)); err != nil {
		t.Errorf("a copy of the built-in file: %v", err)
	}
}
