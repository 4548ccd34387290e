package floorplan

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The register's notices (notices.go): left after each successful write of an application
// (notifyApplication), and once per step visit when an application is overdue there (NotifyOverdue),
// for the escalation role of the step (Step.Escalation). A notice that cannot be stored is logged: it
// never fails the write it follows. KeepNoticesSent runs the daily check and hands new notices to a
// Notifier (e-mail, webhook), outside every write.

// Notifier delivers a notice outside the app (e-mail, a messaging platform's webhook). It is given the
// notice only: no personal data beyond the notice's title.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Notices returns the notices f selects, newest first . The
// caller filters them by scope: the register does not know who may read what.
func (g *Register) Notices(ctx context.Context, f NoticeFilter) ([]Notice, error) {
	return g.store.Notices(ctx, f)
}

// MarkNoticeRead records that user read notice id, now. It is the reader's own mark, not a change to the
// register: no permission, history or revision. The caller checks first that the user may see the notice.
func (g *Register) MarkNoticeRead(ctx context.Context, id, user uuid.UUID) error {
	if user == uuid.Nil {
		return Invalidf("notice read: no user to mark it read for")
	}
	return g.store.MarkRead(ctx, id, user, g.now())
}

// notifyApplication leaves the notices of a write of a: filed (action ""), or action taken. The role of
// the step a is at now is told; on return, reject or close the applicant (the first step's role and the
// agency's managers) too. Failures are logged, never returned.
func (g *Register) notifyApplication(ctx context.Context, a Application, action AppAction) {
	p, _ := g.procedures().Of(a.Kind)
	kind := NoticeMoved
	switch {
	case action == "":
		kind = NoticeFiled
	case a.State == StateClosed:
		kind = NoticeClosed
	case a.State == StateRejected:
		kind = NoticeRejected
	case action == ActReturn:
		kind = NoticeReturned
	}
	var roles []string
	if st, ok := p.Step(a.State); ok {
		roles = append(roles, st.Role)
	}
	if kind == NoticeReturned || kind == NoticeRejected || kind == NoticeClosed {
		if len(p.Steps) > 0 {
			roles = append(roles, p.Steps[0].Role)
		}
		roles = append(roles, "agency_manager")
	}
	title, body := noticeText(p, a, kind, action)
	seen := map[string]bool{}
	for _, role := range roles {
		if seen[role] {
			continue
		}
		seen[role] = true
		n := Notice{Role: role, AgencyID: a.AgencyID, ApplicationID: a.ID, Kind: kind, Title: title, Body: body}
		if err := g.addNotice(ctx, &n); err != nil {
			slog.ErrorContext(ctx, "floorplan: leave a notice", "application", a.ID, "kind", kind, "role", role, "err", err)
		}
	}
}

// addNotice stores n at the register's time.
func (g *Register) addNotice(ctx context.Context, n *Notice) error {
	if n.CreatedAt.IsZero() {
		n.CreatedAt = g.now()
	}
	if err := n.Validate(); err != nil {
		return err
	}
	return g.store.AddNotice(context.WithoutCancel(ctx), n)
}

// noticeTitle returns the beginning of the title of a notice of kind, zh-CN first.
func noticeTitle(kind string) string {
	switch kind {
	case NoticeFiled:
		return "新申请 New application"
	case NoticeReturned:
		return "退回 Returned"
	case NoticeRejected:
		return "不予批准 Rejected"
	case NoticeClosed:
		return "办结 Closed"
	case NoticeEscalated:
		return "超期 Overdue"
	}
	return "待办 To do"
}

// noticeText returns a notice's title (its kind, the step and the application's title) and body (the
// procedure, the step, its role, due date and the action taken): no actor, no comment.
func noticeText(p Procedure, a Application, kind string, action AppAction) (string, string) {
	st, atStep := p.Step(a.State)
	title := noticeTitle(kind)
	if atStep {
		title += " · " + st.Name
	}
	title += "：" + a.Title
	if r := []rune(title); len(r) > 300 {
		title = string(r[:299]) + "…"
	}
	parts := []string{p.Name}
	if atStep {
		parts = append(parts, fmt.Sprintf("%s（%s）", st.Name, st.Role))
		if due, ok := a.Due[a.State]; ok {
			parts = append(parts, "期限 due "+due.Format(time.DateOnly))
		}
	} else {
		parts = append(parts, a.State)
	}
	if action != "" && len(a.Actions) > 0 {
		last := a.Actions[len(a.Actions)-1]
		parts = append(parts, fmt.Sprintf("操作 action: %s @ %s", last.Action, last.Step))
	}
	return title, strings.Join(parts, " · ")
}

// NotifyOverdue leaves an escalation notice for each open application overdue at its step whose step
// escalates (Step.Escalation) and that has none since it reached the step: to the escalation role at the
// application's agency. It returns how many it left. serve runs it daily (KeepNoticesSent); of several
// servers running it at once, one leaves each notice (the notice's key, escalationKey).
func (g *Register) NotifyOverdue(ctx context.Context) (int, error) {
	list, err := g.store.Applications(ctx, ApplicationFilter{})
	if err != nil {
		return 0, err
	}
	now, left := g.now(), 0
	for _, a := range list {
		if !a.Overdue(now) {
			continue
		}
		p, _ := g.procedures().Of(a.Kind)
		st, ok := p.Step(a.State)
		if !ok || st.Escalation() == "" {
			continue
		}
		since := a.CreatedAt // when a reached its step: the last action taken elsewhere (a proposal stays)
		for i := len(a.Actions) - 1; i >= 0; i-- {
			if a.Actions[i].Step != a.State {
				since = a.Actions[i].At
				break
			}
		}
		// Escalations left before notices had keys (migration 0031) have none: they are found by their time.
		before, err := g.store.Notices(ctx, NoticeFilter{ApplicationID: a.ID, Kind: NoticeEscalated, After: since.Add(-time.Second)})
		if err != nil {
			return left, err
		}
		if len(before) > 0 {
			continue
		}
		title, body := noticeText(p, a, NoticeEscalated, "")
		n := Notice{Role: st.Escalation(), AgencyID: a.AgencyID, ApplicationID: a.ID, Kind: NoticeEscalated, Title: title, Body: body,
			Once: escalationKey(a.State, since)}
		if err := g.addNotice(ctx, &n); err != nil {
			return left, err
		}
		if n.ID != uuid.Nil { // Nil: another server left this visit's escalation since the read above
			left++
		}
	}
	return left, nil
}

// escalationKey is the key (Notice.Once) of the escalation of the visit of step that began at since: the
// same on every server, so that of two servers checking at once only one leaves the notice.
func escalationKey(step string, since time.Time) string {
	return "escalated " + step + " " + since.UTC().Format(time.RFC3339Nano)
}

// noticeOverlap is how far before the last notice handed over SendNotices looks again: a notice stamped
// earlier but stored later (a slower write) is still found; those already handed over are skipped.
const noticeOverlap = time.Minute

// noticeCursor is where KeepNoticesSent stands: the newest notice handed over and those of the last
// noticeOverlap, not to hand them over twice.
type noticeCursor struct {
	at   time.Time
	sent map[uuid.UUID]time.Time
}

// sendNotices hands the notices created after c.at (less noticeOverlap) and not handed over yet to n,
// oldest first, and moves c on. Each is claimed first (NoticeStore.ClaimDelivery): one another server
// has claimed is left to it. A notice n fails to deliver is logged and not tried again, by any server.
func (g *Register) sendNotices(ctx context.Context, n Notifier, c *noticeCursor) error {
	list, err := g.Notices(ctx, NoticeFilter{After: c.at.Add(-noticeOverlap)})
	if err != nil {
		return err
	}
	slices.Reverse(list)
	for _, x := range list {
		if _, done := c.sent[x.ID]; done {
			continue
		}
		mine, err := g.store.ClaimDelivery(ctx, x.ID, g.now())
		if err != nil { // not claimed: the next poll tries again, while the notice is within noticeOverlap
			if ctx.Err() == nil {
				slog.ErrorContext(ctx, "floorplan: claim a notice's delivery", "notice", x.ID, "err", err)
			}
			continue
		}
		c.sent[x.ID] = x.CreatedAt
		if x.CreatedAt.After(c.at) {
			c.at = x.CreatedAt
		}
		if !mine { // another server hands it over
			continue
		}
		if err := n.Notify(ctx, x); err != nil && ctx.Err() == nil {
			slog.ErrorContext(ctx, "floorplan: deliver a notice", "notice", x.ID, "kind", x.Kind, "err", err)
		}
	}
	for id, at := range c.sent {
		if at.Before(c.at.Add(-2 * noticeOverlap)) {
			delete(c.sent, id)
		}
	}
	return nil
}

// KeepNoticesSent leaves the escalation notices of overdue applications (NotifyOverdue) a minute after it
// starts and then daily, and, when n is not nil, hands every notice created from its start on to n
// within about poll, until ctx ends; it logs what fails. It is the body of a goroutine that serve starts.
// Several servers over one database each run it: each notice is handed over by the first to claim it.
func (g *Register) KeepNoticesSent(ctx context.Context, n Notifier, poll time.Duration) {
	c := &noticeCursor{at: g.now(), sent: map[uuid.UUID]time.Time{}}
	check := time.Now().Add(time.Minute)
	for {
		if !time.Now().Before(check) {
			if _, err := g.NotifyOverdue(ctx); err != nil && ctx.Err() == nil {
				slog.ErrorContext(ctx, "floorplan: escalate the overdue applications", "err", err)
			}
			check = time.Now().Add(24 * time.Hour)
		}
		if n != nil {
			if err := g.sendNotices(ctx, n, c); err != nil && ctx.Err() == nil {
				slog.ErrorContext(ctx, "floorplan: read the notices to deliver", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}
