package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The audit log over HTTP: what requests did (auditRequest), and the auditor's view of the log.

// audit appends r to the audit log as the request's caller (identity.Service.Audit fills in the user,
// roles and address). It outlives a client that hangs up; a failure is logged, since the response
// has been decided already.
func (s *Server) audit(req *http.Request, r identity.AuditRecord) {
	ctx := context.WithoutCancel(req.Context())
	if r.Addr == "" {
		r.Addr = s.clientAddr(req)
	}
	if _, err := s.identity.Audit(ctx, r); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "audit record lost", slog.String("request_id", requestID(ctx)),
			slog.String("action", r.Action), slog.String("target", r.Target), slog.String("error", err.Error()))
	}
}

// auditRequest records what a request did, once it has been answered: each change the permission
// hook allowed ("write.room.update", with the record and the register's revision) when the request
// succeeded, and the request itself when its route says so (exports, imports, reports, reading the
// audit log), with its outcome.
func (s *Server) auditRequest(r *http.Request, rule routeRule, trail *auditTrail, header http.Header) {
	status := http.StatusOK
	if ri := infoFrom(r.Context()); ri != nil {
		status = ri.status
	}
	if writes := trail.list(); len(writes) > 0 && status < 400 {
		rev, err := s.store.Revision(context.WithoutCancel(r.Context()))
		detail := "revision " + strconv.FormatInt(rev, 10)
		if err != nil {
			detail = "revision unknown"
		}
		created := createdID(header)
		for _, w := range writes {
			if w.ID == uuid.Nil && w.Op == floorplan.OpCreate && created != uuid.Nil && len(writes) == 1 {
				w.ID = created
			}
			d := detail
			if w.What != "" {
				d += "; " + w.What
			}
			s.audit(r, identity.AuditRecord{Action: writeAuditAction(w), Target: writeTarget(w),
				Outcome: identity.OutcomeOK, Detail: d})
		}
	}
	if rule.audit == "" {
		return
	}
	action := rule.audit
	if action == "import" || action == "export" { // …/{format}
		action += "." + identity.Clip(strings.ToLower(path.Base(r.URL.Path)), 32)
	}
	outcome := identity.OutcomeOK
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		outcome = identity.OutcomeDenied
	case status >= 400:
		outcome = identity.OutcomeFailed
	}
	s.audit(r, identity.AuditRecord{Action: action, Target: r.URL.Path, Outcome: outcome,
		Detail: identity.Clip(fmt.Sprintf("status %d; %s", status, r.URL.RawQuery), 1000)})
}

// createdID is the id at the end of a created resource's Location header, or uuid.Nil.
func createdID(h http.Header) uuid.UUID {
	loc := h.Get("Location")
	if loc == "" {
		return uuid.Nil
	}
	id, err := uuid.Parse(path.Base(loc))
	if err != nil {
		return uuid.Nil
	}
	return id
}

// auditRecordJSON is one audit record on the wire.
type auditRecordJSON struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   optID     `json:"user_id"`
	Username string    `json:"username"`
	Role     string    `json:"role"`
	Addr     string    `json:"addr"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	Outcome  string    `json:"outcome" enum:"ok,denied,failed"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Paging of GET /api/v1/audit.
const (
	auditDefaultLimit = 1000
	auditMaxLimit     = 10000
)

// getAudit lists the audit records that the query selects, oldest first: from (inclusive) and to
// (exclusive) as RFC 3339 instants or days, user, action, after (a seq, for paging) and limit. The
// role matrix gives it to the auditor only.
func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) error {
	qv, q := r.URL.Query(), queryOf(r)
	f := identity.AuditFilter{User: qv.Get("user"), Action: qv.Get("action"), From: nextParam(q, "from", queryInstant),
		To: nextParam(q, "to", queryInstant), Limit: q.int("limit", auditDefaultLimit, 1, auditMaxLimit),
		AfterSeq: int64(q.int("after", 0, 0, 1<<62))}
	if q.err != nil {
		return q.err
	}
	records, err := s.identity.AuditLog(r.Context(), f)
	return writeList(w, records, err, func(a identity.AuditRecord) auditRecordJSON {
		return auditRecordJSON{Seq: a.Seq, At: a.At, UserID: optID(a.UserID), Username: a.Username, Role: a.Role,
			Addr: a.Addr, Action: a.Action, Target: a.Target, Outcome: a.Outcome, Detail: a.Detail,
			PrevHash: a.PrevHash, Hash: a.Hash}
	})
}

// queryInstant reads an optional instant: RFC 3339, or a day YYYY-MM-DD (its start, UTC).
func queryInstant(r *http.Request, name string) (time.Time, error) {
	parse := func(raw string) (time.Time, error) {
		if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
			return t, nil
		}
		return time.Parse(floorplan.DateLayout, raw)
	}
	return queryParam(r, name, time.Time{}, parse, func(raw string) error {
		return badParam(name, fmt.Sprintf("must be an RFC 3339 instant or a day YYYY-MM-DD, not %q", raw))
	})
}
