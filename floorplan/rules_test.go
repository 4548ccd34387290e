package floorplan

import (
	"strings"
	"testing"
)

// TestRegistry checks that every rule of the registry can run: a person rule has a per-person check, an
// agency or room rule a check of the register, and its id names its subject.
func TestRegistry(t *testing.T) {
	for _, r := range registry {
		t.Run(r.ID, func(t *testing.T) {
			if !strings.HasPrefix(r.ID, string(r.subject)+".") {
				t.Errorf("id %q does not start with its subject %q", r.ID, r.subject)
			}
			switch r.subject {
			case EntityPerson:
				if r.person == nil || r.register != nil {
					t.Error("a person rule needs a person check and no register check")
				}
			case EntityAgency, EntityRoom:
				if r.person != nil || r.register == nil {
					t.Error("an agency or room rule needs a register check and no person check")
				}
			default:
				t.Errorf("subject %q is not a person, an agency or a room", r.subject)
			}
		})
	}
}
