package geo

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ParseLonLat parses "LON,LAT" in decimal degrees (spaces around either number allowed), as the CLI's
// --origin and the API's origin parameter give a georeference: longitude in −180…180, latitude strictly
// between the poles. The error says what was wrong with s.
func ParseLonLat(s string) (orb.Point, error) {
	lonS, latS, ok := strings.Cut(s, ",")
	if !ok {
		return orb.Point{}, fmt.Errorf("must be LON,LAT, not %q", s)
	}
	lon, err1 := strconv.ParseFloat(strings.TrimSpace(lonS), 64)
	lat, err2 := strconv.ParseFloat(strings.TrimSpace(latS), 64)
	if err1 != nil || err2 != nil {
		return orb.Point{}, fmt.Errorf("must be LON,LAT in degrees, not %q", s)
	}
	if !(lon >= -180 && lon <= 180) || !(lat > -90 && lat < 90) {
		return orb.Point{}, fmt.Errorf("%q is outside −180…180, −90…90", s)
	}
	return orb.Point{lon, lat}, nil
}
