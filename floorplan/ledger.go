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
// changed (a correction is another entry). An entry is the general ledger's (the bureau's, AgencyID
// uuid.Nil) or an agency's sub-ledger entry for the part of the property it uses; the 账账 check compares
// the agencies' entries of a kind, summed, with the general ledger's.

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

// LedgerEntry is one line entered in a property's ledger for a year: the general ledger's (by the bureau) or
// an agency's sub-ledger's.
type LedgerEntry struct {
	ID     uuid.UUID `json:"id"`
	SiteID uuid.UUID `json:"site_id"`
	// AgencyID is uuid.Nil for an entry of the general ledger (the bureau's), else the agency whose
	// sub-ledger the entry is in (e.g. the book value or book area of the part of the property it uses).
	AgencyID uuid.UUID  `json:"agency_id,omitzero"`
	Year     int        `json:"year"`
	Kind     LedgerKind `json:"kind"`
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
	return checkText(recordLabel{kind: rec}, "note", e.Note, TextRule{MaxRunes: 500, Lines: true})
}

// General reports whether e is an entry of the general ledger rather than of an agency's sub-ledger.
func (e LedgerEntry) General() bool { return e.AgencyID == uuid.Nil }

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
	// AddLedgerEntry records e against a live site (and a live agency when e.AgencyID is set: else
	// ErrNotFound), setting ID (when uuid.Nil), RecordedBy (the actor) and RecordedAt.
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
	// Money of the year, in yuan: the general ledger's entries, or in a sub-ledger the agency's own.
	BookValue        float64 `json:"book_value"`
	Maintenance      float64 `json:"maintenance"`
	PropertyServices float64 `json:"property_services"`
	Utilities        float64 `json:"utilities"`
	RentReceived     float64 `json:"rent_received"`
	// SubVsGeneral is the 账账 check of a general ledger's line: "" when no agency has an entry of the
	// year at the property (nothing to compare), "ok" when, for each kind the agencies recorded, their
	// entries add up to the general ledger's figure (SubGeneralTolerancePct), else "mismatch" (Checks
	// names each kind). SubLedgers are those sums, by kind in LedgerKinds' order.
	SubVsGeneral string          `json:"sub_vs_general,omitempty" enum:"ok,mismatch"`
	SubLedgers   []LedgerKindSum `json:"sub_ledgers,omitempty"`
}

// LedgerKindSum is what the agencies' sub-ledger entries of one kind add up to at a property, beside the
// general ledger's figure of the kind (yuan, or m² for book_area).
type LedgerKindSum struct {
	Kind       LedgerKind `json:"kind"`
	SubLedgers float64    `json:"sub_ledgers"`
	General    float64    `json:"general"`
}

// LedgerCheck is a reconciliation that failed: 账实 (the title's area against the gross area measured),
// 账证 (the book's area against the title's) or 账账 (the agencies' sub-ledger entries of a kind, summed,
// against the general ledger's).
type LedgerCheck struct {
	SiteID uuid.UUID `json:"site_id"`
	Check  string    `json:"check" enum:"title_vs_measured,book_vs_title,sub_vs_general"`
	// Expected and Found are the areas an area check compares (账实, 账证), in m².
	Expected float64 `json:"expected_m2,omitempty"`
	Found    float64 `json:"found_m2,omitempty"`
	// Kind, General and SubLedgers are what 账账 compares: the general ledger's figure of the kind and the
	// sum of the agencies' entries of it (yuan, or m² for book_area; absent: 0).
	Kind       LedgerKind `json:"kind,omitempty"`
	General    float64    `json:"general,omitempty"`
	SubLedgers float64    `json:"sub_ledgers,omitempty"`
	// DiffPct is how far Found is from Expected (SubLedgers from General), in percent of it; 0 for a
	// 账账 check whose general ledger records nothing of the kind.
	DiffPct   float64 `json:"diff_pct"`
	Message   string  `json:"message"`
	MessageEN string  `json:"message_en"`
}

// Ledger is the general ledger (AgencyID uuid.Nil) or an agency's sub-ledger of a year.
type Ledger struct {
	Year     int           `json:"year"`
	AgencyID uuid.UUID     `json:"agency_id,omitzero"`
	AreasAt  time.Time     `json:"areas_at"` // the moment the areas were read (the register now)
	Lines    []LedgerLine  `json:"lines"`
	Totals   LedgerLine    `json:"totals"`
	Checks   []LedgerCheck `json:"checks"`
	// Entries are a sub-ledger's own entries of the year (the agency's), by property and recording time;
	// the general ledger lists none (GET /api/v1/ledger/entries does).
	Entries []LedgerEntry `json:"entries,omitempty"`
}

// Reconciliation tolerances: how far two areas may differ before the ledger reports it.
const (
	// TitleMeasuredTolerancePct: a title's area is measured by the survey's rules (outer walls, half of
	// shared walls), the drawings' outlines by the drawing; 5 % covers the two methods.
	TitleMeasuredTolerancePct = 5.0
	// BookTitleTolerancePct: the books should carry the title's figure.
	BookTitleTolerancePct = 0.5
	// SubGeneralTolerancePct: the sub-ledgers should add up to the general ledger's figure, books against
	// books as 账证 (the split of a figure among agencies may round).
	SubGeneralTolerancePct = BookTitleTolerancePct
)

// LedgerReader is what BuildLedger reads.
type LedgerReader interface {
	Reader
	LedgerEntryReader
}

// BuildLedger builds the ledger of year: the general one for agency uuid.Nil, else that agency's
// sub-ledger. keep (nil: all) says which sites the caller may see. It reads one building's rooms at a time.
//
// The general ledger reconciles each line (账实, 账证, 账账: reconcile, reconcileSub). The usable areas need
// no 账账 check: the general line and the sub-ledgers measure the same live rooms, each room counted in
// the sub-ledger of its one agency (Room.AgencyID) or in none, so the sub-ledgers' usable areas plus those
// of the rooms of no agency are the general line's by construction.
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
		line, own, err := ledgerLine(ctx, r, s, year, agency)
		if err != nil {
			return nil, err
		}
		if agency != uuid.Nil && line.Rooms == 0 && len(own) == 0 {
			continue // a sub-ledger lists the properties the agency uses or has entries for
		}
		if agency == uuid.Nil {
			l.Checks = append(l.Checks, reconcile(line)...)
			l.Checks = append(l.Checks, reconcileSub(&line)...)
		} else {
			l.Entries = append(l.Entries, own...)
		}
		l.Lines = append(l.Lines, line)
		l.Totals.add(line)
	}
	l.Totals.round()
	return l, nil
}

// ledgerLine measures one property (its rooms of agency only, unless uuid.Nil) and sums the ledger's own
// entries of the year, which it returns too: the general ledger's, or the agency's. A general line also
// sums the agencies' entries by kind (SubLedgers), for the 账账 check.
func ledgerLine(ctx context.Context, r LedgerReader, s Site, year int, agency uuid.UUID) (LedgerLine, []LedgerEntry, error) {
	line := LedgerLine{SiteID: s.ID, SiteName: s.Name, Category: s.Category, Ownership: s.Ownership}
	buildings, err := r.Buildings(ctx, s.ID)
	if err != nil {
		return line, nil, err
	}
	for _, b := range buildings {
		rooms, err := r.Rooms(ctx, RoomFilter{BuildingID: b.ID, AgencyID: agency})
		if err != nil {
			return line, nil, err
		}
		for _, room := range rooms {
			line.addRoom(room)
		}
		if agency != uuid.Nil {
			continue
		}
		floors, err := r.Floors(ctx, b.ID)
		if err != nil {
			return line, nil, err
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
	}
	entries, err := r.LedgerEntries(ctx, LedgerFilter{SiteID: s.ID, Year: year})
	if err != nil {
		return line, nil, err
	}
	var own []LedgerEntry
	sub := map[LedgerKind]float64{}
	for _, e := range entries {
		switch {
		case e.AgencyID == agency:
			line.addEntry(e)
			own = append(own, e)
		case agency == uuid.Nil:
			sub[e.Kind] += e.Amount
		}
	}
	line.round()
	for _, k := range LedgerKinds {
		// Entries that cancel out (one and its correction) are as if none were recorded.
		if a := RoundM2(sub[k]); a != 0 {
			line.SubLedgers = append(line.SubLedgers, LedgerKindSum{Kind: k, SubLedgers: a, General: line.amount(k)})
		}
	}
	return line, own, nil
}

// amount is the line's figure of kind k (0 for an unknown kind).
func (l *LedgerLine) amount(k LedgerKind) float64 {
	if p := l.column(k); p != nil {
		return *p
	}
	return 0
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
	if p := l.column(e.Kind); p != nil {
		*p += e.Amount
	}
}

// column is the line's figure of kind k, nil for an unknown kind.
func (l *LedgerLine) column(k LedgerKind) *float64 {
	switch k {
	case LedgerBookValue:
		return &l.BookValue
	case LedgerBookArea:
		return &l.BookAreaM2
	case LedgerMaintenance:
		return &l.Maintenance
	case LedgerPropertyServices:
		return &l.PropertyServices
	case LedgerUtilities:
		return &l.Utilities
	case LedgerRentReceived:
		return &l.RentReceived
	}
	return nil
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

// Names names the kind in Chinese and English, with its unit, for the checks' sentences and the workbook
// (the code itself for an unknown kind).
func (k LedgerKind) Names() (zh, en string) {
	switch k {
	case LedgerBookValue:
		return "账面价值（元）", "book value (yuan)"
	case LedgerBookArea:
		return "账面建筑面积（m²）", "book area (m²)"
	case LedgerMaintenance:
		return "维修费（元）", "maintenance (yuan)"
	case LedgerPropertyServices:
		return "物业费（元）", "property services (yuan)"
	case LedgerUtilities:
		return "运行费（元）", "utilities (yuan)"
	case LedgerRentReceived:
		return "租金收入（元）", "rent received (yuan)"
	}
	return string(k), string(k)
}

// reconcileSub is the 账账 check of a general line: for each kind the agencies recorded (l.SubLedgers),
// their sum must be the general ledger's figure within SubGeneralTolerancePct. It sets l.SubVsGeneral and
// returns a check for each kind that fails.
func reconcileSub(l *LedgerLine) []LedgerCheck {
	if len(l.SubLedgers) == 0 {
		return nil
	}
	var out []LedgerCheck
	for _, s := range l.SubLedgers {
		var pct float64
		if s.General != 0 {
			pct = RoundM2((s.SubLedgers - s.General) / math.Abs(s.General) * 100)
			if math.Abs(pct) <= SubGeneralTolerancePct {
				continue
			}
		}
		zh, en := s.Kind.Names()
		c := LedgerCheck{SiteID: l.SiteID, Check: "sub_vs_general", Kind: s.Kind, General: s.General,
			SubLedgers: s.SubLedgers, DiffPct: pct}
		if s.General == 0 {
			c.Message = fmt.Sprintf("账账不符：%s 各使用单位分户账的%s合计 %.2f，总账未记", l.SiteName, zh, s.SubLedgers)
			c.MessageEN = fmt.Sprintf("sub-ledgers vs general ledger: the agencies' sub-ledgers of %s record a %s of %.2f, the general ledger none",
				l.SiteName, en, s.SubLedgers)
		} else {
			c.Message = fmt.Sprintf("账账不符：%s 各使用单位分户账的%s合计 %.2f，总账 %.2f，相差 %+.2f%%（容差 %.1f%%）",
				l.SiteName, zh, s.SubLedgers, s.General, pct, SubGeneralTolerancePct)
			c.MessageEN = fmt.Sprintf("sub-ledgers vs general ledger: the agencies' sub-ledgers of %s add up to a %s of %.2f, the general ledger records %.2f (%+.2f%%, tolerance %.1f%%)",
				l.SiteName, en, s.SubLedgers, s.General, pct, SubGeneralTolerancePct)
		}
		out = append(out, c)
	}
	l.SubVsGeneral = "ok"
	if len(out) > 0 {
		l.SubVsGeneral = "mismatch"
	}
	return out
}
