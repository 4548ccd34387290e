package sample

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The demo's archive and ledger: the centre's title certificate and floor plans are filed, its completion
// drawings are not (the archive's checklist finds them missing: 缺档); the turnover building has its filing
// papers. The centre's title gives a building area 8 % above what its drawings measure (the ledger's 账实
// check finds it), and the books carry the title's figure, with a year of costs. Two agencies have entered
// their part of the centre's book value in their sub-ledgers, which do not add up to the general ledger's
// (the ledger's 账账 check finds it: the other agencies have not entered theirs).

// SampleDocument is a document of the demo's archive, with its bytes.
type SampleDocument struct {
	floorplan.Document
	Data []byte
}

// centreTitleAreaM2 is the building area on the centre's title: 8 % over the gross area its floors measure
// (sample_test checks it), as a title measured to the outer face of older walls may say.
const centreTitleAreaM2 = 11707.55

// archive adds the documents and the ledger entries.
func (g *gen) archive() {
	doc := func(key string, typ floorplan.SubjectType, subject uuid.UUID, docType, name string, lines ...string) {
		data := samplePDF(lines)
		sum := sha256.Sum256(data)
		g.d.Documents = append(g.d.Documents, SampleDocument{Data: data, Document: floorplan.Document{
			ID: newID("document", key), SubjectType: typ, SubjectID: subject, DocType: docType, Name: name,
			SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MediaType: "application/pdf",
			Date: g.today.AddDate(-7, -2, 0)}})
	}
	centre, turnover := newID("site", "centre"), newID("site", "turnover")
	doc("centre-title", floorplan.SubjectSite, centre, "title_certificate", "不动产权证书.pdf",
		"Real estate title certificate (sample)", "Changzhou Administrative Centre", fmt.Sprintf("Building area: %.2f m2", centreTitleAreaM2))
	doc("centre-plans", floorplan.SubjectSite, centre, "floor_plan", "平面图.pdf", "Floor plans (sample)", "Main building, east and west wings")
	doc("turnover-confirmation", floorplan.SubjectSite, turnover, "filing_confirmation", "权属确认意见.pdf", "Title confirmation (sample)")
	doc("turnover-notice", floorplan.SubjectSite, turnover, "public_notice", "公示.pdf", "Public notice, 15 days (sample)")
	doc("turnover-filing", floorplan.SubjectSite, turnover, "filing_document", "备案文件.pdf", "Filing document (sample)")
	doc("turnover-repair", floorplan.SubjectSite, turnover, "maintenance_record", "外墙及屋面维修验收.pdf", "Facade and roof repair, acceptance (sample)")
	g.registration(turnover)
	g.d.Sites[0].Records[0].AreaM2 = centreTitleAreaM2
	year := g.today.Year()
	for i, e := range []floorplan.LedgerEntry{
		{SiteID: centre, Kind: floorplan.LedgerBookArea, Amount: centreTitleAreaM2},
		{SiteID: centre, Kind: floorplan.LedgerBookValue, Amount: 186_500_000},
		{SiteID: centre, Kind: floorplan.LedgerMaintenance, Amount: 386_420.5},
		{SiteID: centre, Kind: floorplan.LedgerPropertyServices, Amount: 1_260_000},
		{SiteID: centre, Kind: floorplan.LedgerUtilities, Amount: 942_318.72},
		{SiteID: turnover, Kind: floorplan.LedgerMaintenance, Amount: 48_600},
		{SiteID: centre, AgencyID: newID("agency", "fgw"), Kind: floorplan.LedgerBookValue, Amount: 9_200_000},
		{SiteID: centre, AgencyID: newID("agency", "czj"), Kind: floorplan.LedgerBookValue, Amount: 8_600_000},
	} {
		e.ID, e.Year = newID("ledger", fmt.Sprint(i)), year
		g.d.LedgerEntries = append(g.d.LedgerEntries, e)
	}
}

// registration gives the filed turnover building its state's history (title unclear, filing, filed), the
// three steps of its filing path with their documents, and a manual timeline event: the facade and roof
// repair of three years ago, with its acceptance record.
func (g *gen) registration(site uuid.UUID) {
	papers := g.today.AddDate(-7, -2, 0) // the day of the archive's filing papers (doc above)
	ids := func(keys ...string) []uuid.UUID {
		out := make([]uuid.UUID, len(keys))
		for i, k := range keys {
			out[i] = newID("document", k)
		}
		return out
	}
	for i, c := range []floorplan.RegistrationChange{
		{State: floorplan.OwnershipUnclear, Effective: g.today.AddDate(-9, 0, 0), Reason: "原房屋所有权证遗失，权属资料不全"},
		{State: floorplan.OwnershipFiling, Effective: papers.AddDate(0, -2, 0), Reason: "启动权属备案"},
		{State: floorplan.OwnershipFiled, Effective: papers.AddDate(0, 0, 1), Reason: "备案完成，由机关事务管理局统一管理"},
	} {
		c.ID, c.SiteID = newID("registration", fmt.Sprint(i)), site
		g.d.RegistrationChanges = append(g.d.RegistrationChanges, c)
	}
	for i, s := range []floorplan.FilingStep{
		{Step: floorplan.StepConfirmation, Date: papers.AddDate(0, -1, 0), DocumentIDs: ids("turnover-confirmation"),
			Note: "市财政局、市不动产登记中心确认权属"},
		{Step: floorplan.StepNotice, Start: papers.AddDate(0, -1, 5), End: papers.AddDate(0, -1, 20), DocumentIDs: ids("turnover-notice"),
			Note: "公示 15 日，无异议"},
		{Step: floorplan.StepFilingDocument, Date: papers, Number: fmt.Sprintf("常机管〔%d〕7号", papers.Year()), Form: floorplan.FormMinutes,
			DocumentIDs: ids("turnover-filing")},
	} {
		s.ID, s.SiteID = newID("filing-step", fmt.Sprint(i)), site
		g.d.FilingSteps = append(g.d.FilingSteps, s)
	}
	g.d.TimelineEvents = append(g.d.TimelineEvents, floorplan.TimelineEvent{ID: newID("timeline", "turnover-repair"), SiteID: site,
		Date: g.today.AddDate(-3, 0, 0), Kind: floorplan.TimelineRenovated, Title: "外墙及屋面维修",
		Note: "竣工验收合格", DocumentIDs: ids("turnover-repair")})
}

// samplePDF is a one-page PDF showing lines of ASCII text in Helvetica, with a correct cross-reference table.
func samplePDF(lines []string) []byte {
	var text strings.Builder
	text.WriteString("BT /F1 16 Tf 72 770 Td 22 TL\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&text, "(%s) Tj T*\n", l)
	}
	text.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", text.Len(), text.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
