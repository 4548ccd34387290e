package api_test

import (
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// TestDocumentFilingRoles: filing a document (file_documents) is open to every business role but the
// viewer, each where the subject is: an agency manager files for its own agency and its rooms only, a
// subject outside the caller's scope is 404 as if it did not exist; deleting stays the bureau's.
func TestDocumentFilingRoles(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("filer-planner", identity.Grant{Role: identity.RolePlanner})
	s.e.addUser("filer-inspector", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("filer-approver", identity.Grant{Role: identity.RoleApprover})
	s.e.addUser("filer-managerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("filer-inspectorB", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Agency: s.b}})
	s.e.addUser("filer-viewer", identity.Grant{Role: identity.RoleViewer})
	type subject struct {
		typ string
		id  uuid.UUID
	}
	roomA, roomB := subject{"room", s.roomA}, subject{"room", s.roomB}
	agencyA, agencyB := subject{"agency", s.a}, subject{"agency", s.b}
	floor := subject{"floor", s.f.floor}
	cases := []struct {
		name    string
		user    string
		subject subject
		status  int
		code    string
	}{
		{"bureau files for a floor", "bureau", floor, 201, ""},
		{"planner files for a room", "filer-planner", roomB, 201, ""},
		{"inspector files a photo of a floor", "filer-inspector", floor, 201, ""},
		{"inspector files for a room", "filer-inspector", roomA, 201, ""},
		{"approver files for an agency", "filer-approver", agencyB, 201, ""},
		{"agency manager files for its room", "filer-managerA", roomA, 201, ""},
		{"agency manager files for its agency", "filer-managerA", agencyA, 201, ""},
		{"agency manager and another agency's room", "filer-managerA", roomB, 404, "not_found"},
		{"agency manager and another agency", "filer-managerA", agencyB, 404, "not_found"},
		{"agency manager and a floor (no agency)", "filer-managerA", floor, 404, "not_found"},
		{"inspector of B and a room of A", "filer-inspectorB", roomA, 404, "not_found"},
		{"inspector of B and a room of B", "filer-inspectorB", roomB, 201, ""},
		{"viewer", "filer-viewer", roomA, 403, "forbidden"},
		{"a room that does not exist", "filer-inspector", subject{"room", uuid.New()}, 404, "not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := s.e.signIn(c.user)
			res := fileDocument(t, u, c.name+".png", append(pngBytes(), c.name...), c.subject.typ, c.subject.id, "photo")
			if c.status != 201 {
				res.expectError(t, c.status, c.code)
				return
			}
			var d documentOut
			res.expect(t, 201).decode(t, &d)
			if d.DocType != "photo" || d.SubjectType != c.subject.typ {
				t.Errorf("filed %+v, want a photo of a %s", d, c.subject.typ)
			}
			// The filer reads back what they filed.
			u.do("GET", "/api/v1/documents/"+d.ID.String()+"/content", nil).expect(t, 200)
		})
	}

	// Deleting stays with write_register: the inspector and the agency manager may not hide what they filed.
	for _, user := range []string{"filer-inspector", "filer-managerA"} {
		u := s.e.signIn(user)
		var d documentOut
		fileDocument(t, u, user+"-evidence.pdf", append(pdfBytes(), user...), "room", s.roomA, "other").expect(t, 201).decode(t, &d)
		u.do("DELETE", "/api/v1/documents/"+d.ID.String()+"?reason=mistake", nil).expectError(t, 403, "forbidden")
		s.e.signIn("bureau").do("DELETE", "/api/v1/documents/"+d.ID.String()+"?reason=mistake", nil).expect(t, 204)
	}

	// Who may file is what /me says, so that the app offers the upload only to them.
	for user, want := range map[string]bool{"filer-inspector": true, "filer-managerA": true, "filer-viewer": false} {
		var me struct {
			User struct{ Actions []string } `json:"user"`
		}
		s.e.signIn(user).do("GET", "/api/v1/me", nil).expect(t, 200).decode(t, &me)
		got := false
		for _, a := range me.User.Actions {
			got = got || a == string(identity.ActionFileDocuments)
		}
		if got != want {
			t.Errorf("%s: /me actions %v, file_documents %v; want %v", user, me.User.Actions, got, want)
		}
	}
}
