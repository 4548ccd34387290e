package archive

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The archive's findings: what the register's own records say is wrong with a property's archive and
// ledger, as opposed to the findings engine's rules on people, agencies and rooms (floorplan.Evaluate). A
// document type the checklist expects and that no live document of the property has (缺档), and each
// reconciliation of the ledger that fails (账实: the title's area against the gross area measured from the
// drawings; 账证: the book's area against the title's; 账账: the agencies' sub-ledger entries of a kind, summed,
// against the general ledger's; floorplan.BuildLedger).

// Rule ids of the archive's findings.
const (
	// RuleMissingDocument: the checklist expects a document type of the property that it lacks.
	RuleMissingDocument = "archive.missing_document"
	// RuleTitleVsMeasured: the title's area and the gross area measured differ beyond the tolerance (账实).
	RuleTitleVsMeasured = "ledger.title_vs_measured"
	// RuleBookVsTitle: the book's area and the title's differ beyond the tolerance (账证).
	RuleBookVsTitle = "ledger.book_vs_title"
	// RuleSubVsGeneral: the agencies' sub-ledger entries of a kind do not add up to the general ledger's
	// (账账).
	RuleSubVsGeneral = "ledger.sub_vs_general"
)

// Sources of the archive's findings.
const (
	SourceArchive = "《党政机关办公用房管理办法》(2017) 第五条（权属登记、备案）、第七条（信息化管理）"
	SourceLedger  = "《党政机关办公用房管理办法》(2017) 第六条（账账相符、账实相符、账证相符）"
)

// Finding is one finding of the archive about one property.
type Finding struct {
	RuleID    string    `json:"rule_id" enum:"archive.missing_document,ledger.title_vs_measured,ledger.book_vs_title,ledger.sub_vs_general"`
	SiteID    uuid.UUID `json:"site_id"`
	SiteName  string    `json:"site_name"`
	Severity  string    `json:"severity" enum:"violation,notice"`
	Source    string    `json:"source"`
	Message   string    `json:"message"`    // zh-CN
	MessageEN string    `json:"message_en"` // English
	// DocType is the document type missing (archive.missing_document).
	DocType string `json:"doc_type,omitempty"`
	// AreaTitle is the title's building area, AreaMeasured the gross area measured and AreaBook the book's
	// area of the year, in m², when the finding compares them (0: not compared); DiffPct how far apart.
	AreaTitle    float64 `json:"area_title,omitempty"`
	AreaMeasured float64 `json:"area_measured,omitempty"`
	AreaBook     float64 `json:"area_book,omitempty"`
	DiffPct      float64 `json:"diff_pct,omitempty"`
	// LedgerKind is the kind of entry 账账 compares (ledger.sub_vs_general), General the general ledger's
	// figure of it and SubLedgers the sum of the agencies' entries (yuan, or m² for book_area; absent: 0).
	LedgerKind string  `json:"ledger_kind,omitempty"`
	General    float64 `json:"general,omitempty"`
	SubLedgers float64 `json:"sub_ledgers,omitempty"`
}

// FindingsReader is what Findings reads: the register, the ledger's entries and the documents.
type FindingsReader interface {
	floorplan.LedgerReader
	floorplan.DocumentReader
}

// Findings returns the archive's findings of year (the ledger's year) for the properties keep keeps (nil:
// every property), by property name, property id, rule and document type: a property's missing documents
// per checklist (types names them), then its failed reconciliations. Every live document of the property
// and of its buildings, floors and rooms counts as held, whoever may read it.
func Findings(ctx context.Context, r FindingsReader, checklist Checklist, types []DocType, year int,
	keep func(floorplan.Site) bool, now time.Time) ([]Finding, error) {
	sites, err := r.Sites(ctx)
	if err != nil {
		return nil, err
	}
	named := make(map[string]DocType, len(types))
	for _, t := range types {
		named[t.Code] = t
	}
	out := []Finding{}
	for _, s := range sites {
		if keep != nil && !keep(s) {
			continue
		}
		docs, err := r.Documents(ctx, floorplan.DocumentFilter{SiteID: s.ID})
		if err != nil {
			return nil, err
		}
		held := make([]string, len(docs))
		for i, d := range docs {
			held[i] = d.DocType
		}
		for _, code := range checklist.Missing(s.Category, string(s.Ownership), held) {
			t, ok := named[code]
			if !ok {
				t = DocType{Code: code, Name: code, NameEN: code}
			}
			out = append(out, Finding{RuleID: RuleMissingDocument, SiteID: s.ID, SiteName: s.Name,
				Severity: floorplan.SeverityViolation, Source: SourceArchive, DocType: code,
				Message:   fmt.Sprintf("缺档：房产“%s”的档案缺少%s（按%s房产的档案清单应有）。", s.Name, t.Name, stateZH(s.Ownership)),
				MessageEN: fmt.Sprintf("Missing document: the archive of %s has no %s, which the checklist expects of a %s property.", s.Name, lower(t.NameEN), s.Ownership)})
		}
	}
	led, err := floorplan.BuildLedger(ctx, r, year, uuid.Nil, keep, now)
	if err != nil {
		return nil, err
	}
	names := make(map[uuid.UUID]string, len(led.Lines))
	for _, l := range led.Lines {
		names[l.SiteID] = l.SiteName
	}
	for _, c := range led.Checks {
		f := Finding{SiteID: c.SiteID, SiteName: names[c.SiteID], Severity: floorplan.SeverityViolation,
			Source: SourceLedger, Message: c.Message, MessageEN: c.MessageEN, DiffPct: c.DiffPct, AreaTitle: c.Expected}
		switch c.Check {
		case "title_vs_measured":
			f.RuleID, f.AreaMeasured = RuleTitleVsMeasured, c.Found
		case "book_vs_title":
			f.RuleID, f.AreaBook = RuleBookVsTitle, c.Found
		case "sub_vs_general":
			f.RuleID, f.LedgerKind, f.General, f.SubLedgers = RuleSubVsGeneral, string(c.Kind), c.General, c.SubLedgers
		default:
			f.RuleID = "ledger." + c.Check
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.SiteName, b.SiteName), cmp.Compare(a.SiteID.String(), b.SiteID.String()),
			cmp.Compare(rank(a.RuleID), rank(b.RuleID)))
	})
	return out, nil
}

// rank orders a property's findings: missing documents (in the checklist's order), then 账实, 账证 and
// 账账 (by kind, in the ledger's order).
func rank(rule string) int {
	switch rule {
	case RuleMissingDocument:
		return 0
	case RuleTitleVsMeasured:
		return 1
	case RuleSubVsGeneral:
		return 3
	}
	return 2
}

// stateZH names an ownership state in Chinese, for the sentences.
func stateZH(s floorplan.OwnershipStatus) string {
	switch s {
	case floorplan.OwnershipRegistered:
		return "已登记"
	case floorplan.OwnershipFiled:
		return "已备案"
	case floorplan.OwnershipUnclear:
		return "权属不清"
	case "to_register":
		return "待登记"
	case "filing":
		return "备案办理中"
	case "disputed":
		return "有争议"
	}
	return string(s)
}

// lower lower-cases the first letter of an English name used inside a sentence.
func lower(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
