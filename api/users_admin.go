package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The administrators' routes (with Deps.Identity): the system administrator lists, adds, resets,
// disables and enables accounts and revokes their API tokens; the security administrator lists them and
// sets their roles and scopes (三员分立). identity.Service checks the caller again, audits every action
// and refuses a change of one's own grants; the route rules keep the others out first. The routes are
// listed with the other account routes (accountRoutes).

// grantJSON is one grant as the administrators' routes read and write it.
type grantJSON struct {
	Role  string       `json:"role" enum:"sysadmin,secadmin,auditor,bureau_admin,planner,agency_manager,inspector,viewer"`
	Scope scopeRefJSON `json:"scope"`
}

// scopeRefJSON is a grant's scope: a jurisdiction and an agency subtree (null: all).
type scopeRefJSON struct {
	Agency       optID `json:"agency"`
	Jurisdiction optID `json:"jurisdiction"`
}

// adminUserJSON is an account as the administrators see it: never its password hashes nor its second
// factor's secret.
type adminUserJSON struct {
	accountJSON
	Scopes             []grantJSON `json:"scopes"`
	Disabled           bool        `json:"disabled"`
	Locked             bool        `json:"locked"`
	MustChangePassword bool        `json:"must_change_password"`
	TOTPEnabled        bool        `json:"totp_enabled"`
	SSO                bool        `json:"sso"` // provisioned by single sign-on
	CreatedAt          time.Time   `json:"created_at"`
}

func (s *Server) adminUserJSON(u identity.User) adminUserJSON {
	return adminUserJSON{accountJSON: accountOf(u), Scopes: wireList(u.Grants, func(g identity.Grant) grantJSON {
		return grantJSON{Role: string(g.Role), Scope: scopeRefJSON{Agency: optID(g.Scope.Agency), Jurisdiction: optID(g.Scope.Jurisdiction)}}
	}), Disabled: u.Disabled, Locked: u.LockedUntil.After(s.now()), MustChangePassword: u.MustChangePassword,
		TOTPEnabled: u.TOTPEnabled, SSO: u.ExternalSubject != "", CreatedAt: u.CreatedAt}
}

// newUserJSON is the body of POST /api/v1/users.
type newUserJSON struct {
	Username string   `json:"username"`
	Roles    []string `json:"roles"` // unscoped grants; only a caller who may grant roles gives them
}

// oneTimeJSON answers an account's creation or password reset: the one-time password, shown this once.
type oneTimeJSON struct {
	User     adminUserJSON `json:"user"`
	Password string        `json:"password"`
}

// tokenInfoJSON is an API token as listed: never its secret.
type tokenInfoJSON struct {
	ID        uuid.UUID  `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	LastUsed  *time.Time `json:"last_used"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// listUsers lists every account.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.identity.Users(r.Context())
	return writeList(w, us, err, s.adminUserJSON)
}

// addUser adds an account and answers it with its one-time password, shown this once.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	var body newUserJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	var grants []identity.Grant
	for _, role := range body.Roles {
		grants = append(grants, identity.Grant{Role: identity.Role(role)})
	}
	u, pw, err := s.identity.AddUser(r.Context(), body.Username, grants, "")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, oneTimeJSON{User: s.adminUserJSON(u), Password: pw})
}

// resetPassword gives account id a one-time password, shown this once.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, id uuid.UUID) error {
	pw, err := s.identity.ResetPassword(r.Context(), id)
	if err != nil {
		return err
	}
	u, err := s.identity.User(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, oneTimeJSON{User: s.adminUserJSON(u), Password: pw})
}

// disableUser disables account id and answers it as it is now.
func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, id uuid.UUID) error {
	return s.changedUser(w, r, id, s.identity.Disable(r.Context(), id))
}

// enableUser enables account id again and answers it as it is now.
func (s *Server) enableUser(w http.ResponseWriter, r *http.Request, id uuid.UUID) error {
	return s.changedUser(w, r, id, s.identity.Enable(r.Context(), id))
}

// setGrants replaces the grants of account id and answers it as it is now.
func (s *Server) setGrants(w http.ResponseWriter, r *http.Request, id uuid.UUID) error {
	var body []grantJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body == nil {
		return badRequest("the body is a list of grants: [{\"role\", \"scope\": {\"agency\", \"jurisdiction\"}}]")
	}
	grants := make([]identity.Grant, len(body))
	for i, g := range body {
		grants[i] = identity.Grant{Role: identity.Role(g.Role),
			Scope: identity.Scope{Agency: g.Scope.Agency.UUID(), Jurisdiction: g.Scope.Jurisdiction.UUID()}}
	}
	return s.changedUser(w, r, id, s.identity.Grant(r.Context(), id, grants))
}

// changedUser answers a change of account id that returned err: the account as it is now, or err.
func (s *Server) changedUser(w http.ResponseWriter, r *http.Request, id uuid.UUID, err error) error {
	if err != nil {
		return err
	}
	u, err := s.identity.User(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.adminUserJSON(u))
}

// agencyRefJSON is an agency as the security administrator's scope picker needs it: no more than its
// name and place in the agency tree.
type agencyRefJSON struct {
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	ParentID optID     `json:"parent_id"`
}

// grantAgencies lists every agency's name for the scope picker of the security administrator, whose
// role reads nothing of the register (GET /api/v1/agencies is empty to them).
func (s *Server) grantAgencies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Agencies(r.Context())
	return writeList(w, list, err, func(a floorplan.Agency) agencyRefJSON {
		return agencyRefJSON{ID: a.ID, Name: a.Name, ParentID: optID(a.ParentID)}
	})
}

// tokensOf lists the API tokens of account userID.
func (s *Server) tokensOf(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	ts, err := s.identity.Tokens(r.Context(), userID)
	return writeList(w, ts, err, func(t identity.Token) tokenInfoJSON {
		return tokenInfoJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
			LastUsed: optTime(t.LastUsed), RevokedAt: optTime(t.RevokedAt)}
	})
}

// revokeOf revokes the API token {tid} of account userID.
func (s *Server) revokeOf(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	return noContent(w, s.identity.RevokeToken(r.Context(), userID, tid))
}
