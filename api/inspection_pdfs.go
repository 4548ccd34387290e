package api

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"officemap/floorplan"
	"officemap/floorplan/archive"
	"officemap/floorplan/identity"
	"officemap/floorplan/pdfdoc"
)

// The papers of the rectification (整改, issue 18), written as text PDFs (floorplan/pdfdoc):
//   - GET /api/v1/inspections/{id}/notices/{agency_id}.pdf: the rectification notice (整改通知书) to one
//     agency: its items that have been notified, each with what was found (the frozen numbers), the rooms
//     and the deadline, and how to answer. Read by the bureau and the inspectors where the agency is, and
//     by the agency's manager; people's names only to those who may read them (inspectionNames).
//   - GET /api/v1/inspection-items/{id}/referral.zip and GET /api/v1/inspections/{id}/referral.zip: the
//     referral file (移交纪检监察) of one referred item or of a plan's referred items: referral.pdf, the
//     evidence documents of the archive (photos, the answers' evidence) byte for byte, and manifest.json
//     with the SHA-256 of every file. For the bureau and the inspectors only: it holds personal data.

// The titles of the papers.
const (
	noticeTitle   = "办公用房整改通知书"
	referralTitle = "办公用房问题移交纪检监察机关材料"
)

// noticeIssuer is the issuer printed on a notice.
const noticeIssuer = "机关事务管理局 Government Offices Administration"

// rolesScope returns the caller's scope as the grants of roles alone give it; allowed is false when the
// caller holds none of them. Without accounts (no caller) everything is in scope.
func (s *Server) rolesScope(ctx context.Context, roles ...identity.Role) (scope, bool, error) {
	c, ok := identity.CallerFrom(ctx)
	if !ok {
		return everything, true, nil
	}
	grants := slices.DeleteFunc(slices.Clone(c.User.Grants), func(g identity.Grant) bool { return !slices.Contains(roles, g.Role) })
	if len(grants) == 0 {
		return scope{}, false, nil
	}
	sc, err := s.computeScope(ctx, grants)
	return sc, err == nil, err
}

// rolesRecord reads record id with read as visibleRecord does, but in the scope of the caller's grants of
// roles alone (rolesScope), which it returns too: 404 when there is none, when the caller holds none of
// roles, or when visible says the record is outside that scope.
func rolesRecord[T any](s *Server, ctx context.Context, id uuid.UUID, entity string, read func(context.Context, uuid.UUID) (T, error),
	visible func(scope, T) bool, roles ...identity.Role) (T, scope, error) {
	sc, ok, err := s.rolesScope(ctx, roles...)
	if err != nil {
		var zero T
		return zero, sc, err
	}
	rec, err := read(ctx, id)
	if err != nil {
		return rec, sc, about(entity, err)
	}
	if !ok || !visible(sc, rec) {
		return rec, sc, s.denyRead(ctx, entity, id)
	}
	return rec, sc, nil
}

// referralRecord reads the record of the path's id for a referral file, which only the bureau and the
// inspectors read (rolesRecord).
func referralRecord[T any](s *Server, r *http.Request, entity string, read func(context.Context, uuid.UUID) (T, error),
	visible func(scope, T) bool) (T, scope, error) {
	id, err := pathID(r, "id")
	if err != nil {
		var zero T
		return zero, scope{}, err
	}
	return rolesRecord(s, r.Context(), id, entity, read, visible, identity.RoleBureauAdmin, identity.RoleInspector)
}

// enterPDF enters the renders' gate (a PDF's font subset is heavy work; the caller defers release) and
// loads the PDF font; paper names the PDF in errors.
func (s *Server) enterPDF(ctx context.Context, paper string) (font *pdfdoc.Font, release func(), err error) {
	if release, err = s.renders.enter(ctx); err != nil {
		return nil, nil, err
	}
	if font, err = s.pdfFont(); err != nil {
		release()
		return nil, nil, fmt.Errorf("api: %s: %w", paper, err)
	}
	return font, release, nil
}

// inspectionNoticePDF serves GET /api/v1/inspections/{id}/notices/{agency_id}.pdf.
func (s *Server) inspectionNoticePDF(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	planID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	agencyID, err := uuid.Parse(strings.TrimSuffix(mux.Vars(r)["agency_id"], ".pdf"))
	if err != nil {
		return badParam("agency_id", "is not a UUID")
	}
	p, sc, err := rolesRecord(s, ctx, planID, "inspection", s.store.Inspection, planVisible,
		identity.RoleBureauAdmin, identity.RoleInspector, identity.RoleAgencyManager)
	if err != nil {
		return err
	}
	agency, err := s.store.Agency(ctx, agencyID)
	if err != nil {
		return about("agency", err)
	}
	if !sc.agency(agencyID) {
		return s.denyRead(ctx, "agency", agencyID)
	}
	items, err := s.store.InspectionItems(ctx, floorplan.ItemFilter{InspectionID: p.ID, AgencyID: agencyID})
	if err != nil {
		return err
	}
	items = slices.DeleteFunc(items, func(it floorplan.InspectionItem) bool { return it.Deadline.IsZero() })
	if len(items) == 0 {
		return &apiError{Status: http.StatusConflict, Code: "conflict",
			Message:   fmt.Sprintf("no item of agency %s in inspection %s has been notified yet: notify an item (with its deadline) first", agency.Name, p.ID),
			MessageZH: fmt.Sprintf("督查计划中%s尚无已下发整改通知的事项，请先下发整改通知（设定整改期限）", agency.Name)}
	}
	font, release, err := s.enterPDF(ctx, "notice PDF")
	if err != nil {
		return err
	}
	defer release()
	names, now := inspectionNames(ctx), s.now()
	rows := make([]paperItem, len(items))
	for i, it := range items {
		if rows[i], err = s.paperItemOf(ctx, sc, p, itemOut(it, now, names).InspectionItem); err != nil {
			return err
		}
	}
	nd := noticeDoc{plan: p, agency: agency, items: rows}
	body, err := nd.pdf(font)
	if err != nil {
		return fmt.Errorf("api: notice PDF: %w", err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", archive.ContentDisposition("整改通知书-"+nd.number()+".pdf"))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(body)
	return err
}

// paperItem is an item as the papers print it: the record with its point, rooms and agency resolved.
type paperItem struct {
	it     floorplan.InspectionItem
	point  floorplan.ChecklistPoint
	rooms  []string // the rooms' numbers (an id's prefix for a room the caller does not see)
	agency string
}

// paperItemOf resolves item it of plan p for the papers: its checklist point, its rooms as sc shows them
// and its agency's name.
func (s *Server) paperItemOf(ctx context.Context, sc scope, p floorplan.Inspection, it floorplan.InspectionItem) (paperItem, error) {
	pi := paperItem{it: it}
	if pt, ok := p.Checklist.Point(it.PointCode); ok {
		pi.point = pt
	} else {
		pi.point = floorplan.ChecklistPoint{Code: it.PointCode}
	}
	var ids []uuid.UUID
	if it.Finding != nil {
		ids = append(ids, it.Finding.RoomIDs...)
	}
	if it.RoomID != uuid.Nil && !slices.Contains(ids, it.RoomID) {
		ids = append(ids, it.RoomID)
	}
	for _, id := range ids {
		room, err := s.store.Room(ctx, id)
		switch {
		case err == nil && sc.room(room):
			pi.rooms = append(pi.rooms, room.Number)
		case err == nil || errors.Is(err, floorplan.ErrNotFound):
			pi.rooms = append(pi.rooms, "#"+id.String()[:8])
		default:
			return pi, err
		}
	}
	if a, err := s.store.Agency(ctx, it.AgencyID); err == nil {
		pi.agency = a.Name
	} else if errors.Is(err, floorplan.ErrNotFound) {
		pi.agency = "—"
	} else {
		return pi, err
	}
	return pi, nil
}

// finding is what was found of the item, in Chinese: the frozen finding's sentence (with its numbers),
// or a manual item's notes and measurements.
func (pi paperItem) finding() string {
	it := pi.it
	var parts []string
	if f := it.Finding; f != nil {
		parts = append(parts, f.Message) // its sentence carries the numbers as found
	}
	if it.Notes != "" {
		parts = append(parts, it.Notes)
	}
	for _, m := range it.Measurements {
		parts = append(parts, fmt.Sprintf("%s：%g %s", m.Name, m.Value, m.Unit))
	}
	if len(parts) == 0 {
		return pi.point.Text
	}
	return strings.Join(parts, "\n")
}

// source is the legal source of the item: its point's, or its finding's.
func (pi paperItem) source() string {
	if pi.point.Source != "" {
		return pi.point.Source
	}
	if pi.it.Finding != nil {
		return pi.it.Finding.Source
	}
	return "—"
}

// roomList is the item's rooms, "—" for none.
func (pi paperItem) roomList() string {
	if len(pi.rooms) == 0 {
		return "—"
	}
	return strings.Join(pi.rooms, "、")
}

// lastAction is the last action of kind on the item's trail.
func (pi paperItem) lastAction(kind string) (floorplan.ItemAction, bool) {
	for i := len(pi.it.Trail) - 1; i >= 0; i-- {
		if pi.it.Trail[i].Action == kind {
			return pi.it.Trail[i], true
		}
	}
	return floorplan.ItemAction{}, false
}

// inspectionKindZH names the kinds of plan on the papers.
var inspectionKindZH = map[floorplan.InspectionKind]string{floorplan.InspectAnnual: "年度督查 annual",
	floorplan.InspectSpecial: "专项督查 special", floorplan.InspectKey: "重点督查 key", floorplan.InspectFollowUp: "回头看 follow-up"}

// planKV are the lines that name plan p on the papers.
func planKV(p floorplan.Inspection) []pdfdoc.KV {
	return []pdfdoc.KV{{Key: "督查计划 Inspection", Value: fmt.Sprintf("%s（%s）", p.Title, inspectionKindZH[p.Kind])},
		{Key: "检查基准日 As of", Value: p.AsOf.Format(floorplan.DateLayout)},
		{Key: "督查期间 Period", Value: p.PeriodFrom.Format(floorplan.DateLayout) + " 至 " + p.PeriodTo.Format(floorplan.DateLayout)}}
}

// noticeDoc is what a rectification notice shows.
type noticeDoc struct {
	plan   floorplan.Inspection
	agency floorplan.Agency
	items  []paperItem
}

// number is the notice's number: the plan's year, the start of its id and the agency's code (the start
// of its id when it has none).
func (nd noticeDoc) number() string {
	code := strings.TrimSpace(nd.agency.Code)
	if code == "" {
		code = strings.ToUpper(nd.agency.ID.String()[:8])
	}
	return fmt.Sprintf("%d-%s-%s", nd.plan.AsOf.Year(), strings.ToUpper(nd.plan.ID.String()[:8]), code)
}

// issued is the day the notice is issued: the last day one of its items was notified.
func (nd noticeDoc) issued() time.Time {
	var day time.Time
	for _, pi := range nd.items {
		if a, ok := pi.lastAction(floorplan.ItemNotify); ok && a.At.After(day) {
			day = a.At
		}
	}
	return day
}

// pdf writes the notice.
func (nd noticeDoc) pdf(font *pdfdoc.Font) ([]byte, error) {
	no, issued := nd.number(), nd.issued()
	d := pdfdoc.New(font, pdfdoc.Options{Title: noticeTitle + " " + no, Subject: "整改通知 rectification notice",
		Author: "officemap", Footer: "整改通知书 No. " + no, Date: issued})
	d.Title(noticeTitle, "Rectification notice · No. "+no)
	kv := []pdfdoc.KV{{Key: "通知编号 No.", Value: no}, {Key: "使用单位 Agency", Value: nd.agency.Name}}
	d.KeyValues(append(kv, planKV(nd.plan)...))
	d.Paragraph(fmt.Sprintf("%s：\n经督查，你单位办公用房管理使用存在下列 %d 项问题，现通知你单位按期整改。"+
		"The inspection found the %d problems below in your use of office space; rectify each by its deadline.",
		nd.agency.Name, len(nd.items), len(nd.items)))
	d.Heading("整改事项 Items to rectify")
	t := pdfdoc.Table{Columns: []pdfdoc.Column{
		{Title: "序号 #", Width: 12, Align: pdfdoc.Right},
		{Title: "督查要点 Point", Width: 34},
		{Title: "依据 Legal source", Width: 30},
		{Title: "发现问题 Found"},
		{Title: "房间 Rooms", Width: 22},
		{Title: "整改期限 Deadline", Width: 24},
	}}
	for i, pi := range nd.items {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), pi.point.Code + " " + pi.point.Text, pi.source(), pi.finding(),
			pi.roomList(), pi.it.Deadline.Format(floorplan.DateLayout)})
	}
	d.Table(t)
	d.Heading("整改要求 How to answer")
	d.Paragraph("一、请于各事项整改期限前完成整改，并在 officemap 系统中逐项反馈整改情况（督查 → 整改事项 → 反馈），上传整改佐证材料（照片、文件等）。\n" +
		"二、督查组将对反馈逐项核查；逾期未整改或经核查整改不到位的，将依规移交纪检监察机关处理。")
	d.Small("Rectify each item by its deadline and answer each in officemap (Inspections → items → answer) with the evidence " +
		"(photos, documents). The inspectors verify every answer; an item not rectified by its deadline, or found not fixed, " +
		"is referred to the discipline inspection and supervision authority.")
	d.Space(6)
	d.KeyValues([]pdfdoc.KV{{Key: "发文单位 Issuer", Value: noticeIssuer},
		{Key: "督查组 Team", Value: strings.Join(nd.plan.Team, "、")},
		{Key: "发文日期 Issued", Value: issued.Format(floorplan.DateLayout)}})
	return d.Bytes()
}

// referralDoc is what a referral file's PDF shows.
type referralDoc struct {
	plans map[uuid.UUID]floorplan.Inspection
	items []paperItem
	docs  map[uuid.UUID]string // the evidence's paths in the zip, by document id; "" when outside the caller's scope
	by    string
	at    time.Time
}

// pdf writes referral.pdf: a summary table, then each item with its trail and evidence.
func (rd referralDoc) pdf(font *pdfdoc.Font) ([]byte, error) {
	d := pdfdoc.New(font, pdfdoc.Options{Title: referralTitle, Subject: "移交纪检监察 referral", Author: "officemap",
		Footer: "移交纪检监察 " + rd.at.Format(floorplan.DateLayout), Date: rd.at})
	d.Title(referralTitle, "Referral to the discipline inspection and supervision authority")
	d.KeyValues([]pdfdoc.KV{{Key: "移交事项 Items", Value: fmt.Sprint(len(rd.items))},
		{Key: "制作 Prepared by", Value: rd.by + "，" + rd.at.Format("2006-01-02 15:04") + " UTC"}})
	t := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "序号 #", Width: 12, Align: pdfdoc.Right}, {Title: "使用单位 Agency"},
		{Title: "督查要点 Point", Width: 40}, {Title: "整改期限 Deadline", Width: 24}, {Title: "移交日期 Referred", Width: 24}}}
	for i, pi := range rd.items {
		ref, _ := pi.lastAction(floorplan.ItemRefer)
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), pi.agency, pi.point.Code + " " + pi.point.Text,
			dayText(pi.it.Deadline), dayText(ref.At)})
	}
	d.Table(t)
	for i, pi := range rd.items {
		d.Heading(fmt.Sprintf("事项 %d Item %d：%s — %s %s", i+1, i+1, pi.agency, pi.point.Code, pi.point.Text))
		d.KeyValues(rd.itemKV(pi))
	}
	d.Small("佐证材料按文件编号存放于本压缩包 evidence/ 目录，manifest.json 列出每个文件的 SHA-256。" +
		"The evidence lies in evidence/ of this zip, named by document id; manifest.json gives the SHA-256 of every file.")
	return d.Bytes()
}

// itemKV are the lines of one referred item: the finding, the deadline, the answer, the verification and
// the referral, with the evidence's paths.
func (rd referralDoc) itemKV(pi paperItem) []pdfdoc.KV {
	it := pi.it
	kv := []pdfdoc.KV{{Key: "使用单位 Agency", Value: pi.agency}}
	if p, ok := rd.plans[it.InspectionID]; ok {
		kv = append(kv, planKV(p)[0])
	}
	kv = append(kv, pdfdoc.KV{Key: "督查要点 Point", Value: pi.point.Code + " " + pi.point.Text},
		pdfdoc.KV{Key: "依据 Legal source", Value: pi.source()},
		pdfdoc.KV{Key: "发现问题 Found", Value: pi.finding()},
		pdfdoc.KV{Key: "房间 Rooms", Value: pi.roomList()})
	if it.PersonName != "" {
		kv = append(kv, pdfdoc.KV{Key: "涉及人员 Person", Value: it.PersonName})
	}
	if len(it.PhotoIDs) > 0 {
		kv = append(kv, pdfdoc.KV{Key: "现场照片 Photos", Value: rd.evidence(it.PhotoIDs)})
	}
	kv = append(kv, pdfdoc.KV{Key: "整改期限 Deadline", Value: dayText(it.Deadline)})
	for _, a := range it.Trail {
		var key, value string
		switch a.Action {
		case floorplan.ItemNotify:
			key, value = "整改通知 Notified", fmt.Sprintf("%s，期限 %s（%s）", dayText(a.At), dayText(a.Deadline), a.Actor)
		case floorplan.ItemAnswer:
			key, value = "单位反馈 Answer", fmt.Sprintf("%s（%s）：%s", dayText(a.At), a.Actor, a.Comment)
		case floorplan.ItemVerify:
			verdict := "已整改 fixed"
			if a.To != floorplan.ItemFixed {
				verdict = "未整改 not fixed"
			}
			key, value = "核查 Verification", fmt.Sprintf("%s（%s）：%s %s", dayText(a.At), a.Actor, verdict, a.Comment)
		case floorplan.ItemRefer:
			key, value = "移交原因 Reason", a.Comment
			kv = append(kv, pdfdoc.KV{Key: key, Value: value}, pdfdoc.KV{Key: "移交日期 Referred", Value: dayText(a.At)})
			key, value = "移交人 Referred by", a.Actor
		default:
			continue
		}
		kv = append(kv, pdfdoc.KV{Key: key, Value: strings.TrimSpace(value)})
		if len(a.DocumentIDs) > 0 {
			kv = append(kv, pdfdoc.KV{Key: "佐证材料 Evidence", Value: rd.evidence(a.DocumentIDs)})
		}
	}
	return kv
}

// evidence lists the paths of documents ids in the zip, one a line.
func (rd referralDoc) evidence(ids []uuid.UUID) string {
	lines := make([]string, len(ids))
	for i, id := range ids {
		if p := rd.docs[id]; p != "" {
			lines[i] = p
		} else {
			lines[i] = id.String() + "（不在您的查阅范围内 outside your scope）"
		}
	}
	return strings.Join(lines, "\n")
}

// dayText is t's day, "—" for the zero time.
func dayText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format(floorplan.DateLayout)
}

// itemReferralZip serves GET /api/v1/inspection-items/{id}/referral.zip.
func (s *Server) itemReferralZip(w http.ResponseWriter, r *http.Request) error {
	it, sc, err := referralRecord(s, r, "inspection item", s.store.InspectionItem, itemVisible)
	if err != nil {
		return err
	}
	if it.State != floorplan.ItemReferred {
		return errStateConflict(it.State, nil, fmt.Sprintf("inspection item %s is %s, not referred: refer it first", it.ID, it.State),
			fmt.Sprintf("督查事项当前为 %s，尚未移交纪检监察", it.State))
	}
	return s.writeReferral(w, r, sc, []floorplan.InspectionItem{it}, "referral-"+it.ID.String()[:8]+".zip")
}

// planReferralZip serves GET /api/v1/inspections/{id}/referral.zip.
func (s *Server) planReferralZip(w http.ResponseWriter, r *http.Request) error {
	p, sc, err := referralRecord(s, r, "inspection", s.store.Inspection, planVisible)
	if err != nil {
		return err
	}
	items, err := s.store.InspectionItems(r.Context(), floorplan.ItemFilter{InspectionID: p.ID, State: floorplan.ItemReferred})
	if err != nil {
		return err
	}
	items = slices.DeleteFunc(items, func(it floorplan.InspectionItem) bool { return !itemVisible(sc, it) })
	if len(items) == 0 {
		return &apiError{Status: http.StatusConflict, Code: "conflict",
			Message:   fmt.Sprintf("no item of inspection %s in your scope has been referred", p.ID),
			MessageZH: "该督查计划（在您的查阅范围内）尚无移交纪检监察的事项"}
	}
	return s.writeReferral(w, r, sc, items, "referral-"+p.ID.String()[:8]+".zip")
}

// referralFile is one file of a referral zip in its manifest.
type referralFile struct {
	Path       string    `json:"path"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	DocumentID uuid.UUID `json:"document_id,omitzero"`
}

// referralManifest is a referral zip's manifest.json.
type referralManifest struct {
	Format      string         `json:"format"` // "officemap-referral"
	Version     int            `json:"version"`
	GeneratedAt time.Time      `json:"generated_at"`
	GeneratedBy string         `json:"generated_by"`
	Items       []uuid.UUID    `json:"items"`
	Files       []referralFile `json:"files"`
	// Withheld are evidence documents outside the caller's scope, named but not included.
	Withheld []uuid.UUID `json:"withheld"`
}

// writeReferral writes the referral zip of items. Everything but the evidence's bytes is made before the
// first byte is sent, so that a failure there is still a JSON error; evidence whose bytes fail afterwards
// (gone, or not matching its hash) cuts the connection rather than send a file that looks whole.
func (s *Server) writeReferral(w http.ResponseWriter, r *http.Request, sc scope, items []floorplan.InspectionItem, name string) error {
	ctx := r.Context()
	at := s.now().UTC().Truncate(time.Second)
	rd := referralDoc{plans: map[uuid.UUID]floorplan.Inspection{}, docs: map[uuid.UUID]string{}, by: callerName(r), at: at}
	manifest := referralManifest{Format: "officemap-referral", Version: 1, GeneratedAt: at, GeneratedBy: rd.by,
		Files: []referralFile{}, Withheld: []uuid.UUID{}}
	var docs []floorplan.Document
	shown := s.documentsShown(sc)
	for _, it := range items {
		p, ok := rd.plans[it.InspectionID]
		if !ok {
			var err error
			if p, err = s.store.Inspection(ctx, it.InspectionID); err != nil {
				return about("inspection", err)
			}
			rd.plans[p.ID] = p
		}
		pi, err := s.paperItemOf(ctx, sc, p, it)
		if err != nil {
			return err
		}
		rd.items = append(rd.items, pi)
		manifest.Items = append(manifest.Items, it.ID)
		for _, id := range evidenceIDs(it) {
			if _, seen := rd.docs[id]; seen {
				continue
			}
			d, err := s.store.Document(ctx, id)
			if err != nil && !errors.Is(err, floorplan.ErrNotFound) {
				return err
			}
			visible := err == nil
			if visible {
				if visible, err = shown(ctx, d); err != nil {
					return err
				}
			}
			if !visible {
				rd.docs[id] = ""
				manifest.Withheld = append(manifest.Withheld, id)
				continue
			}
			rd.docs[id] = "evidence/" + id.String() + "-" + strings.ReplaceAll(archive.CleanName(d.Name), " ", "_")
			docs = append(docs, d)
		}
	}
	font, release, err := s.enterPDF(ctx, "referral PDF")
	if err != nil {
		return err
	}
	defer release()
	pdf, err := rd.pdf(font)
	if err != nil {
		return fmt.Errorf("api: referral PDF: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", archive.ContentDisposition(name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := s.referralZip(ctx, w, pdf, docs, rd.docs, manifest); err != nil {
		s.log.Error("referral file cut short", "items", manifest.Items, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// evidenceIDs are the documents of item it: its photos, then those of its trail's actions, each once.
func evidenceIDs(it floorplan.InspectionItem) []uuid.UUID {
	ids := slices.Clone(it.PhotoIDs)
	for _, a := range it.Trail {
		ids = append(ids, a.DocumentIDs...)
	}
	var out []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// referralZip writes the zip: referral.pdf, the documents at their paths (each checked against its
// hash as it is copied), and the manifest of them all.
func (s *Server) referralZip(ctx context.Context, w io.Writer, pdf []byte, docs []floorplan.Document, paths map[uuid.UUID]string,
	manifest referralManifest) error {
	zw := zip.NewWriter(w)
	entry := func(name string, mod time.Time) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
	}
	out, err := entry("referral.pdf", manifest.GeneratedAt)
	if err != nil {
		return err
	}
	if _, err := out.Write(pdf); err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	manifest.Files = append(manifest.Files, referralFile{Path: "referral.pdf", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf))})
	blobs := s.register.Blobs()
	for _, d := range docs {
		out, err := entry(paths[d.ID], d.UploadedAt)
		if err != nil {
			return err
		}
		rc, err := blobs.Open(ctx, d.SHA256)
		if err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, h), rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != d.SHA256 {
			return fmt.Errorf("document %s: %w: holds bytes hashing to %s, not %s", d.ID, archive.ErrBadHash, got, d.SHA256)
		}
		manifest.Files = append(manifest.Files, referralFile{Path: paths[d.ID], SHA256: d.SHA256, Size: n, DocumentID: d.ID})
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	if out, err = entry("manifest.json", manifest.GeneratedAt); err != nil {
		return err
	}
	if _, err := out.Write(data); err != nil {
		return err
	}
	return zw.Close()
}
