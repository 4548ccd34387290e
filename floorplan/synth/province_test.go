package synth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// digest is a hash of the whole dataset, every field of every record (%#v prints them all, times and ids
// included, with no pointers to print).
func digest(d *synth.Dataset) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%#v", *d)))
	return hex.EncodeToString(sum[:8])
}

// TestSmallRegistersUnchanged is a regression pin: the digests below were computed with the generator as
// it was before registers grew localities (one city, 常州市, for the whole register), so a register of at
// most one locality's floors (240) must still generate the same Dataset byte for byte, ids included.
// Change them only on purpose, for a change to the small registers that tests and demos rely on.
func TestSmallRegistersUnchanged(t *testing.T) {
	pins := []struct {
		cfg    synth.Config
		digest string
	}{
		{synth.Config{Seed: 1}, "0b2d449acf38d666"},
		{synth.Config{Seed: 4, Buildings: 5, Floors: 3, RoomsPerFloor: 17}, "0d845c9d018696fd"},
		{synth.Config{Seed: 7, Buildings: 1, Floors: 2, RoomsPerFloor: 12}, "52038e1939f06bdf"},
		{synth.Config{Seed: 12, Buildings: 6, Floors: 5, RoomsPerFloor: 30}, "75173a47018c388d"},
		{synth.Config{Seed: 2024, Buildings: 24, Floors: 10, RoomsPerFloor: 6}, "b2109e16574992f7"}, // 240 floors: one full locality
	}
	for _, p := range pins {
		t.Run(fmt.Sprintf("%+v", p.cfg), func(t *testing.T) {
			if got := digest(synth.Generate(p.cfg)); got != p.digest {
				t.Errorf("digest %s, want %s", got, p.digest)
			}
		})
	}
}

// TestLocalities checks a register of three localities (520 floors: 240, 240 and 40): three cities of 31
// agencies each, in order, with unique names; every floor held by an agency of its locality, every
// person seated and every concurrent post in their own locality, each locality's leaders in its general
// office, and each agency's Headcount its people.
func TestLocalities(t *testing.T) {
	const perLocality = 31
	d := synth.Generate(synth.Config{Seed: 6, Buildings: 13, Floors: 40, RoomsPerFloor: 7})
	if len(d.Agencies) != 3*perLocality {
		t.Fatalf("%d agencies, want 3 localities of %d", len(d.Agencies), perLocality)
	}
	locality := map[uuid.UUID]int{} // agency id → locality
	names := map[string]bool{}
	for i, a := range d.Agencies {
		locality[a.ID] = i / perLocality
		if names[a.Name] {
			t.Errorf("agency name %s used twice", a.Name)
		}
		names[a.Name] = true
	}
	for l, city := range []string{"常州市", "南京市", "无锡市"} {
		first, last := d.Agencies[l*perLocality], d.Agencies[(l+1)*perLocality-1]
		if first.Name != city+"人民政府办公室" || last.Name != city+"公安局交通警察支队" || first.ShortName != "市政府办" {
			t.Errorf("locality %d runs from %s (%s) to %s, want %s's general office to its traffic police", l, first.Name, first.ShortName, last.Name, city)
		}
		if last.ParentID != d.Agencies[l*perLocality+5].ID || d.Agencies[l*perLocality+29].SuccessorID != d.Agencies[l*perLocality+28].ID {
			t.Errorf("locality %d: the dispatched body or the merged agency refers outside its city", l)
		}
	}
	floorLocality := map[uuid.UUID]int{}
	for i, f := range d.Floors {
		floorLocality[f.ID] = i / 240
	}
	roomLocality := map[uuid.UUID]int{}
	for _, r := range d.Rooms {
		roomLocality[r.ID] = floorLocality[r.FloorID]
		if l, ok := locality[r.AgencyID]; ok && l != floorLocality[r.FloorID] {
			t.Fatalf("room %s on a floor of locality %d is held by an agency of locality %d", r.ID, floorLocality[r.FloorID], l)
		}
	}
	checkPeople(t, d, locality, roomLocality, perLocality)
}

// checkPeople checks, for TestLocalities, that people sit and hold posts in their agency's locality, that
// the city's leaders (bureau and vice-bureau ranks) are in each locality's general office and only there,
// and that each agency's Headcount counts its people.
func checkPeople(t *testing.T, d *synth.Dataset, locality map[uuid.UUID]int, roomLocality map[uuid.UUID]int, perLocality int) {
	t.Helper()
	person := map[uuid.UUID]floorplan.Person{}
	heads := map[uuid.UUID]int{}
	leaders := map[int]int{} // locality → city leaders
	for _, p := range d.People {
		person[p.ID] = p
		heads[p.AgencyID]++
		for _, post := range p.Posts {
			if locality[post.AgencyID] != locality[p.AgencyID] {
				t.Errorf("%s of locality %d holds a post in locality %d", p.Name, locality[p.AgencyID], locality[post.AgencyID])
			}
		}
		if p.Rank == floorplan.RankBureau || p.Rank == floorplan.RankViceBureau {
			if p.AgencyID != d.Agencies[locality[p.AgencyID]*perLocality].ID {
				t.Errorf("%s, a city leader, is not in the general office", p.Name)
			}
			leaders[locality[p.AgencyID]]++
		}
	}
	for l := 0; l < 3; l++ {
		if leaders[l] == 0 {
			t.Errorf("locality %d has no city leaders", l)
		}
	}
	for _, a := range d.Assignments {
		p := person[a.PersonID]
		if roomLocality[a.RoomID] != locality[p.AgencyID] {
			t.Fatalf("%s of locality %d sits in locality %d", p.Name, locality[p.AgencyID], roomLocality[a.RoomID])
		}
	}
	for _, a := range d.Agencies {
		if a.Headcount != heads[a.ID] {
			t.Errorf("%s: Headcount %d, %d people", a.Name, a.Headcount, heads[a.ID])
		}
	}
}

// TestLocalityNamesCycle checks that a register with more localities than cities names the second round
// of cities with （2） and keeps every agency's name unique (35 localities of one floor's room each).
func TestLocalityNamesCycle(t *testing.T) {
	d := synth.Generate(synth.Config{Seed: 8, Buildings: 35, Floors: 240, RoomsPerFloor: 1})
	if len(d.Agencies) != 35*31 {
		t.Fatalf("%d agencies, want 35 localities of 31", len(d.Agencies))
	}
	names := map[string]bool{}
	for _, a := range d.Agencies {
		if names[a.Name] {
			t.Fatalf("agency name %s used twice", a.Name)
		}
		names[a.Name] = true
	}
	for _, want := range []string{"邳州市体育局", "常州市（2）人民政府办公室", "常州市（2）公安局交通警察支队"} {
		if !names[want] {
			t.Errorf("no agency %s", want)
		}
	}
	if last := d.Agencies[len(d.Agencies)-1].Name; last != "常州市（2）公安局交通警察支队" {
		t.Errorf("the last agency is %s, want 常州市（2）'s traffic police", last)
	}
}
