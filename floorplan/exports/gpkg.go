package exports

import "context"

// GeoPackageWriter writes d into a new GeoPackage at path, which must not exist. The GeoPackage store
// provides the one writer (gpkg.Export: the register copied into an officemap store plus a flat
// rooms_export layer), so that exports depends on no store; whoever wires the program hands it on.
type GeoPackageWriter func(ctx context.Context, d *Data, path string) error
