package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/api"
)

type ogcPage struct {
	Type           string
	NumberMatched  *int `json:"numberMatched"` // omitted: counting would cost as much as the page
	NumberReturned int  `json:"numberReturned"`
	Features       []struct {
		ID         string
		Type       string
		Geometry   struct{ Type string }
		Properties map[string]any
	}
	Links []struct{ Href, Rel, Type string }
}

func (p ogcPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func TestOGC(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	var ids []uuid.UUID
	for i := 0; i < 3; i++ {
		r, _ := e.createRoom(f, fmt.Sprintf("10%d", i), rect(float64(4*i), 0, float64(4*i+4), 5))
		ids = append(ids, r.ID)
	}
	bb := f.georef.Frame().PolygonToLonLat(rect(-2, -2, 42, 22)).Bound()
	bbox := fmt.Sprintf("%.9f,%.9f,%.9f,%.9f", bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1])
	items := "/ogc/collections/rooms/items?bbox=" + bbox

	t.Run("landing, conformance, collections", func(t *testing.T) {
		var landing struct{ Links []struct{ Href, Rel string } }
		e.do("GET", "/ogc", nil).expect(t, 200).decode(t, &landing)
		rels := map[string]string{}
		for _, l := range landing.Links {
			rels[l.Rel] = l.Href
		}
		for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
			if rels[rel] == "" {
				t.Errorf("landing page lacks a %s link", rel)
			}
		}
		var conf struct {
			ConformsTo []string `json:"conformsTo"`
		}
		e.do("GET", "/ogc/conformance", nil).expect(t, 200).decode(t, &conf)
		if !strings.Contains(strings.Join(conf.ConformsTo, " "), "ogcapi-features-1/1.0/conf/core") {
			t.Errorf("conformsTo = %v", conf.ConformsTo)
		}
		var cols struct{ Collections []struct{ ID string } }
		e.do("GET", "/ogc/collections", nil).expect(t, 200).decode(t, &cols)
		if len(cols.Collections) != 2 || cols.Collections[0].ID != "buildings" || cols.Collections[1].ID != "rooms" {
			t.Errorf("collections = %+v", cols.Collections)
		}
		var col struct{ ID, ItemType string }
		e.do("GET", "/ogc/collections/rooms", nil).expect(t, 200).decode(t, &col)
		if col.ID != "rooms" || col.ItemType != "feature" {
			t.Errorf("collection = %+v", col)
		}
		e.do("GET", "/ogc/collections/parking", nil).expectError(t, 404, "not_found")
		e.do("GET", "/ogc/collections/parking/items", nil).expectError(t, 404, "not_found")
	})

	t.Run("paging", func(t *testing.T) {
		res := e.do("GET", items+"&limit=2", nil).expect(t, 200)
		if ct := res.header.Get("Content-Type"); ct != "application/geo+json" {
			t.Errorf("Content-Type %q", ct)
		}
		var p ogcPage
		res.decode(t, &p)
		if p.Type != "FeatureCollection" || p.NumberMatched != nil || p.NumberReturned != 2 || len(p.Features) != 2 {
			t.Fatalf("first page: matched %v returned %d features %d", p.NumberMatched, p.NumberReturned, len(p.Features))
		}
		if p.link("next") == "" || p.link("prev") != "" {
			t.Errorf("first page links: %+v", p.Links)
		}
		next, err := url.Parse(p.link("next"))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{p.Features[0].ID: true, p.Features[1].ID: true}
		var p2 ogcPage
		e.do("GET", next.RequestURI(), nil).expect(t, 200).decode(t, &p2)
		if p2.NumberMatched != nil || p2.NumberReturned != 1 || p2.link("next") != "" || p2.link("prev") == "" {
			t.Errorf("second page: %+v", p2)
		}
		for _, ft := range p2.Features {
			seen[ft.ID] = true
		}
		for _, id := range ids {
			if !seen[id.String()] {
				t.Errorf("room %s on no page", id)
			}
		}
		ft := p.Features[0]
		if ft.Geometry.Type != "Polygon" || ft.Properties["floor_id"] != f.floor.String() || ft.Properties["level"] != 2.0 ||
			ft.Properties["status"] != "vacant" || ft.Properties["area_m2"] != 20.0 {
			t.Errorf("feature = %+v", ft)
		}
		// A limit above the maximum is capped, not refused.
		e.do("GET", items+"&limit=999999", nil).expect(t, 200).decode(t, &p)
		if p.NumberReturned != 3 {
			t.Errorf("capped limit returned %d", p.NumberReturned)
		}
		e.do("GET", items+"&offset=10", nil).expect(t, 200).decode(t, &p)
		if p.NumberReturned != 0 || p.link("next") != "" {
			t.Errorf("beyond the end: %+v", p)
		}
	})

	t.Run("bbox", func(t *testing.T) {
		var p ogcPage
		e.do("GET", "/ogc/collections/buildings/items?bbox="+bbox, nil).expect(t, 200).decode(t, &p)
		if p.NumberReturned != 1 || p.Features[0].ID != f.building.String() {
			t.Errorf("buildings in the bbox: %+v", p)
		}
		e.do("GET", "/ogc/collections/rooms/items?bbox=0,0,0.001,0.001", nil).expect(t, 200).decode(t, &p)
		if p.NumberReturned != 0 {
			t.Errorf("rooms far away: %d", p.NumberReturned)
		}
		for _, q := range []string{"bbox=1,2,3", "bbox=a,b,c,d", "bbox=0,10,1,5", "bbox=-181,0,1,1", "limit=0", "limit=x",
			"offset=-1", "color=red"} {
			e.do("GET", "/ogc/collections/rooms/items?"+q, nil).expectError(t, 400, "bad_request")
		}
	})

	t.Run("one feature", func(t *testing.T) {
		var ft struct {
			ID         string
			Properties map[string]any
			Geometry   struct{ Coordinates [][][]float64 }
		}
		res := e.do("GET", "/ogc/collections/rooms/items/"+ids[1].String(), nil).expect(t, 200)
		res.decode(t, &ft)
		if ft.ID != ids[1].String() || ft.Properties["number"] != "101" || len(ft.Geometry.Coordinates) != 1 {
			t.Errorf("feature = %s", res.body)
		}
		e.do("GET", "/ogc/collections/buildings/items/"+f.building.String(), nil).expect(t, 200)
		e.do("GET", "/ogc/collections/rooms/items/"+uuid.NewString(), nil).expectError(t, 404, "not_found")
		e.do("GET", "/ogc/collections/rooms/items/nope", nil).expectError(t, 400, "bad_request")
	})
}

// TestLinksNeverEchoHost: without a configured public URL the OGC links are root-relative, whatever Host
// and (untrusted) X-Forwarded-Host say; with one, they start with it; behind a trusted proxy, with the
// forwarded scheme and host.
func TestLinksNeverEchoHost(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  api.Config
		want string
	}{
		{"no public URL", api.Config{}, "/ogc"},
		{"public URL", api.Config{PublicURL: "https://fangchan.example.gov.cn/"}, "https://fangchan.example.gov.cn/ogc"},
		{"trusted proxy", api.Config{TrustForwarded: true}, "https://gis.example.gov.cn/ogc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			var landing struct{ Links []struct{ Href, Rel string } }
			e.do("GET", "/ogc", nil, "X-Forwarded-Host", "gis.example.gov.cn", "X-Forwarded-Proto", "https").
				expect(t, 200).decode(t, &landing)
			for _, l := range landing.Links {
				if l.Rel == "self" && l.Href != tc.want {
					t.Errorf("self = %q, want %q", l.Href, tc.want)
				}
				if strings.Contains(l.Href, "127.0.0.1") || (tc.cfg.PublicURL != "" && strings.Contains(l.Href, "gis.example")) {
					t.Errorf("%s link %q echoes a request header", l.Rel, l.Href)
				}
			}
		})
	}
}
