package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTimeAndAccountFlagsRefuseBadInput: the flags of the two times and of accounts name what is wrong and
// change nothing.
func TestTimeAndAccountFlagsRefuseBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bad.gpkg")
	file := filepath.Join(t.TempDir(), "rooms.geojson")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"import --valid-from", []string{"import", "geojson", file, "--db", db, "--valid-from", "2026-13-01"}, nil, "--valid-from"},
		{"report --as-recorded", []string{"report", "over-standard", "--db", db, "--as-recorded", "yesterday"}, nil, "--as-recorded"},
		{"OFFICEMAP_PUBLIC_URL not absolute", []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, map[string]string{"OFFICEMAP_PUBLIC_URL": "fangchan.example.gov.cn"}, "OFFICEMAP_PUBLIC_URL"},
		{"OFFICEMAP_ACCOUNTS typo", []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, map[string]string{"OFFICEMAP_ACCOUNTS": "enabled"}, "OFFICEMAP_ACCOUNTS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCommand(t, "", tc.env, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v: err = %v, want one naming %s", tc.args, err, tc.want)
			}
		})
	}
}
