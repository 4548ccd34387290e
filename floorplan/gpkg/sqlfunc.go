package gpkg

import (
	"database/sql/driver"
	"fmt"
	"time"

	"modernc.org/sqlite"

	"officemap/floorplan"
)

// The R-tree triggers of the GeoPackage spatial index extension (OGC 12-128r19 §F.3) call ST_IsEmpty,
// ST_MinX, ST_MaxX, ST_MinY and ST_MaxY on geometry blobs. SQLite has none of them; GDAL registers its
// own, and the store registers these on the connections it opens, so that the file stays indexed whoever
// writes to it.

// geomFunc is one SQL function of one geometry blob.
type geomFunc struct {
	name string
	fn   func(b []byte) (driver.Value, error)
}

// geomFuncs returns the functions. Each takes one GeoPackage geometry blob; NULL or a blob that is not a
// geometry gives NULL, as GDAL's do.
func geomFuncs() []geomFunc {
	return []geomFunc{
		{"ST_IsEmpty", func(b []byte) (driver.Value, error) {
			_, empty, err := blobBound(b)
			if err != nil {
				return nil, nil
			}
			if empty {
				return int64(1), nil
			}
			return int64(0), nil
		}},
		{"ST_MinX", boundFunc(func(v [4]float64) float64 { return v[0] })},
		{"ST_MaxX", boundFunc(func(v [4]float64) float64 { return v[1] })},
		{"ST_MinY", boundFunc(func(v [4]float64) float64 { return v[2] })},
		{"ST_MaxY", boundFunc(func(v [4]float64) float64 { return v[3] })},
	}
}

func boundFunc(pick func([4]float64) float64) func(b []byte) (driver.Value, error) {
	return func(b []byte) (driver.Value, error) {
		bd, empty, err := blobBound(b)
		if err != nil || empty {
			return nil, nil
		}
		return pick([4]float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]}), nil
	}
}

// localDayFunc is officemap_local_day(instant): the calendar day ("2006-01-02") in loc of a DATETIME
// text, for the migrations that fill a day from an instant (NULL gives NULL; text that is not an instant
// is an error, so that such a migration fails rather than fills a wrong day).
const localDayFunc = "officemap_local_day"

// registerFunctions adds the geometry functions to drv, the driver of one Store's connections, and
// officemap_local_day in the store's time zone loc.
func registerFunctions(drv *sqlite.Driver, loc *time.Location) error {
	err := drv.RegisterDeterministicScalarFunction(localDayFunc, 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			var t time.Time
			if err := (instantCol{&t, loc}).Scan(args[0]); err != nil {
				return nil, err
			}
			if t.IsZero() {
				return nil, nil
			}
			return t.Format(floorplan.DateLayout), nil
		})
	if err != nil {
		return fmt.Errorf("gpkg: register %s: %w", localDayFunc, err)
	}
	for _, f := range geomFuncs() {
		fn := f.fn
		err := drv.RegisterDeterministicScalarFunction(f.name, 1,
			func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				b, ok := args[0].([]byte)
				if !ok {
					return nil, nil
				}
				return fn(b)
			})
		if err != nil {
			return fmt.Errorf("gpkg: register %s: %w", f.name, err)
		}
	}
	return nil
}
