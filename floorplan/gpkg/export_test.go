package gpkg

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"time"

	"github.com/paulmach/orb"
	"modernc.org/sqlite"
)

// DecodePolygon reads a GeoPackage geometry blob, for the tests of package gpkg_test.
func DecodePolygon(b []byte) (orb.Polygon, error) { return decodePolygon(b) }

// EncodeGeom writes a GeoPackage geometry blob, for tests that write rows with plain SQL.
func EncodeGeom(p orb.Polygon, srs int32) ([]byte, error) { return encodeGeom(p, srs) }

// SRS ids of the store's geometry blobs.
const (
	SRSLonLat = srsLonLat
	SRSLocal  = srsLocal
)

// SchemaVersion is the schema version the store writes.
const SchemaVersion = schemaVersion

// LayerViewsV6 creates the views sites, buildings and floors of schema version 6, for tests that write a
// register of that version.
const LayerViewsV6 = sqlLayerViewsV6

// LayerViewsV7 creates the views sites, buildings and floors of schema version 7 again (it drops them
// first), for tests that write a register of that version.
const LayerViewsV7 = sqlLayerViewsV7

// The end of the list of usages in rooms_usage_known before schema version 8 and since.
const (
	UsagesV7 = usagesV7
	UsagesV8 = usagesV8
)

// fixtureV1 is an empty register of schema version 1, as the store of that version created it: the
// GeoPackage core tables, the register's tables of version 1 with their triggers and R-tree indexes, and
// the marks application_id, user_version and schemaDefinitionV1. It is a frozen file, never written: the
// tests of the migrations start from a copy.
const fixtureV1 = "testdata/v1.gpkg"

// CreateV1 creates at path an empty register of schema version 1 (a copy of fixtureV1) and returns a
// connection to it with the store's SQL functions (which the R-tree triggers call), for the test to write
// rows of version 1 with plain SQL. The caller closes it.
func CreateV1(ctx context.Context, path string) (*sql.DB, error) {
	b, err := os.ReadFile(fixtureV1)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return nil, err
	}
	return OpenWithFunctions(ctx, path)
}

// OpenWithFunctions opens the file at path with one connection that has the store's SQL functions (which
// the R-tree triggers call), as the store's writer, for a test to write with plain SQL. The caller closes
// it.
func OpenWithFunctions(ctx context.Context, path string) (*sql.DB, error) {
	drv := &sqlite.Driver{}
	if err := registerFunctions(drv, time.UTC); err != nil {
		return nil, err
	}
	uri := (&url.URL{Scheme: "file", Path: path}).String()
	db := sql.OpenDB(connector{drv: drv, dsn: uri + "?" + pragmasWriter})
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// PartAgencyQueries are the queries that read a part's records by agency, by name.
var PartAgencyQueries = map[string]string{
	"rooms": sqlPartRoomsOfAgencies, "people": sqlPartPeopleOfAgencies, "posts": sqlPartPostsOfAgencies,
	"assignments": sqlPartAssignmentsOfAgencies,
}
