package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// A server wired without Deps.ExportGeoPackage says so with a 501, and still exports the other formats.
func TestExportWithoutGeoPackageWriter(t *testing.T) {
	s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "nowriter.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := api.NewServer(api.Config{}, api.Deps{Store: s, Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy())})
	for _, tt := range []struct {
		format string
		status int
	}{{"gpkg", http.StatusNotImplemented}, {"geojson", http.StatusOK}} {
		t.Run(tt.format, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/exports/"+tt.format, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == http.StatusOK {
				return
			}
			var body struct{ Error struct{ Code string } }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != "not_implemented" {
				t.Errorf("error body %s (%v), want code not_implemented", rec.Body, err)
			}
		})
	}
}
