package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/report"
)

// The ledger (一房一账, floorplan/ledger.go): GET /api/v1/ledger — the general ledger, or with agency_id an
// agency's sub-ledger — as JSON or XLSX, and the entries recorded against a property's year: the general
// ledger's by the bureau, an agency's sub-ledger entries also by those who keep the agency (its manager).

// ledgerEntryJSON is a ledger entry on the wire.
type ledgerEntryJSON struct {
	ID         uuid.UUID `json:"id" readonly:"true"`
	SiteID     uuid.UUID `json:"site_id"`
	AgencyID   optID     `json:"agency_id"` // null: the general ledger's entry; else the agency's sub-ledger's
	Year       int       `json:"year"`
	Kind       string    `json:"kind" enum:"book_value,book_area,maintenance,property_services,utilities,rent_received"`
	Amount     float64   `json:"amount"`
	Note       string    `json:"note"`
	DocumentID optID     `json:"document_id"`
	RecordedBy string    `json:"recorded_by" readonly:"true"`
	RecordedAt time.Time `json:"recorded_at" readonly:"true"`
}

func ledgerEntryOut(e floorplan.LedgerEntry) ledgerEntryJSON {
	return ledgerEntryJSON{ID: e.ID, SiteID: e.SiteID, AgencyID: optID(e.AgencyID), Year: e.Year, Kind: string(e.Kind), Amount: e.Amount, Note: e.Note,
		DocumentID: optID(e.DocumentID), RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt}
}

type ledgerEntriesJSON struct {
	Entries []ledgerEntryJSON `json:"entries"`
}

// ledgerJSON is a ledger on the wire.
type ledgerJSON struct {
	*floorplan.Ledger
	AgencyName string `json:"agency_name,omitempty"`
}

// ledger serves GET /api/v1/ledger?year=&agency_id=&format=json|xlsx&lang=. The general ledger is the
// bureau's (report permission); an agency's sub-ledger is for whoever sees the agency too.
func (s *Server) ledger(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	year := q.int("year", time.Now().Year(), 1949, 2200)
	agency := q.uuid("agency_id")
	format := nextParam(q, "format", choice("json", map[string]string{"json": "json", "xlsx": "xlsx"}, "json or xlsx"))
	lang := nextParam(q, "lang", documentLang)
	if q.err != nil {
		return q.err
	}
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	var agencyName string
	if c, ok := identity.CallerFrom(ctx); ok && agency == uuid.Nil && !identity.Can(c.User.Grants, identity.ActionReport) {
		// The general ledger is the bureau's (report): others get their agency's sub-ledger.
		if agency = ownAgency(c.User.Grants); agency == uuid.Nil {
			return badParam("agency_id", "is required: the general ledger needs the report permission; name the agency whose sub-ledger you want")
		}
	}
	if agency != uuid.Nil {
		a, err := s.store.Agency(ctx, agency)
		if err != nil {
			return about("agency", err)
		}
		if !sc.agency(agency) {
			return s.denyRead(ctx, "agency", agency)
		}
		agencyName = a.Name
	}
	led, err := floorplan.BuildLedger(ctx, s.store, year, agency,
		func(site floorplan.Site) bool { return sc.site(site.ID) }, time.Now())
	if err != nil {
		return err
	}
	if format == "json" {
		return writeJSON(w, http.StatusOK, ledgerJSON{Ledger: led, AgencyName: agencyName})
	}
	var buf bytes.Buffer
	if err := report.WriteLedgerXLSX(&buf, led, agencyName, report.Options{Lang: lang}); err != nil {
		return err
	}
	name := fmt.Sprintf("ledger-%d.xlsx", year)
	if agency != uuid.Nil {
		name = fmt.Sprintf("ledger-%d-%s.xlsx", year, agency)
	}
	w.Header().Set("Content-Type", report.XLSX.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// listLedgerEntries serves GET /api/v1/ledger/entries?site_id=&year=&agency_id=: the entries at the
// properties the caller sees; an agency's entries where the caller sees the agency or the property's rooms
// whatever their agency (its district). agency_id keeps that agency's.
func (s *Server) listLedgerEntries(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.LedgerFilter{SiteID: q.uuid("site_id"), Year: q.int("year", 0, 0, 2200)}
	agency := q.uuid("agency_id")
	if q.err != nil {
		return q.err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	entries, err := s.store.LedgerEntries(r.Context(), f)
	if err != nil {
		return err
	}
	out := ledgerEntriesJSON{Entries: make([]ledgerEntryJSON, 0, len(entries))}
	for _, e := range entries {
		visible := sc.site(e.SiteID) && (e.General() || sc.agency(e.AgencyID) || sc.sites[e.SiteID])
		if visible && (agency == uuid.Nil || e.AgencyID == agency) {
			out.Entries = append(out.Entries, ledgerEntryOut(e))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// createLedgerEntry serves POST /api/v1/ledger/entries: the general ledger's entry (write_register), or with
// agency_id that agency's sub-ledger entry (write_people or write_register where the agency is: an agency
// manager records their own agency's).
func (s *Server) createLedgerEntry(w http.ResponseWriter, r *http.Request) error {
	var in ledgerEntryJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	e := floorplan.LedgerEntry{SiteID: in.SiteID, AgencyID: in.AgencyID.UUID(), Year: in.Year, Kind: floorplan.LedgerKind(in.Kind), Amount: in.Amount,
		Note: in.Note, DocumentID: in.DocumentID.UUID()}
	if _, err := s.register.AddLedgerEntry(r.Context(), &e); err != nil {
		return about("site", err)
	}
	loc := "/api/v1/ledger/entries?site_id=" + e.SiteID.String() + "&year=" + strconv.Itoa(e.Year)
	if !e.General() {
		loc += "&agency_id=" + e.AgencyID.String()
	}
	w.Header().Set("Location", loc)
	return writeJSON(w, http.StatusCreated, ledgerEntryOut(e))
}

// ownAgency is the one agency a caller's grants are scoped to, or uuid.Nil when none or several.
func ownAgency(grants []identity.Grant) uuid.UUID {
	var own uuid.UUID
	for _, g := range grants {
		switch {
		case g.Scope.Agency == uuid.Nil:
		case own == uuid.Nil:
			own = g.Scope.Agency
		case own != g.Scope.Agency:
			return uuid.Nil
		}
	}
	return own
}
