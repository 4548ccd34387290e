package mvt_test

import (
	"fmt"

	"github.com/paulmach/orb"
	orbmvt "github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"officemap/geo/mvt"
)

func ExampleLayer() {
	// A 10 × 8 m room in Changzhou (lon/lat), on the z18 tile it lies in.
	room := orb.Polygon{{{119.9741, 31.8112}, {119.9742, 31.8112}, {119.9742, 31.81127}, {119.9741, 31.81127}, {119.9741, 31.8112}}}
	t := maptile.At(room[0][0], 18)

	l := mvt.NewLayer("rooms", t, 1)
	if f := l.Add(room); f != nil {
		f.Properties = geojson.Properties{"number": "301", "status": "over_standard"}
	}
	data, err := l.Marshal()
	if err != nil {
		fmt.Println(err)
		return
	}

	layers, _ := orbmvt.Unmarshal(data) // any MVT reader decodes it
	f := layers[0].Features[0]
	fmt.Println(layers[0].Name, layers[0].Extent, len(layers[0].Features))
	fmt.Println(f.Properties["number"], f.Properties["status"])
	fmt.Println(f.Geometry.(orb.Polygon)[0])
	// Output:
	// rooms 4096 1
	// 301 over_standard
	// [[1940 3612] [1940 3366] [2238 3366] [2238 3612] [1940 3612]]
}

func ExampleProject() {
	// The same room on the 256-pixel raster tile: unsnapped, for drawing.
	room := orb.Polygon{{{119.9741, 31.8112}, {119.9742, 31.8112}, {119.9742, 31.81127}, {119.9741, 31.81127}, {119.9741, 31.8112}}}
	px, ok := mvt.Project(room, maptile.At(room[0][0], 18), 256, 4)
	fmt.Println(ok)
	for _, p := range px[0] {
		fmt.Printf("(%.2f, %.2f)\n", p[0], p[1])
	}
	// Output:
	// true
	// (121.22, 225.73)
	// (121.22, 210.38)
	// (139.86, 210.38)
	// (139.86, 225.73)
	// (121.22, 225.73)
}

func ExampleEncoder() {
	// The room of ExampleLayer as PostGIS sends it (ST_AsBinary: WKB), written straight into the tile.
	room := orb.Polygon{{{119.9741, 31.8112}, {119.9742, 31.8112}, {119.9742, 31.81127}, {119.9741, 31.81127}, {119.9741, 31.8112}}}
	b, _ := wkb.Marshal(room)
	e := mvt.NewEncoder("rooms", maptile.At(room[0][0], 18))
	if ok, err := e.AddWKB(b); ok && err == nil {
		e.String("number", "301") // keys in ascending order
		e.String("status", "over_standard")
	}
	layers, _ := orbmvt.Unmarshal(e.Marshal())
	f := layers[0].Features[0]
	fmt.Println(layers[0].Name, len(layers[0].Features), f.Properties["number"], f.Properties["status"])
	fmt.Println(f.Geometry.(orb.Polygon)[0])

	_, err := e.AddWKB(b[:20]) // cut short
	fmt.Println(err)
	// Output:
	// rooms 1 301 over_standard
	// [[1940 3612] [1940 3366] [2238 3366] [2238 3612] [1940 3612]]
	// mvt: bad WKB polygon: more points than bytes
}
