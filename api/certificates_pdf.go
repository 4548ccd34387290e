package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/pdfdoc"
	"officemap/floorplan/render"
)

// The certificate as a text PDF (floorplan/pdfdoc): A4, the Chinese font embedded as a subset, so that its
// number, agency and rooms can be searched and copied and any PDF reader shows them. It holds the title,
// the number, the agency, the approval (the application it carries out), the dates, the rooms' table with
// their usable areas and the total, the QR code and address of the public verification page, and a plan
// excerpt of each floor the rooms are on, drawn as registered today and in the caller's scope.

// certificateTitle is the title printed on a certificate.
const certificateTitle = "党政机关办公用房分配使用凭证"

// certificatePlanFloors bounds the floors drawn in a certificate's plan excerpt.
const certificatePlanFloors = 4

// certificatePlanWidth is the width of a plan excerpt in pixels: about 200 dpi across the page.
const certificatePlanWidth = 1400

// certificatePDF serves GET /api/v1/certificates/{id}.pdf.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCertificate(r)
	if err != nil {
		return err
	}
	release, err := s.renders.enter(r.Context()) // plans and the font's subset: heavy work
	if err != nil {
		return err
	}
	defer release()
	font, err := s.pdfFont()
	if err != nil {
		return fmt.Errorf("api: certificate PDF: %w", err)
	}
	doc := certificateDoc{c: c, agency: s.agencyName(r, c.AgencyID), verifyURL: s.verifyURL(r, c.Code),
		approval: s.certificateApproval(r, c)}
	if doc.plans, err = s.certificatePlans(r, c); err != nil {
		return err
	}
	body, err := doc.pdf(font)
	if err != nil {
		return fmt.Errorf("api: certificate PDF: %w", err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="certificate-%s.pdf"`, c.Number()))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(body)
	return err
}

// certificateDoc is what a certificate's PDF shows.
type certificateDoc struct {
	c         floorplan.Certificate
	agency    string
	verifyURL string
	approval  []pdfdoc.KV // the application carried out, its approval date
	plans     []planExcerpt
}

// planExcerpt is the plan of a floor the certificate's rooms are on.
type planExcerpt struct {
	caption string
	png     []byte
}

// pdf writes the certificate.
func (cd certificateDoc) pdf(font *pdfdoc.Font) ([]byte, error) {
	c := cd.c
	issued := c.IssuedAt.Format(floorplan.DateLayout)
	d := pdfdoc.New(font, pdfdoc.Options{Title: certificateTitle + " " + c.Number(), Subject: "分配使用凭证 usage certificate",
		Author: "officemap", Footer: "凭证编号 No. " + c.Number(), Date: c.IssuedAt})
	d.Title(certificateTitle, "Usage certificate of office rooms · No. "+c.Number())
	if c.Revoked() {
		revoked := c.RevokedAt.Format(floorplan.DateLayout)
		d.Notice(fmt.Sprintf("已撤销：本凭证于 %s 撤销，不再有效\nRevoked on %s: no longer valid", revoked, revoked))
	}
	agency := cd.agency
	if agency == "" {
		agency = "—"
	}
	kv := []pdfdoc.KV{{Key: "凭证编号 No.", Value: c.Number()}, {Key: "使用单位 Agency", Value: agency},
		{Key: "签发日期 Issued", Value: issued}}
	kv = append(kv, cd.approval...)
	if c.Revoked() {
		kv = append(kv, pdfdoc.KV{Key: "撤销日期 Revoked", Value: c.RevokedAt.Format(floorplan.DateLayout)},
			pdfdoc.KV{Key: "撤销原因 Reason", Value: c.RevokeReason})
	}
	d.KeyValues(kv)

	d.Heading("房间及使用面积 Rooms and usable areas")
	d.Table(certificateTable(c))
	d.Paragraph(fmt.Sprintf("以上 %d 间办公用房分配给%s使用，使用面积合计 %.2f m²。The %d rooms above are allocated to the agency for its use; total usable area %.2f m².",
		len(c.Rooms), agency, c.TotalAreaM2, len(c.Rooms), c.TotalAreaM2))

	d.Heading("核验 Verification")
	d.QR(cd.verifyURL, 38, "扫描二维码或访问下列地址，核验本凭证当前是否有效：\n"+
		"Scan the code or open this address to check whether the certificate is valid now:\n"+cd.verifyURL)

	if len(cd.plans) > 0 {
		d.Heading("平面示意 Plan excerpt")
		d.Small("按今日登记状态绘制，房间按使用单位着色。Drawn as registered today, rooms coloured by agency.")
		for _, p := range cd.plans {
			d.Space(2)
			d.Figure(p.caption, p.png, 0, 0)
		}
	}
	return d.Bytes()
}

// certificateTable is the certificate's rooms with their usable areas, and the total.
func certificateTable(c floorplan.Certificate) pdfdoc.Table {
	t := pdfdoc.Table{Columns: []pdfdoc.Column{
		{Title: "序号 #", Width: 14, Align: pdfdoc.Right},
		{Title: "楼栋 Building"},
		{Title: "楼层 Floor", Width: 24},
		{Title: "房间号 Room", Width: 32},
		{Title: "使用面积 Usable area m²", Width: 46, Align: pdfdoc.Right},
	}}
	for i, rm := range c.Rooms {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), rm.Building, rm.Floor, rm.Number, fmt.Sprintf("%.2f", rm.AreaM2)})
	}
	t.Foot = []string{"", "合计 Total", "", fmt.Sprintf("%d 间 rooms", len(c.Rooms)), fmt.Sprintf("%.2f", c.TotalAreaM2)}
	return t
}

// certificateApproval is the approval reference of c: the application it carries out (title, procedure,
// its id) and the day it was approved; nothing when it carries out none. An application the store no
// longer has is named by its id.
func (s *Server) certificateApproval(r *http.Request, c floorplan.Certificate) []pdfdoc.KV {
	if c.ApplicationID == uuid.Nil {
		return nil
	}
	ref := pdfdoc.KV{Key: "批准依据 Approval", Value: "申请 Application " + c.ApplicationID.String()}
	a, err := s.store.Application(r.Context(), c.ApplicationID)
	if err != nil {
		return []pdfdoc.KV{ref}
	}
	kind := string(a.Kind)
	if p, ok := s.register.Procedures().Of(a.Kind); ok && p.Name != "" {
		kind = p.Name
	}
	ref.Value = fmt.Sprintf("%s（%s）\n申请 Application %s", a.Title, kind, a.ID)
	out := []pdfdoc.KV{ref}
	for i := len(a.Actions) - 1; i >= 0; i-- {
		if a.Actions[i].Action == floorplan.ActApprove {
			out = append(out, pdfdoc.KV{Key: "批准日期 Approved", Value: a.Actions[i].At.Format(floorplan.DateLayout)})
			break
		}
	}
	return out
}

// certificatePlans draws the floors of c's rooms (the first certificatePlanFloors of them) as the caller
// sees them today, coloured by agency. A floor deleted since the issue is left out.
func (s *Server) certificatePlans(r *http.Request, c floorplan.Certificate) ([]planExcerpt, error) {
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	store := scopedPlanStore{Reader: s.store, sc: sc}
	day := floorplan.DayOf(s.now())
	var floors []uuid.UUID
	rooms := map[uuid.UUID][]string{}
	for _, rm := range c.Rooms {
		if _, ok := rooms[rm.FloorID]; !ok {
			floors = append(floors, rm.FloorID)
		}
		rooms[rm.FloorID] = append(rooms[rm.FloorID], rm.Number)
	}
	var out []planExcerpt
	for _, id := range floors[:min(len(floors), certificatePlanFloors)] {
		plan, err := render.BuildPlanToday(ctx, store, s.register.States, day, id)
		if errors.Is(err, floorplan.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		opt := render.Options{Width: certificatePlanWidth, Color: render.ByAgency, Fonts: s.renderFonts()}
		if err := render.PNG(&buf, plan, opt); err != nil {
			return nil, err
		}
		caption := fmt.Sprintf("%s %s — 本凭证房间 rooms of this certificate: %s", plan.Building.Name, plan.Floor.Name,
			strings.Join(rooms[id], "、"))
		out = append(out, planExcerpt{caption: caption, png: buf.Bytes()})
	}
	return out, nil
}
