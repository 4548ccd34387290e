package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"officemap/api/tiles"
	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// Usage certificates (分配使用凭证, floorplan/certificates.go):
//
//   - POST /api/v1/certificates ({"agency_id","room_ids","application_id"}): issue (201), by those who
//     allocate rooms (write_geometry: the bureau, planners), through the Register;
//   - GET /api/v1/certificates?agency_id=, GET /api/v1/certificates/{id}: the certificates of the agencies
//     the caller sees (an agency manager: its own); others are 404;
//   - GET /api/v1/certificates/{id}.pdf: the certificate as an A4 PDF (certificates_pdf.go);
//   - POST /api/v1/certificates/{id}/revoke ({"reason"});
//   - GET /verify/{code}: public, whether the certificate is valid now (certificates_verify.go).

// certificateRoutes lists the certificate routes with their rules and documentation.
func certificateRoutes() []accountRoute {
	const v1 = "/api/v1"
	read := may(identity.ActionRead)
	allocate := may(identity.ActionWriteGeometry)
	id := []paramDoc{}
	return []accountRoute{
		{(*Server).issueCertificate, allocate, opDoc{method: "POST", path: v1 + "/certificates", tag: "certificates",
			summary: "Issue a usage certificate (分配使用凭证) to an agency for rooms allocated to it now (a room that is not is 422 naming it); application_id is optional",
			body:    "CertificateIssue", status: 201, result: "Certificate"}},
		{(*Server).listCertificates, read, opDoc{method: "GET", path: v1 + "/certificates", tag: "certificates",
			summary: "The certificate register: the usage certificates of the agencies the caller sees, newest first, each with whether it is valid now; searched by q (number, agency, room number or building, application), narrowed by valid, exported as CSV or XLSX (format, lang)",
			query: []paramDoc{q("agency_id", paramDoc{"", "only this agency's", uuidSchema()}),
				q("q", str("text in the number, the agency's name, a room's number or building, or the application id")),
				q("valid", paramDoc{"", "true: only those valid now; false: only those not", map[string]any{"type": "string", "enum": []string{"true", "false"}}}),
				q("format", paramDoc{"", "json (default), csv or xlsx", map[string]any{"type": "string", "enum": []string{"json", "csv", "xlsx"}}}),
				q("lang", paramDoc{"", "zh (default) or en: the export's headers", map[string]any{"type": "string", "enum": []string{"zh", "en"}}})}, result: arrayOf("Certificate")}},
		{(*Server).certificatePDF, read, opDoc{method: "GET", path: v1 + "/certificates/{id}.pdf", tag: "certificates",
			summary: "The certificate as an A4 PDF: title, number, agency, rooms and usable areas, total, issue date and the QR code of its verification page",
			query:   id, result: map[string]any{"type": "string", "format": "binary"}, resultType: "application/pdf"}},
		{(*Server).getCertificate, read, opDoc{method: "GET", path: v1 + "/certificates/{id}", tag: "certificates",
			summary: "One usage certificate, with whether it is valid now and why not", result: "Certificate"}},
		{(*Server).revokeCertificate, allocate, opDoc{method: "POST", path: v1 + "/certificates/{id}/revoke", tag: "certificates",
			summary: "Revoke a certificate for a reason (required); one already revoked is 409", body: "CertificateRevoke", result: "Certificate"}},
		{(*Server).verifyCertificate, routeRule{access: accessAnonymous}, opDoc{method: "GET", path: "/verify/{code}", tag: "certificates",
			summary: "Public: whether the certificate of a verification code is valid now (HTML, zh-CN unless ?lang=en or Accept-Language prefers English; JSON with Accept: application/json), with its agency, rooms and areas and issue date, no personal data; an unknown code is 404",
			result:  "CertificateVerification", resultType: "text/html"}},
	}
}

// certificateRoomJSON is a room of a certificate on the wire.
type certificateRoomJSON struct {
	ID       uuid.UUID `json:"id"`
	Number   string    `json:"number"`
	Building string    `json:"building"`
	Floor    string    `json:"floor"`
	AreaM2   float64   `json:"area_m2"`
}

// certificateJSON is a certificate on the wire.
type certificateJSON struct {
	ID            uuid.UUID             `json:"id"`
	Number        string                `json:"number"`
	Code          string                `json:"code"`
	VerifyURL     string                `json:"verify_url"`
	AgencyID      uuid.UUID             `json:"agency_id"`
	Agency        string                `json:"agency"`
	Rooms         []certificateRoomJSON `json:"rooms"`
	TotalAreaM2   float64               `json:"total_area_m2"`
	ApplicationID *uuid.UUID            `json:"application_id"`
	IssuedAt      time.Time             `json:"issued_at"`
	IssuedBy      string                `json:"issued_by"`
	RevokedAt     *time.Time            `json:"revoked_at"`
	RevokedBy     string                `json:"revoked_by,omitempty"`
	RevokeReason  string                `json:"revoke_reason,omitempty"`
	Valid         bool                  `json:"valid"`
	Reason        string                `json:"reason,omitempty"`
}

// certificateIssueJSON is the body of an issue.
type certificateIssueJSON struct {
	AgencyID      string   `json:"agency_id"`
	RoomIDs       []string `json:"room_ids"`
	ApplicationID string   `json:"application_id"`
}

// certificateRevokeJSON is the body of a revocation.
type certificateRevokeJSON struct {
	Reason string `json:"reason"`
}

// verifyPath is the public verification page of code.
func verifyPath(code string) string { return "/verify/" + code }

// verifyURL is the absolute address of code's verification page. It is printed on the certificate and put
// in its QR code, so it cannot be root-relative as the API's links may be: it starts with the public URL
// (OFFICEMAP_PUBLIC_URL) or the trusted proxy's, as other links do; without either, with the address the
// caller reached this server at (the Host of the request, when it is a well-formed host) — set the public
// URL for certificates printed for others.
func (s *Server) verifyURL(r *http.Request, code string) string {
	base := s.baseURL(r)
	if base == "" && tiles.ValidHost(strings.ToLower(r.Host)) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + verifyPath(code)
}

// certificateOut is c on the wire, with its validity now (v) and the agency's name.
func (s *Server) certificateOut(r *http.Request, c floorplan.Certificate, v floorplan.Validity) certificateJSON {
	out := certificateJSON{ID: c.ID, Number: c.Number(), Code: c.Code, VerifyURL: s.verifyURL(r, c.Code),
		AgencyID: c.AgencyID, Agency: s.agencyName(r, c.AgencyID), Rooms: make([]certificateRoomJSON, len(c.Rooms)),
		TotalAreaM2: c.TotalAreaM2, IssuedAt: c.IssuedAt, IssuedBy: c.IssuedBy, RevokedBy: c.RevokedBy,
		RevokeReason: c.RevokeReason, Valid: v.Valid, Reason: v.Reason}
	for i, rm := range c.Rooms {
		out.Rooms[i] = certificateRoomJSON{ID: rm.ID, Number: rm.Number, Building: rm.Building, Floor: rm.Floor, AreaM2: rm.AreaM2}
	}
	if c.ApplicationID != uuid.Nil {
		id := c.ApplicationID
		out.ApplicationID = &id
	}
	if c.Revoked() {
		at := c.RevokedAt
		out.RevokedAt = &at
	}
	return out
}

// agencyName is the name of agency id, "" when it is gone.
func (s *Server) agencyName(r *http.Request, id uuid.UUID) string {
	a, err := s.store.Agency(r.Context(), id)
	if err != nil {
		return ""
	}
	return a.Name
}

// certificateError turns the Register's refusal of a value into a 422 naming the field, and a missing
// certificate into its 404.
func certificateError(err error) error {
	var fe *floorplan.FieldError
	if errors.As(err, &fe) {
		return registrationError(err)
	}
	return about("certificate", err)
}

// issueCertificate serves POST /api/v1/certificates.
func (s *Server) issueCertificate(w http.ResponseWriter, r *http.Request) error {
	var in certificateIssueJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	agency, err := uuid.Parse(in.AgencyID)
	if err != nil {
		return badField("agency_id", "must be an agency's UUID")
	}
	rooms := make([]uuid.UUID, len(in.RoomIDs))
	for i, raw := range in.RoomIDs {
		if rooms[i], err = uuid.Parse(raw); err != nil {
			return badField("room_ids["+strconv.Itoa(i)+"]", "must be a room's UUID")
		}
	}
	application := uuid.Nil
	if in.ApplicationID != "" {
		if application, err = uuid.Parse(in.ApplicationID); err != nil {
			return badField("application_id", "must be an application's UUID")
		}
	}
	c, err := s.register.IssueCertificate(r.Context(), agency, rooms, application)
	if err != nil {
		return certificateError(err)
	}
	w.Header().Set("Location", "/api/v1/certificates/"+c.ID.String())
	return writeJSON(w, http.StatusCreated, s.certificateOut(r, c, floorplan.Validity{Valid: true}))
}

// visibleCertificate reads the certificate of {id} when the caller sees its agency (404 otherwise).
func (s *Server) visibleCertificate(r *http.Request) (floorplan.Certificate, error) {
	raw := strings.TrimSuffix(mux.Vars(r)["id"], ".pdf")
	id, err := uuid.Parse(raw)
	if err != nil {
		return floorplan.Certificate{}, about("certificate", floorplan.ErrNotFound)
	}
	ctx := r.Context()
	c, err := s.store.Certificate(ctx, id)
	if err != nil {
		return c, about("certificate", err)
	}
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return c, err
	}
	return c, s.inScope(ctx, sc, "certificate", c.ID, c.AgencyID, nil)
}

// getCertificate serves GET /api/v1/certificates/{id}.
func (s *Server) getCertificate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCertificate(r)
	if err != nil {
		return err
	}
	v, err := floorplan.CertificateValidity(r.Context(), s.store, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.certificateOut(r, c, v))
}

// listCertificates serves GET /api/v1/certificates?agency_id=.
func (s *Server) listCertificates(w http.ResponseWriter, r *http.Request) error {
	agency, err := queryUUID(r, "agency_id")
	if err != nil {
		return err
	}
	query, err := readCertificateQuery(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, err := s.store.Certificates(ctx, floorplan.CertificateFilter{AgencyID: agency})
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	out := []certificateJSON{}
	for _, c := range list {
		if !sc.agency(c.AgencyID) {
			continue
		}
		v, err := floorplan.CertificateValidity(ctx, s.store, c)
		if err != nil {
			return err
		}
		if o := s.certificateOut(r, c, v); query.matches(o) {
			out = append(out, o)
		}
	}
	if query.format != "json" {
		return writeCertificateRegister(w, out, query)
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeCertificate serves POST /api/v1/certificates/{id}/revoke.
func (s *Server) revokeCertificate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCertificate(r)
	if err != nil {
		return err
	}
	var in certificateRevokeJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	c, err = s.register.RevokeCertificate(r.Context(), c.ID, in.Reason)
	if err != nil {
		return certificateError(err)
	}
	v, err := floorplan.CertificateValidity(r.Context(), s.store, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.certificateOut(r, c, v))
}
