package geojson

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// unitsFloor is one floor in metres: rooms by number, and their areas in m².
var unitsFloor = []struct {
	number string
	poly   orb.Polygon
	area   float64
}{
	{"301", orb.Polygon{{{0, 0}, {4, 0}, {4, 6}, {0, 6}, {0, 0}}}, 24},
	{"302", orb.Polygon{{{4, 0}, {7.62, 0}, {7.62, 6}, {4, 6}, {4, 0}}}, 21.72},
	{"H1", orb.Polygon{{{0, 6}, {11.43, 6}, {11.43, 8.5}, {2, 8.5}, {2, 12}, {0, 12}, {0, 6}}}, 11.43*2.5 + 2*3.5},
	{"304", orb.Polygon{{{7.62, 0}, {11.43, 0}, {11.43, 5.5}, {7.62, 5.5}, {7.62, 0}}, {{9, 2}, {9, 3}, {10, 3}, {10, 2}, {9, 2}}}, 3.81*5.5 - 1},
}

// localCollection writes the floor as a local collection in units of metre metres (georef.scale; no
// scale member for metres when metre is 1).
func localCollection(t *testing.T, metre float64) string {
	t.Helper()
	var features []string
	for _, r := range unitsFloor {
		var rings [][][2]float64
		for _, ring := range r.poly {
			var pts [][2]float64
			for _, p := range ring {
				pts = append(pts, [2]float64{p[0] / metre, p[1] / metre})
			}
			rings = append(rings, pts)
		}
		coords, err := json.Marshal(rings)
		if err != nil {
			t.Fatal(err)
		}
		features = append(features, fmt.Sprintf(`{"type":"Feature","properties":{"number":%q},"geometry":{"type":"Polygon","coordinates":%s}}`,
			r.number, coords))
	}
	scale := ""
	if metre != 1 {
		scale = fmt.Sprintf(`,"scale":%v`, metre)
	}
	return `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"local"}},
 "georef":{"origin":[119.97,31.81],"rotation_deg":10` + scale + `},"features":[` + strings.Join(features, ",") + `]}`
}

func TestReadLocalBadScale(t *testing.T) {
	for _, scale := range []string{"-1", "1e-7", "20000"} {
		src := `{"type":"FeatureCollection","crs":"local","georef":{"origin":[119.97,31.81],"scale":` + scale + `},
 "features":[{"type":"Feature","properties":{"number":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,5],[0,5],[0,0]]]}}]}`
		_, err := Read("x.geojson", strings.NewReader(src), Options{})
		if err == nil || !strings.Contains(err.Error(), "georef.scale") {
			t.Errorf("scale %s: err %v, want one naming georef.scale", scale, err)
		}
	}
}
