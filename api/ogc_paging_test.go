package api_test

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// TestOGCPaging: the items pages, now taken in the store's query, are those the handler used to cut from
// the whole bbox: ordered by building, level, number (byte order) and id, each room on exactly one page,
// and a scoped caller's pages hold only the rooms of its scope.
func TestOGCPaging(t *testing.T) {
	s := newScopeEnv(t)
	m := s.e.signedIn("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	boss := s.e.signIn("bureau")

	type room struct {
		id     uuid.UUID
		level  int
		number string
		agency uuid.UUID
	}
	rooms := []room{{s.roomA, 2, s.numberA, s.a}, {s.roomB, 2, s.numberB, s.b}}
	ground := boss.do("POST", "/api/v1/buildings/"+s.f.building.String()+"/floors", map[string]any{"ordinal": 0, "name": "1F"}).created(t)
	for i, number := range []string{"a10", "A2", "b1", "B10", "_x", "房1", "10", "9"} {
		agency := []uuid.UUID{s.a, s.b}[i%2]
		local := rect(4.5*float64(i), 5, 4.5*float64(i)+4, 9)
		for _, fl := range []struct {
			id    uuid.UUID
			level int
		}{{s.f.floor, 2}, {ground, 0}} {
			body := roomBody(number, "office", local, &s.f.georef)
			body["properties"].(map[string]any)["agency_id"] = agency
			id := boss.do("POST", "/api/v1/floors/"+fl.id.String()+"/rooms", body).created(t)
			rooms = append(rooms, room{id, fl.level, number, agency})
		}
	}
	slices.SortFunc(rooms, func(a, b room) int {
		return cmp.Or(cmp.Compare(a.level, b.level), strings.Compare(a.number, b.number), strings.Compare(a.id.String(), b.id.String()))
	})

	for _, c := range []struct {
		name string
		who  requester
		keep func(room) bool
	}{
		{"the bureau", boss, func(room) bool { return true }},
		{"the manager of A", m, func(r room) bool { return r.agency == s.a }},
	} {
		var want []string
		for _, r := range rooms {
			if c.keep(r) {
				want = append(want, r.id.String())
			}
		}
		for _, limit := range []int{1, 3, 100} {
			t.Run(fmt.Sprintf("%s, limit %d", c.name, limit), func(t *testing.T) {
				var got []string
				next := fmt.Sprintf("/ogc/collections/rooms/items?bbox=%s&limit=%d", bbox(s.f), limit)
				for pages := 0; next != ""; pages++ {
					if pages > len(want)+1 {
						t.Fatalf("more pages than rooms: %v", got)
					}
					var p ogcPage
					c.who.do("GET", next, nil).expect(t, 200).decode(t, &p)
					if p.NumberMatched != nil || p.NumberReturned != len(p.Features) || len(p.Features) > limit {
						t.Fatalf("page %d: matched %v, returned %d, features %d", pages, p.NumberMatched, p.NumberReturned, len(p.Features))
					}
					for _, ft := range p.Features {
						got = append(got, ft.ID)
					}
					next = ""
					if href := p.link("next"); href != "" {
						u, err := url.Parse(href)
						if err != nil {
							t.Fatal(err)
						}
						next = u.RequestURI()
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("pages hold\n%v\nwant\n%v", got, want)
				}
			})
		}
	}
}
