package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveDB(t *testing.T) {
	tests := []struct {
		name string
		flag string
		env  map[string]string
		want string
	}{
		{"default", "", nil, "./officemap.gpkg"},
		{"flag wins", "a.gpkg", map[string]string{"OFFICEMAP_DB": "b.gpkg", "DATABASE_URL": "postgres://x/y"}, "a.gpkg"},
		{"OFFICEMAP_DB before DATABASE_URL", "", map[string]string{"OFFICEMAP_DB": "b.gpkg", "DATABASE_URL": "postgres://x/y"}, "b.gpkg"},
		{"DATABASE_URL last", "", map[string]string{"DATABASE_URL": "postgres://x/y"}, "postgres://x/y"},
		{"blank values skipped", "  ", map[string]string{"OFFICEMAP_DB": " ", "DATABASE_URL": "postgresql://h/d"}, "postgresql://h/d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveDB(tt.flag, func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("resolveDB = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsPostgres(t *testing.T) {
	for db, want := range map[string]bool{
		"postgres://u@h/db":   true,
		"postgresql://u@h/db": true,
		"./officemap.gpkg":    false,
		"postgres.gpkg":       false,
		"/tmp/postgres://x":   false,
	} {
		if got := isPostgres(db); got != want {
			t.Errorf("isPostgres(%q) = %v, want %v", db, got, want)
		}
	}
}

func TestResolveAddr(t *testing.T) {
	env := map[string]string{"OFFICEMAP_ADDR": "0.0.0.0:9000"}
	if got := resolveAddr("", func(k string) string { return env[k] }); got != "0.0.0.0:9000" {
		t.Errorf("env addr = %q", got)
	}
	if got := resolveAddr(":7000", func(k string) string { return env[k] }); got != ":7000" {
		t.Errorf("flag addr = %q", got)
	}
	if got := resolveAddr("", func(string) string { return "" }); got != "127.0.0.1:8080" {
		t.Errorf("default addr = %q", got)
	}
}

// TestDocumentsOptions: the archive's settings — a directory for the bytes (made when missing) and an
// upload limit — and a clear error for a limit that is not a number of bytes.
func TestDocumentsOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs")
	env := map[string]string{envDocumentsDir: dir, envDocumentsMaxBytes: "1048576"}
	opts, limit, err := documentsOptions(func(k string) string { return env[k] })
	if err != nil || len(opts) != 1 || limit != 1<<20 {
		t.Fatalf("documentsOptions = %d options, %d, %v; want the directory and 1 MiB", len(opts), limit, err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("the documents directory was not made: %v", err)
	}
	for _, bad := range []string{"64MB", "0", "-1", "99999999999999"} {
		env[envDocumentsMaxBytes] = bad
		if _, _, err := documentsOptions(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), envDocumentsMaxBytes) {
			t.Errorf("limit %q: %v; want an error naming %s", bad, err, envDocumentsMaxBytes)
		}
	}
	if opts, limit, err := documentsOptions(func(string) string { return "" }); err != nil || opts != nil || limit != 0 {
		t.Errorf("no settings: %v, %d, %v; want the defaults", opts, limit, err)
	}
}
