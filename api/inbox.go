package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The inbox and the notices of the online handling (issue 17):
//   - GET /api/v1/inbox: the open applications waiting for one of the caller's roles where the caller
//     holds it (why "role"), and those overdue at a step whose escalation role the caller holds there
//     (why "escalated"), overdue first, then by due date. Computed, not stored.
//   - GET /api/v1/notices?unread=1: the notices to the caller (floorplan/notices.go): to one of their roles
//     at an agency where they hold it, or to them; newest first, each with whether they read it.
//   - POST /api/v1/notices/{id}/read: marks one of those read for the caller (204); others are 404.
// Every signed-in role may read its own inbox and notices.

// inboxRoutes lists the inbox and notice routes with their rules and documentation.
func inboxRoutes() []accountRoute {
	const v1 = "/api/v1"
	own := routeRule{access: accessSignedIn}
	return []accountRoute{
		{(*Server).inbox, own, opDoc{method: "GET", path: v1 + "/inbox", tag: "applications",
			summary: "The caller's inbox (待办): the open applications whose current step's role the caller holds where the application's agency is (why role), and those overdue at a step whose escalation role (escalate_to of the procedures) the caller holds there (why escalated); each with its step, role, due date and overdue flag, overdue first, then by due date",
			result:  "Inbox"}},
		{(*Server).listNotices, own, opDoc{method: "GET", path: v1 + "/notices", tag: "applications",
			summary: "The caller's notices (提醒), newest first: those to one of the caller's roles at an agency where they hold it, and those to the caller; each with whether the caller has read it. Left by the register when an application is filed, moves to a step, is returned, rejected or closed, and when it is first overdue at a step (to the escalation role)",
			query:   []paramDoc{q("unread", paramDoc{"", "true (or 1): only those the caller has not read", map[string]any{"type": "boolean"}})},
			result:  "NoticeList"}},
		{(*Server).readNotice, own, opDoc{method: "POST", path: v1 + "/notices/{id}/read", tag: "applications",
			summary: "Mark one of the caller's notices read, for the caller only (again is no change); a notice not theirs is 404",
			status:  204}},
	}
}

// inboxTaskJSON is one task of the inbox.
type inboxTaskJSON struct {
	Application applicationJSON `json:"application"`
	Step        string          `json:"step"`
	Role        string          `json:"role"`
	Due         time.Time       `json:"due,omitzero"`
	Overdue     bool            `json:"overdue"`
	Why         string          `json:"why" enum:"role,escalated"`
}

type inboxJSON struct {
	Tasks []inboxTaskJSON `json:"tasks"`
}

// noticeJSON is a notice on the wire.
type noticeJSON struct {
	ID            uuid.UUID `json:"id"`
	CreatedAt     time.Time `json:"created_at"`
	Kind          string    `json:"kind" enum:"filed,moved,returned,rejected,closed,escalated"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	ApplicationID uuid.UUID `json:"application_id"`
	Read          bool      `json:"read"`
}

type noticesJSON struct {
	Notices []noticeJSON `json:"notices"`
}

// roleScopes returns, for each role of the online handling the caller holds, where they hold it: the scope
// of their grants of that role. Without a caller (single-user mode) every role is held everywhere.
func (s *Server) roleScopes(ctx context.Context) (map[string]scope, error) {
	out := map[string]scope{}
	c, ok := identity.CallerFrom(ctx)
	if !ok {
		for _, r := range floorplan.ProcedureRoles {
			out[r] = everything
		}
		return out, nil
	}
	for _, g := range c.User.Grants {
		role := string(g.Role)
		if _, done := out[role]; done || !slices.Contains(floorplan.ProcedureRoles, role) {
			continue
		}
		one := c
		one.User.Grants = roleGrants(c.User.Grants, g.Role)
		sc, err := s.scopeOf(identity.WithCaller(ctx, one))
		if err != nil {
			return nil, err
		}
		out[role] = sc
	}
	return out, nil
}

// holds reports whether roles hold role at agency.
func holds(roles map[string]scope, role string, agency uuid.UUID) bool {
	sc, ok := roles[role]
	return ok && role != "" && sc.agency(agency)
}

// inbox serves GET /api/v1/inbox.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) error {
	roles, err := s.roleScopes(r.Context())
	if err != nil {
		return err
	}
	out := inboxJSON{Tasks: []inboxTaskJSON{}}
	if len(roles) == 0 {
		return writeJSON(w, http.StatusOK, out)
	}
	list, err := s.store.Applications(r.Context(), floorplan.ApplicationFilter{})
	if err != nil {
		return err
	}
	now := time.Now()
	for _, a := range list {
		if !a.Open() {
			continue
		}
		p, _ := s.register.Procedures().Of(a.Kind)
		st, ok := p.Step(a.State)
		if !ok {
			continue
		}
		task := inboxTaskJSON{Step: st.Code, Overdue: a.Overdue(now), Due: a.Due[st.Code]}
		if d := a.Fields.Deadline; !d.IsZero() && (task.Due.IsZero() || d.Before(task.Due)) {
			task.Due = d
		}
		switch {
		case holds(roles, st.Role, a.AgencyID):
			task.Role, task.Why = st.Role, "role"
		case task.Overdue && holds(roles, st.Escalation(), a.AgencyID):
			task.Role, task.Why = st.Escalation(), "escalated"
		default:
			continue
		}
		task.Application = s.applicationOut(a, now)
		out.Tasks = append(out.Tasks, task)
	}
	slices.SortStableFunc(out.Tasks, func(a, b inboxTaskJSON) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return a.Due.Compare(b.Due)
	})
	return writeJSON(w, http.StatusOK, out)
}

// readerID is the user whose reads the caller's are: their account, or in single-user mode an id
// derived from the actor's name.
func readerID(ctx context.Context) uuid.UUID {
	if c, ok := identity.CallerFrom(ctx); ok {
		return c.User.ID
	}
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("officemap:actor:"+floorplan.ActorFrom(ctx)))
}

// visibleNotices returns the notices f selects that are the caller's: to them, or to one of their roles at
// an agency where they hold it (a notice without an agency: where they hold the role unscoped).
func (s *Server) visibleNotices(ctx context.Context, f floorplan.NoticeFilter) ([]floorplan.Notice, error) {
	roles, err := s.roleScopes(ctx)
	if err != nil {
		return nil, err
	}
	f.UserID = readerID(ctx)
	for r := range roles {
		f.Roles = append(f.Roles, r)
	}
	slices.Sort(f.Roles)
	list, err := s.register.Notices(ctx, f)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, n := range list {
		if (n.UserID != uuid.Nil && n.UserID == f.UserID) || (n.UserID == uuid.Nil && holds(roles, n.Role, n.AgencyID)) {
			out = append(out, n)
		}
	}
	return out, nil
}

// listNotices serves GET /api/v1/notices?unread=.
func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	unread := q.bool("unread")
	if q.err != nil {
		return q.err
	}
	list, err := s.visibleNotices(r.Context(), floorplan.NoticeFilter{Unread: unread})
	if err != nil {
		return err
	}
	out := noticesJSON{Notices: make([]noticeJSON, 0, len(list))}
	for _, n := range list {
		out.Notices = append(out.Notices, noticeJSON{ID: n.ID, CreatedAt: n.CreatedAt, Kind: n.Kind, Title: n.Title, Body: n.Body,
			ApplicationID: n.ApplicationID, Read: n.Read})
	}
	return writeJSON(w, http.StatusOK, out)
}

// readNotice serves POST /api/v1/notices/{id}/read.
func (s *Server) readNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.visibleNotices(r.Context(), floorplan.NoticeFilter{ID: id})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return about("notice", floorplan.ErrNotFound)
	}
	if err := s.register.MarkNoticeRead(r.Context(), id, readerID(r.Context())); err != nil {
		return about("notice", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
