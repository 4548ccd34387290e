package floorplan

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"officemap/geo"
)

// The ledger (一房一账, 《党政机关办公用房管理办法》 art. 6): per property and year, its areas — the title's,
// the book's, the gross area measured from the drawings, the usable area of its rooms by kind — and its
// money — book value, maintenance, property services, running costs, rent received. The bureau keeps the
// general ledger (every property); each using agency a sub-ledger (the rooms it uses). Areas come from the
// register as it is now; money and the book area from ledger entries, which are appended and never
// changed (a correction is another entry).

// LedgerKind is what a ledger entry records.
type LedgerKind string

// Ledger entry kinds. Money is in yuan, the book area in m².
const (
	LedgerBookValue        LedgerKind = "book_value"        // 账面价值 (the asset's value in the books, yuan)
	LedgerBookArea         LedgerKind = "book_area"         // 账面建筑面积 (the building area the books record, m²)
	LedgerMaintenance      LedgerKind = "maintenance"       // 维修费
	LedgerPropertyServices LedgerKind = "property_services" // 物业服务费
	LedgerUtilities        LedgerKind = "utilities"         // 水电等运行费
	LedgerRentReceived     LedgerKind = "rent_received"     // 租金收入
)

// LedgerKinds lists the kinds in the ledger's column order.
var LedgerKinds = []LedgerKind{LedgerBookValue, LedgerBookArea, LedgerMaintenance, LedgerPropertyServices,
	LedgerUtilities, LedgerRentReceived}

// EntityLedgerEntry is a ledger entry, for the permission hook and the audit log.
const EntityLedgerEntry Entity = "ledger_entry"

// LedgerEntry is one line the bureau enters in a property's ledger for a year.
type LedgerEntry struct {
	ID     uuid.UUID  `json:"id"`
	SiteID uuid.UUID  `json:"site_id"`
	Year   int        `json:"year"`
	Kind   LedgerKind `json:"kind"`
	// Amount is in yuan (money) or m² (book_area), two decimals; negative to correct an earlier entry.
	Amount float64 `json:"amount"`
	Note   string  `json:"note,omitempty"`
	// DocumentID is the archive's document that supports it (an invoice, a contract), when there is one.
	DocumentID uuid.UUID `json:"document_id,omitzero"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks an entry before it is recorded.
func (e *LedgerEntry) Validate() error {
	const rec = "ledger entry"
	known := false
	for _, k := range LedgerKinds {
		known = known || e.Kind == k
	}
	switch {
	case e.SiteID == uuid.Nil:
		return fieldError(rec, "site_id", FieldOutOfRange, "is required")
	case e.Year < 1949 || e.Year > 2200:
		return fieldError(rec, "year", FieldOutOfRange, "is %d, not a year from 1949 to 2200", e.Year)
	case !known:
		return fieldError(rec, "kind", FieldOutOfRange, "is %q, not one of book_value, book_area, maintenance, property_services, utilities, rent_received", e.Kind)
	case math.IsNaN(e.Amount) || math.Abs(e.Amount) > 1e13 || math.Abs(e.Amount*100-math.Round(e.Amount*100)) > 1e-6:
		return fieldError(rec, "amount", FieldOutOfRange, "is %v, not an amount with at most two decimals", e.Amount)
	case e.Amount == 0:
		return fieldError(rec, "amount", FieldOutOfRange, "is 0: an entry records an amount")
	}
	return checkText(rec, "note", e.Note, TextRule{MaxRunes: 500, Lines: true})
}

// LedgerFilter narrows ledger entries; zero fields do not filter.
type LedgerFilter struct {
	SiteID uuid.UUID
	Year   int
}

// LedgerEntryReader reads the ledger entries.
type LedgerEntryReader interface {
	// LedgerEntries lists entries by site, year and recording time.
	LedgerEntries(ctx context.Context, f LedgerFilter) ([]LedgerEntry, error)
}

// LedgerStore keeps the ledger entries. Both stores implement it.
type LedgerStore interface {
	LedgerEntryReader
	// AddLedgerEntry records e, setting ID (when uuid.Nil), RecordedBy (the actor) and RecordedAt.
	AddLedgerEntry(ctx context.Context, e *LedgerEntry) error
}

// LedgerLine is one property's line of a ledger.
type LedgerLine struct {
	SiteID    uuid.UUID       `json:"site_id"`
	SiteName  string          `json:"site_name"`
	Category  string          `json:"category"`
	Ownership OwnershipStatus `json:"ownership"`
	// TitleAreaM2 is the sum of the building areas of its titles; BookAreaM2 that of its book_area entries
	// of the year; GrossAreaM2 the gross area measured: each floor's outline, or its building's footprint
	// for a floor drawn without one. The general ledger only: a sub-ledger has the agency's rooms alone.
	TitleAreaM2 float64 `json:"title_area_m2"`
	BookAreaM2  float64 `json:"book_area_m2"`
	GrossAreaM2 float64 `json:"gross_area_m2"`
	// UsableAreaM2 is the measured area of its live rooms that have a floor (Usage.HasFloor), split into
	// office rooms (offices, rest rooms, private toilets), service, equipment and ancillary rooms, and the rest.
	UsableAreaM2    float64 `json:"usable_area_m2"`
	OfficeAreaM2    float64 `json:"office_area_m2"`
	ServiceAreaM2   float64 `json:"service_area_m2"`
	EquipmentAreaM2 float64 `json:"equipment_area_m2"`
	AncillaryAreaM2 float64 `json:"ancillary_area_m2"`
	OtherAreaM2     float64 `json:"other_area_m2"`
	Rooms           int     `json:"rooms"`
	// Money of the year, in yuan (general ledger only).
	BookValue        float64 `json:"book_value"`
	Maintenance      float64 `json:"maintenance"`
	PropertyServices float64 `json:"property_services"`
	Utilities        float64 `json:"utilities"`
	RentReceived     float64 `json:"rent_received"`
}

// LedgerCheck is a reconciliation that failed: 账实 (the title's area against the gross area measured) or
// 账证 (the book's area against the title's).
type LedgerCheck struct {
	SiteID    uuid.UUID `json:"site_id"`
	Check     string    `json:"check" enum:"title_vs_measured,book_vs_title"`
	Expected  float64   `json:"expected_m2"`
	Found     float64   `json:"found_m2"`
	DiffPct   float64   `json:"diff_pct"`
	Message   string    `json:"message"`
	MessageEN string    `json:"message_en"`
}

// Ledger is the general ledger (AgencyID uuid.Nil) or an agency's sub-ledger of a year.
type Ledger struct {
	Year     int           `json:"year"`
	AgencyID uuid.UUID     `json:"agency_id,omitzero"`
	AreasAt  time.Time     `json:"areas_at"` // the moment the areas were read (the register now)
	Lines    []LedgerLine  `json:"lines"`
	Totals   LedgerLine    `json:"totals"`
	Checks   []LedgerCheck `json:"checks"`
}

// Reconciliation tolerances: how far two areas may differ before the ledger reports it.
const (
	// TitleMeasuredTolerancePct: a title's area is measured by the survey's rules (outer walls, half of
	// shared walls), the drawings' outlines by the drawing; 5 % covers the two methods.
	TitleMeasuredTolerancePct = 5.0
	// BookTitleTolerancePct: the books should carry the title's figure.
	BookTitleTolerancePct = 0.5
)

// LedgerReader is what BuildLedger reads.
type LedgerReader interface {
	Reader
	LedgerEntryReader
}

// BuildLedger builds the ledger of year: the general one for agency uuid.Nil, else that agency's
// sub-ledger. keep (nil: all) says which sites the caller may see. It reads one building's rooms at a time.
func BuildLedger(ctx context.Context, r LedgerReader, year int, agency uuid.UUID, keep func(Site) bool, now time.Time) (*Ledger, error) {
	sites, err := r.Sites(ctx)
	if err != nil {
		return nil, err
	}
	l := &Ledger{Year: year, AgencyID: agency, AreasAt: now, Lines: []LedgerLine{}, Checks: []LedgerCheck{}}
	for _, s := range sites {
		if keep != nil && !keep(s) {
			continue
		}
		line, err := ledgerLine(ctx, r, s, year, agency)
		if err != nil {
			return nil, err
		}
		if agency != uuid.Nil && line.Rooms == 0 {
			continue // a sub-ledger lists the properties the agency uses
		}
		l.Lines = append(l.Lines, line)
		l.Totals.add(line)
		if agency == uuid.Nil {
			l.Checks = append(l.Checks, reconcile(line)...)
		}
	}
	l.Totals.round()
	return l, nil
}

// ledgerLine measures one property (its rooms of agency only, unless uuid.Nil) and sums its entries.
func ledgerLine(ctx context.Context, r LedgerReader, s Site, year int, agency uuid.UUID) (LedgerLine, error) {
	line := LedgerLine{SiteID: s.ID, SiteName: s.Name, Category: s.Category, Ownership: s.Ownership}
	buildings, err := r.Buildings(ctx, s.ID)
	if err != nil {
		return line, err
	}
	for _, b := range buildings {
		rooms, err := r.Rooms(ctx, RoomFilter{BuildingID: b.ID, AgencyID: agency})
		if err != nil {
			return line, err
		}
		for _, room := range rooms {
			line.addRoom(room)
		}
		if agency != uuid.Nil {
			continue
		}
		floors, err := r.Floors(ctx, b.ID)
		if err != nil {
			return line, err
		}
		for _, f := range floors {
			if len(f.Outline) > 0 {
				line.GrossAreaM2 += geo.Area(f.Outline)
			} else {
				line.GrossAreaM2 += geo.Area(b.Footprint)
			}
		}
	}
	if agency == uuid.Nil {
		for _, rec := range s.Records {
			line.TitleAreaM2 += rec.AreaM2
		}
		entries, err := r.LedgerEntries(ctx, LedgerFilter{SiteID: s.ID, Year: year})
		if err != nil {
			return line, err
		}
		for _, e := range entries {
			line.addEntry(e)
		}
	}
	line.round()
	return line, nil
}

// addRoom adds a room's measured area to its kind's column.
func (l *LedgerLine) addRoom(room Room) {
	if !room.Usage.HasFloor() {
		return
	}
	a := RoundM2(room.Area())
	l.Rooms++
	l.UsableAreaM2 += a
	switch room.Usage {
	case UsageOffice, UsageRestRoom, UsageToilet:
		l.OfficeAreaM2 += a
	case UsageService:
		l.ServiceAreaM2 += a
	case UsageEquipment:
		l.EquipmentAreaM2 += a
	case UsageAncillary:
		l.AncillaryAreaM2 += a
	default:
		l.OtherAreaM2 += a
	}
}

// addEntry adds an entry's amount to its column.
func (l *LedgerLine) addEntry(e LedgerEntry) {
	switch e.Kind {
	case LedgerBookValue:
		l.BookValue += e.Amount
	case LedgerBookArea:
		l.BookAreaM2 += e.Amount
	case LedgerMaintenance:
		l.Maintenance += e.Amount
	case LedgerPropertyServices:
		l.PropertyServices += e.Amount
	case LedgerUtilities:
		l.Utilities += e.Amount
	case LedgerRentReceived:
		l.RentReceived += e.Amount
	}
}

// add adds another line's figures (for the totals).
func (l *LedgerLine) add(o LedgerLine) {
	l.TitleAreaM2 += o.TitleAreaM2
	l.BookAreaM2 += o.BookAreaM2
	l.GrossAreaM2 += o.GrossAreaM2
	l.UsableAreaM2 += o.UsableAreaM2
	l.OfficeAreaM2 += o.OfficeAreaM2
	l.ServiceAreaM2 += o.ServiceAreaM2
	l.EquipmentAreaM2 += o.EquipmentAreaM2
	l.AncillaryAreaM2 += o.AncillaryAreaM2
	l.OtherAreaM2 += o.OtherAreaM2
	l.Rooms += o.Rooms
	l.BookValue += o.BookValue
	l.Maintenance += o.Maintenance
	l.PropertyServices += o.PropertyServices
	l.Utilities += o.Utilities
	l.RentReceived += o.RentReceived
}

// round rounds every figure to two decimals (sums of rounded figures drift in the last bits).
func (l *LedgerLine) round() {
	for _, p := range []*float64{&l.TitleAreaM2, &l.BookAreaM2, &l.GrossAreaM2, &l.UsableAreaM2, &l.OfficeAreaM2,
		&l.ServiceAreaM2, &l.EquipmentAreaM2, &l.AncillaryAreaM2, &l.OtherAreaM2, &l.BookValue, &l.Maintenance,
		&l.PropertyServices, &l.Utilities, &l.RentReceived} {
		*p = RoundM2(*p)
	}
}

// reconcile returns the checks a property's line fails: 账实 and 账证, each when both figures are known.
func reconcile(l LedgerLine) []LedgerCheck {
	var out []LedgerCheck
	check := func(kind string, expected, found, tol float64, zh, en string) {
		if expected <= 0 || found <= 0 {
			return
		}
		pct := RoundM2((found - expected) / expected * 100)
		if math.Abs(pct) <= tol {
			return
		}
		out = append(out, LedgerCheck{SiteID: l.SiteID, Check: kind, Expected: expected, Found: found, DiffPct: pct,
			Message:   fmt.Sprintf(zh, l.SiteName, expected, found, pct, tol),
			MessageEN: fmt.Sprintf(en, l.SiteName, expected, found, pct, tol)})
	}
	check("title_vs_measured", l.TitleAreaM2, l.GrossAreaM2, TitleMeasuredTolerancePct,
		"账实不符：%s 证载建筑面积 %.2f m²，实测 %.2f m²，相差 %+.2f%%（容差 %.1f%%）",
		"ledger vs property: %s has a title area of %.2f m² but measures %.2f m² (%+.2f%%, tolerance %.1f%%)")
	check("book_vs_title", l.TitleAreaM2, l.BookAreaM2, BookTitleTolerancePct,
		"账证不符：%s 证载建筑面积 %.2f m²，账面 %.2f m²，相差 %+.2f%%（容差 %.1f%%）",
		"ledger vs title: %s has a title area of %.2f m² but the books record %.2f m² (%+.2f%%, tolerance %.1f%%)")
	return out
}
