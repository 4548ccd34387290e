package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
)

// regClock is the register's clock in a test: today, or a day the test sets.
type regClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *regClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *regClock) set(off time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off = off
}

// startInboxEnv is startAuthEnv with the register on a clock of its own (the sessions keep today's), and
// that register.
func startInboxEnv(t *testing.T, clock *regClock) (*authEnv, *floorplan.Register) {
	t.Helper()
	store := openStore(t)
	id := newTestIdentity()
	reg := api.NewRegister(store, id.svc, floorplan.WithRegisterClock(clock.now))
	e := serveEnv(t, api.Config{}, func(string) api.Deps {
		return api.Deps{Store: store, Register: reg, Identity: id.svc, Now: id.clock.Now, ExportGeoPackage: gpkg.Export, Static: appPage()}
	})
	return id.on(e), reg
}

type inboxOut struct {
	Tasks []struct {
		Application applicationOut `json:"application"`
		Step        string         `json:"step"`
		Role        string         `json:"role"`
		Due         string         `json:"due"`
		Overdue     bool           `json:"overdue"`
		Why         string         `json:"why"`
	} `json:"tasks"`
}

type noticesOut struct {
	Notices []struct {
		ID            uuid.UUID `json:"id"`
		Kind          string    `json:"kind"`
		Title         string    `json:"title"`
		Body          string    `json:"body"`
		ApplicationID uuid.UUID `json:"application_id"`
		Read          bool      `json:"read"`
	} `json:"notices"`
}

// task returns where application id is in c's inbox (-1 for nowhere) and why.
func inboxTask(t *testing.T, c *client, id uuid.UUID) (int, string, bool) {
	t.Helper()
	var in inboxOut
	c.do("GET", "/api/v1/inbox", nil).expect(t, 200).decode(t, &in)
	for i, x := range in.Tasks {
		if x.Application.ID == id {
			if x.Step != x.Application.State || x.Due == "" {
				t.Errorf("task %+v: want the application's step and a due date", x)
			}
			return i, x.Why, x.Overdue
		}
	}
	return -1, "", false
}

// noticesOf returns c's notices about application id (unread only when unread), newest first.
func noticesOf(t *testing.T, c *client, id uuid.UUID, unread bool) noticesOut {
	t.Helper()
	path := "/api/v1/notices"
	if unread {
		path += "?unread=1"
	}
	var all, out noticesOut
	c.do("GET", path, nil).expect(t, 200).decode(t, &all)
	for _, n := range all.Notices {
		if n.ApplicationID == id {
			out.Notices = append(out.Notices, n)
		}
	}
	return out
}

// TestInbox: an agency manager's inbox holds its own draft; a submitted application waits in the inbox of
// the bureau of its district, not another district's; an application overdue at review is also in the
// approver's inbox, marked escalated, overdue first. Notices follow each step to its role within scope,
// are marked read by their reader only, and the daily check tells the escalation role once.
func TestInbox(t *testing.T) {
	clock := &regClock{}
	e, reg := startInboxEnv(t, clock)
	w := newDistricts(t, e, "inbox")
	boss, sfx, tn, zl, tnAgency, zlAgency := w.boss, w.sfx, w.tn, w.zl, w.tnAgency, w.zlAgency
	e.addUser("inbox_m", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: tnAgency}})
	e.addUser("inbox_mz", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: zlAgency}})
	e.addUser("inbox_tn", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: tn}})
	e.addUser("inbox_zl", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: zl}})
	e.addUser("inbox_boss", identity.Grant{Role: identity.RoleApprover})
	e.addUser("inbox_viewer", identity.Grant{Role: identity.RoleViewer})
	m, mz, dtn, dzl := e.signIn("inbox_m"), e.signIn("inbox_mz"), e.signIn("inbox_tn"), e.signIn("inbox_zl")
	leader, viewer := e.signIn("inbox_boss"), e.signIn("inbox_viewer")
	e.anonymous().do("GET", "/api/v1/inbox", nil).expectError(t, 401, "unauthenticated")

	file := func(title string) uuid.UUID {
		var a applicationOut
		m.do("POST", "/api/v1/applications", map[string]any{"kind": "allocation", "agency_id": tnAgency, "title": title,
			"fields": map[string]any{"area_m2": 40, "reason": "新增编制"}}).expect(t, 201).decode(t, &a)
		return a.ID
	}
	a := file("申请增加办公用房" + sfx)
	if i, why, overdue := inboxTask(t, m, a); i < 0 || why != "role" || overdue {
		t.Errorf("the manager's inbox: at %d, why %q, overdue %v; want its draft, role, not overdue", i, why, overdue)
	}
	for name, c := range map[string]*client{"the other manager": mz, "the district bureau": dtn, "the viewer": viewer} {
		if i, _, _ := inboxTask(t, c, a); i >= 0 {
			t.Errorf("%s has the draft in its inbox", name)
		}
	}
	m.do("POST", "/api/v1/applications/"+a.String()+"/actions", map[string]any{"action": "submit"}).expect(t, 200)
	if i, why, _ := inboxTask(t, dtn, a); i < 0 || why != "role" {
		t.Errorf("the district's bureau: at %d (%q), want the review in its inbox", i, why)
	}
	if i, _, _ := inboxTask(t, dzl, a); i >= 0 {
		t.Errorf("another district's bureau has the review in its inbox")
	}
	if i, _, _ := inboxTask(t, m, a); i >= 0 {
		t.Errorf("the manager still has the submitted application in its inbox")
	}

	// Notices: the step's role within scope, nobody else's.
	got := noticesOf(t, dtn, a, true)
	if len(got.Notices) != 1 || got.Notices[0].Kind != "moved" || got.Notices[0].Read || got.Notices[0].Title == "" {
		t.Fatalf("the district's notices of the review: %+v, want one unread moved", got.Notices)
	}
	if n := noticesOf(t, m, a, false); len(n.Notices) != 1 || n.Notices[0].Kind != "filed" {
		t.Errorf("the manager's notices: %+v, want the filing", n.Notices)
	}
	for name, c := range map[string]*client{"the other district": dzl, "the other manager": mz, "the viewer": viewer} {
		if n := noticesOf(t, c, a, false); len(n.Notices) != 0 {
			t.Errorf("%s sees %d notices of the application", name, len(n.Notices))
		}
	}
	id := got.Notices[0].ID.String()
	dzl.do("POST", "/api/v1/notices/"+id+"/read", nil).expectError(t, 404, "not_found")
	dtn.do("POST", "/api/v1/notices/"+uuid.NewString()+"/read", nil).expectError(t, 404, "not_found")
	dtn.do("POST", "/api/v1/notices/"+id+"/read", nil).expect(t, 204)
	dtn.do("POST", "/api/v1/notices/"+id+"/read", nil).expect(t, 204)
	if n := noticesOf(t, dtn, a, true); len(n.Notices) != 0 {
		t.Errorf("unread after marking read: %+v", n.Notices)
	}
	if n := noticesOf(t, dtn, a, false); len(n.Notices) != 1 || !n.Notices[0].Read {
		t.Errorf("all after marking read: %+v, want it read", n.Notices)
	}
	if n := noticesOf(t, boss, a, true); len(n.Notices) != 1 {
		t.Errorf("the city bureau's unread: %+v, want the notice still unread for them", n.Notices)
	}

	// Escalation: filed and submitted 20 days ago, overdue at review (10 days).
	clock.set(-20 * 24 * time.Hour)
	b := file("申请调剂办公用房" + sfx)
	m.do("POST", "/api/v1/applications/"+b.String()+"/actions", map[string]any{"action": "submit"}).expect(t, 200)
	clock.set(0)
	if i, why, overdue := inboxTask(t, leader, b); i < 0 || why != "escalated" || !overdue {
		t.Errorf("the approver's inbox: at %d, why %q, overdue %v; want the overdue review escalated", i, why, overdue)
	}
	if i, _, _ := inboxTask(t, leader, a); i >= 0 {
		t.Errorf("the approver has the review that is not overdue in its inbox")
	}
	ib, why, _ := inboxTask(t, dtn, b)
	ia, _, _ := inboxTask(t, dtn, a)
	if ib < 0 || why != "role" || ia < 0 || ib > ia {
		t.Errorf("the district's inbox: overdue at %d (%q), the other at %d; want both, the overdue one first", ib, why, ia)
	}
	if n := noticesOf(t, leader, b, false); len(n.Notices) != 0 {
		t.Errorf("the approver has notices of b before the daily check: %+v", n.Notices)
	}
	ctx := floorplan.WithActor(context.Background(), "officemap serve")
	if _, err := reg.NotifyOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.NotifyOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := noticesOf(t, leader, b, true); len(n.Notices) != 1 || n.Notices[0].Kind != "escalated" {
		t.Errorf("the approver's notices of b after the daily checks: %+v, want one escalation", n.Notices)
	}
	if n := noticesOf(t, leader, a, false); len(n.Notices) != 0 {
		t.Errorf("the approver has notices of the review not overdue: %+v", n.Notices)
	}
}
