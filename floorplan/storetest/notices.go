package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunNotices runs the conformance tests of the online handling's notices (floorplan.NoticeStore) on a
// store of its own from newStore for each test; the store must keep notices.
func RunNotices(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"AddFilterRead", testNoticesStore},
		{"Register", testNoticesRegister},
		{"ClaimDelivery", testNoticesClaim},
		{"Once", testNoticesOnce},
	})
}

func noticeStore(t *testing.T, f *fixture) floorplan.NoticeStore {
	t.Helper()
	ns, ok := f.s.(floorplan.NoticeStore)
	if !ok {
		t.Fatalf("%T keeps no notices", f.s)
	}
	return ns
}

// testNoticesStore: notices are selected by application, kind, recipient (roles or user) and time, newest
// first; a read is the reader's own and recorded once; a notice without a recipient is refused.
func testNoticesStore(t *testing.T, f *fixture) {
	ns := noticeStore(t, f)
	ctx := f.ctx
	app1, app2, user, other := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	add := func(n floorplan.Notice, at time.Duration) floorplan.Notice {
		t.Helper()
		n.CreatedAt, n.Title, n.Body = t0.Add(at), "待办 To do："+n.Kind, "正文 body"
		if err := ns.AddNotice(ctx, &n); err != nil {
			t.Fatal(err)
		}
		if n.ID == uuid.Nil || !n.CreatedAt.Equal(t0.Add(at)) {
			t.Fatalf("added %+v: want an id and the time given", n)
		}
		return n
	}
	a := add(floorplan.Notice{Role: "bureau_admin", AgencyID: f.agencies[0].ID, ApplicationID: app1, Kind: floorplan.NoticeMoved}, 0)
	b := add(floorplan.Notice{Role: "agency_manager", AgencyID: f.agencies[1].ID, ApplicationID: app1, Kind: floorplan.NoticeReturned}, time.Minute)
	c := add(floorplan.Notice{UserID: user, ApplicationID: app2, Kind: floorplan.NoticeClosed}, 2*time.Minute)
	add(floorplan.Notice{Role: "approver", ApplicationID: app2, Kind: floorplan.NoticeEscalated}, 3*time.Minute)

	ids := func(f floorplan.NoticeFilter) []uuid.UUID {
		t.Helper()
		list, err := ns.Notices(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []uuid.UUID{}
		for _, n := range list {
			out = append(out, n.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    floorplan.NoticeFilter
		want int
	}{
		{"all", floorplan.NoticeFilter{}, 4},
		{"application", floorplan.NoticeFilter{ApplicationID: app1}, 2},
		{"kind", floorplan.NoticeFilter{Kind: floorplan.NoticeEscalated}, 1},
		{"roles", floorplan.NoticeFilter{Roles: []string{"bureau_admin", "agency_manager"}}, 2},
		{"roles or user", floorplan.NoticeFilter{Roles: []string{"bureau_admin"}, UserID: user}, 2},
		{"user only", floorplan.NoticeFilter{UserID: user}, 1},
		{"another user", floorplan.NoticeFilter{UserID: other}, 0},
		{"after", floorplan.NoticeFilter{After: t0.Add(90 * time.Second)}, 2},
		{"limit", floorplan.NoticeFilter{Limit: 3}, 3},
		{"one", floorplan.NoticeFilter{ID: b.ID}, 1},
		{"one of another role", floorplan.NoticeFilter{ID: b.ID, Roles: []string{"approver"}}, 0},
	} {
		if got := ids(tc.f); len(got) != tc.want {
			t.Errorf("%s: %d notices, want %d", tc.name, len(got), tc.want)
		}
	}
	if got := ids(floorplan.NoticeFilter{ApplicationID: app1}); len(got) != 2 || got[0] != b.ID || got[1] != a.ID {
		t.Errorf("order: %v, want newest first [%s %s]", got, b.ID, a.ID)
	}

	if err := ns.MarkRead(ctx, c.ID, user, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ns.MarkRead(ctx, c.ID, user, t0.Add(2*time.Hour)); err != nil {
		t.Errorf("marking read again: %v, want no change", err)
	}
	if err := ns.MarkRead(ctx, uuid.New(), user, t0); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("marking an unknown notice: %v, want ErrNotFound", err)
	}
	list, err := ns.Notices(ctx, floorplan.NoticeFilter{UserID: user, Roles: []string{"bureau_admin"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range list {
		if want := n.ID == c.ID; n.Read != want {
			t.Errorf("notice %s (%s): read %v, want %v", n.ID, n.Kind, n.Read, want)
		}
	}
	if got := ids(floorplan.NoticeFilter{UserID: user, Roles: []string{"bureau_admin"}, Unread: true}); len(got) != 1 || got[0] != a.ID {
		t.Errorf("unread of the user: %v, want [%s]", got, a.ID)
	}
	if got := ids(floorplan.NoticeFilter{UserID: other, Roles: []string{"bureau_admin"}, Unread: true}); len(got) != 1 {
		t.Errorf("another reader's unread: %v, want the role's one notice: a read is the reader's own", got)
	}
	bad := floorplan.Notice{ApplicationID: app1, Kind: floorplan.NoticeMoved, Title: "x"}
	if err := ns.AddNotice(ctx, &bad); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a notice to nobody: %v, want ErrInvalid", err)
	}
	if got := ids(floorplan.NoticeFilter{}); len(got) != 4 {
		t.Errorf("after the refusal: %d notices, want 4", len(got))
	}
}

// testNoticesClaim: the first claim of a notice's delivery wins, every later one (another server's) is
// refused, each notice is claimed on its own, and an unknown notice is ErrNotFound.
func testNoticesClaim(t *testing.T, f *fixture) {
	ns := noticeStore(t, f)
	ctx := f.ctx
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var notices []floorplan.Notice
	for _, role := range []string{"bureau_admin", "approver"} {
		n := floorplan.Notice{Role: role, ApplicationID: uuid.New(), Kind: floorplan.NoticeFiled, Title: "待办"}
		if err := ns.AddNotice(ctx, &n); err != nil {
			t.Fatal(err)
		}
		notices = append(notices, n)
	}
	claim := func(id uuid.UUID, want bool) {
		t.Helper()
		if got, err := ns.ClaimDelivery(ctx, id, at); err != nil || got != want {
			t.Errorf("claim of %s: %v, %v; want %v", id, got, err, want)
		}
	}
	claim(notices[0].ID, true)
	claim(notices[0].ID, false)
	claim(notices[1].ID, true)
	claim(notices[1].ID, false)
	claim(notices[0].ID, false)
	if _, err := ns.ClaimDelivery(ctx, uuid.New(), at); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("claim of an unknown notice: %v, want ErrNotFound", err)
	}
}

// testNoticesOnce: of an application's notices with one key (Notice.Once), only the first is stored (the
// second reports no id and no error); the same key on another application, and notices without a key, are
// not constrained.
func testNoticesOnce(t *testing.T, f *fixture) {
	ns := noticeStore(t, f)
	app1, app2 := uuid.New(), uuid.New()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	add := func(app uuid.UUID, once string, stored bool) {
		t.Helper()
		n := floorplan.Notice{Role: "bureau_admin", ApplicationID: app, Kind: floorplan.NoticeEscalated, Title: "超期 Overdue", Once: once, CreatedAt: at}
		if err := ns.AddNotice(f.ctx, &n); err != nil {
			t.Fatalf("add %q to %s: %v", once, app, err)
		}
		if got := n.ID != uuid.Nil; got != stored {
			t.Errorf("add %q to %s: stored %v (id %s), want %v", once, app, got, n.ID, stored)
		}
	}
	add(app1, "draft 2026-03-02T09:00:00Z", true)
	add(app1, "draft 2026-03-02T09:00:00Z", false)
	add(app1, "draft 2026-04-02T09:00:00Z", true)
	add(app2, "draft 2026-03-02T09:00:00Z", true)
	add(app1, "", true)
	add(app1, "", true)
	long := floorplan.Notice{Role: "bureau_admin", ApplicationID: app2, Kind: floorplan.NoticeEscalated, Title: "超期 Overdue",
		Once: strings.Repeat("k", 201)}
	if err := ns.AddNotice(f.ctx, &long); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a key of 201 bytes: %v, want ErrInvalid", err)
	}
	for app, want := range map[uuid.UUID]int{app1: 4, app2: 1} {
		if list, err := ns.Notices(f.ctx, floorplan.NoticeFilter{ApplicationID: app}); err != nil || len(list) != want {
			t.Errorf("application %s: %d notices (%v), want %d", app, len(list), err, want)
		}
	}
}

// escalationsHidden is a store whose reads of notices miss the escalations: a register over it checks for
// overdue applications as a server does whose read came just before another server's escalation.
type escalationsHidden struct{ floorplan.Store }

func (s escalationsHidden) Notices(ctx context.Context, f floorplan.NoticeFilter) ([]floorplan.Notice, error) {
	list, err := s.Store.Notices(ctx, f)
	return slices.DeleteFunc(list, func(n floorplan.Notice) bool { return n.Kind == floorplan.NoticeEscalated }), err
}

// testNoticesRegister: the register leaves a notice to the role of each step an application reaches,
// tells the applicant of a return and a rejection, and escalates an overdue step once per visit.
func testNoticesRegister(t *testing.T, f *fixture) {
	ns := noticeStore(t, f)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(clock))
	ctx := floorplan.WithActor(f.ctx, "clerk")
	a := floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: f.agencies[0].ID, Title: "屋面渗漏维修",
		Fields: floorplan.ApplicationFields{SiteID: f.site.ID, Budget: 120000}}
	if _, err := g.FileApplication(ctx, &a); err != nil {
		t.Fatal(err)
	}
	notices := func() []floorplan.Notice {
		t.Helper()
		list, err := ns.Notices(ctx, floorplan.NoticeFilter{ApplicationID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	want := func(step string, kinds ...string) {
		t.Helper()
		list := notices()
		if len(list) < len(kinds) {
			t.Fatalf("%s: %d notices, want at least %d", step, len(list), len(kinds))
		}
		for i, k := range kinds { // newest first
			n := list[i]
			if k != n.Kind+"/"+n.Role || n.AgencyID != a.AgencyID || n.Title == "" {
				t.Errorf("%s: notice %d is %s/%s at %s (%q), want %s at the application's agency", step, i, n.Kind, n.Role, n.AgencyID, n.Title, k)
			}
		}
	}
	want("filed", "filed/agency_manager")
	act := func(action floorplan.AppAction) {
		t.Helper()
		if _, _, err := g.ActOnApplication(ctx, a.ID, floorplan.ActionInput{Action: action, Comment: "私人意见 private comment"}); err != nil {
			t.Fatal(err)
		}
	}
	act(floorplan.ActSubmit)
	want("submitted", "moved/bureau_admin")
	act(floorplan.ActReturn)
	want("returned", "returned/agency_manager") // the step's role and the applicant are the same: one notice
	if n := len(notices()); n != 3 {
		t.Errorf("%d notices after filing, submitting and returning, want 3", n)
	}
	for _, n := range notices() {
		if strings.Contains(n.Title+n.Body, "private comment") || strings.Contains(n.Title+n.Body, "clerk") {
			t.Errorf("notice %q / %q carries the comment or the actor", n.Title, n.Body)
		}
	}

	if left, err := g.NotifyOverdue(ctx); err != nil || left != 0 {
		t.Fatalf("escalated %d (%v) before the due date, want 0", left, err)
	}
	now = now.AddDate(0, 0, 31) // past draft's 30 days
	servers := make([]int, 4)   // as many servers over one register, checking at the same instant
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			left, err := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(clock)).NotifyOverdue(ctx)
			if err != nil {
				t.Errorf("server %d: %v", i, err)
			}
			servers[i] = left
		}()
	}
	wg.Wait()
	if left := servers[0] + servers[1] + servers[2] + servers[3]; left != 1 {
		t.Fatalf("%d servers checking at once escalated %v past the due date, want 1 in all", len(servers), servers)
	}
	want("overdue", "escalated/bureau_admin")
	if left, err := g.NotifyOverdue(ctx); err != nil || left != 0 {
		t.Errorf("escalated %d (%v) again at the same step, want 0", left, err)
	}
	late := floorplan.NewRegister(escalationsHidden{f.s}, floorplan.WithRegisterClock(clock))
	if left, err := late.NotifyOverdue(ctx); err != nil || left != 0 {
		t.Errorf("a server whose read missed the escalation left %d (%v), want 0: the visit's key is taken", left, err)
	}
	if list, err := ns.Notices(ctx, floorplan.NoticeFilter{ApplicationID: a.ID, Kind: floorplan.NoticeEscalated}); err != nil || len(list) != 1 {
		t.Errorf("%d escalations of one visit (%v), want 1", len(list), err)
	}
	act(floorplan.ActSubmit)
	act(floorplan.ActReject)
	want("rejected", "rejected/agency_manager")
	if left, err := g.NotifyOverdue(ctx); err != nil || left != 0 {
		t.Errorf("escalated %d (%v) a rejected application, want 0", left, err)
	}
}
