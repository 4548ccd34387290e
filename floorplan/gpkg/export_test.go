package gpkg

import "github.com/paulmach/orb"

// DecodePolygon reads a GeoPackage geometry blob, for the tests of package gpkg_test.
func DecodePolygon(b []byte) (orb.Polygon, error) { return decodePolygon(b) }
