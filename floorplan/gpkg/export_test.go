package gpkg

import (
	"context"
	"database/sql"
	"net/url"
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

// CreateV1 creates at path an empty register of schema version 1, as the store created it before version
// 2, and returns a connection to it with the store's SQL functions (which the R-tree triggers call), for
// the test to write rows of version 1 with plain SQL. The caller closes it.
func CreateV1(ctx context.Context, path string) (*sql.DB, error) {
	drv := &sqlite.Driver{}
	if err := registerFunctions(drv, time.UTC); err != nil {
		return nil, err
	}
	uri := (&url.URL{Scheme: "file", Path: path}).String()
	db := sql.OpenDB(connector{drv: drv, dsn: uri + "?" + pragmasWriter})
	db.SetMaxOpenConns(1)
	for _, q := range []string{sqlSchemaV1, sqlSetApplicationID, sqlSetUserVersion} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}
