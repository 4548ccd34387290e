package geo_test

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"officemap/geo"
)

func ExampleValidate() {
	// A room drawn as a bow-tie: its walls cross at (12.5, 3).
	room := orb.Polygon{{{10, 0}, {15, 6}, {15, 0}, {10, 6}, {10, 0}}}
	err := geo.Validate(room)
	var ve *geo.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Reason)
		fmt.Println(ve.Error())
		fmt.Println(ve.MessageZH())
	}
	fmt.Println(errors.Is(err, geo.ErrInvalid))
	fmt.Println(geo.Validate(orb.Polygon{{{0, 0}, {6, 0}, {6, 4}, {0, 4}, {0, 0}}}))
	// Output:
	// self_intersection
	// outer ring self-intersects at (12.500, 3.000): edge 0–1 crosses edge 2–3
	// 外环在 (12.500, 3.000) 处自相交：边 0–1 与边 2–3 相交
	// true
	// <nil>
}

func ExampleArea() {
	// An L-shaped office in local metres with a 0.5 × 0.5 m column (a hole).
	room := orb.Polygon{
		{{0, 0}, {6, 0}, {6, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}},
		{{0.5, 0.5}, {0.5, 1}, {1, 1}, {1, 0.5}, {0.5, 0.5}},
	}
	fmt.Printf("%.2f m²\n", geo.Area(room))
	// Output: 19.75 m²
}

func ExampleGeodesicArea() {
	// A 0.001° × 0.001° lon/lat square in Changzhou: about 95 m × 111 m.
	sq := orb.Polygon{{{119.97, 31.81}, {119.971, 31.81}, {119.971, 31.811}, {119.97, 31.811}, {119.97, 31.81}}}
	fmt.Printf("%.1f m²\n", geo.GeodesicArea(sq))
	// Output: 10499.2 m²
}

func ExampleGeoref_Frame() {
	g := geo.Georef{Origin: orb.Point{119.97, 31.81}, RotationDeg: 30}
	if err := g.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	f := g.Frame()
	ll := f.ToLonLat(orb.Point{10, 5}) // 10 m along the drawing's +X, 5 m along +Y
	fmt.Printf("%.7f, %.7f\n", ll[0], ll[1])
	back := f.ToLocal(ll)
	fmt.Printf("%.6f, %.6f\n", back[0], back[1])
	// Output:
	// 119.9701179, 31.8099940
	// 10.000000, 5.000000
}

func ExampleParseTile() {
	t, err := geo.ParseTile("14", "13651", "6663")
	fmt.Println(t, err)
	b := geo.TileBound(t)
	fmt.Printf("%.4f %.4f %.4f %.4f\n", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	_, err = geo.ParseTile("14", "-1", "6663")
	fmt.Println(err)
	fmt.Println(errors.Is(err, geo.ErrBadTile))
	// Output:
	// {13651 6663 14} <nil>
	// 119.9487 31.8029 119.9707 31.8216
	// geo: bad tile address: x "-1" is not a whole number (digits 0–9 only)
	// true
}
