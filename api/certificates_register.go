package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
	"officemap/floorplan/imports/sheet"
	"officemap/floorplan/report"
)

// The certificate register: GET /api/v1/certificates searched (q: the number, the agency's name, a room's
// number or building, the application), narrowed to those valid or not now (valid=true|false), and
// exported as the bureau keeps it (format=csv|xlsx), in the caller's scope.

// certificateQuery is what a list of certificates asks for besides the agency.
type certificateQuery struct {
	text   string // lower-case; "" matches all
	valid  string // "", "true", "false"
	format string // json, csv, xlsx
	lang   string
}

// readCertificateQuery reads q, valid, format and lang.
func readCertificateQuery(r *http.Request) (certificateQuery, error) {
	q := queryOf(r)
	out := certificateQuery{text: strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))}
	out.valid = nextParam(q, "valid", choice("", map[string]string{"true": "true", "false": "false"}, "true or false"))
	out.format = nextParam(q, "format", choice("json", map[string]string{"json": "json", "csv": "csv", "xlsx": "xlsx"}, "json, csv or xlsx"))
	out.lang = nextParam(q, "lang", documentLang)
	if len([]rune(out.text)) > 200 {
		return out, badParam("q", "is longer than 200 characters")
	}
	return out, q.err
}

// matches reports whether c answers the query.
func (q certificateQuery) matches(c certificateJSON) bool {
	if q.valid != "" && strconv.FormatBool(c.Valid) != q.valid {
		return false
	}
	if q.text == "" {
		return true
	}
	hay := []string{c.Number, c.Agency}
	if c.ApplicationID != nil {
		hay = append(hay, c.ApplicationID.String())
	}
	for _, rm := range c.Rooms {
		hay = append(hay, rm.Number, rm.Building)
	}
	for _, h := range hay {
		if strings.Contains(strings.ToLower(h), q.text) {
			return true
		}
	}
	return false
}

// certificateHeaders are the register's columns.
func certificateHeaders(en bool) []string {
	if en {
		return []string{"Number", "Agency", "Rooms", "Total usable area (m²)", "Issued", "Issued by", "Application",
			"Valid now", "Why not", "Revoked", "Revocation reason"}
	}
	return []string{"凭证编号", "使用单位", "房间", "使用面积合计（m²）", "发放日期", "发放人", "申请", "当前有效", "无效原因",
		"撤销日期", "撤销理由"}
}

// certificateRow is c as a row of the register.
func certificateRow(c certificateJSON, en bool) []any {
	rooms := make([]string, len(c.Rooms))
	for i, rm := range c.Rooms {
		rooms[i] = strings.TrimSpace(rm.Building + " " + rm.Floor + " " + rm.Number)
	}
	app, revoked, valid := "", "", "否"
	if c.ApplicationID != nil {
		app = c.ApplicationID.String()
	}
	if c.RevokedAt != nil {
		revoked = c.RevokedAt.Format(floorplan.DateLayout)
	}
	switch {
	case en:
		valid = strconv.FormatBool(c.Valid)
	case c.Valid:
		valid = "是"
	}
	return []any{c.Number, c.Agency, strings.Join(rooms, "；"), c.TotalAreaM2, c.IssuedAt.Format(floorplan.DateLayout),
		c.IssuedBy, app, valid, c.Reason, revoked, c.RevokeReason}
}

// writeCertificateRegister writes list as CSV or XLSX.
func writeCertificateRegister(w http.ResponseWriter, list []certificateJSON, q certificateQuery) error {
	en := q.lang == "en"
	var buf bytes.Buffer
	if q.format == "csv" {
		rows := make([][]string, len(list))
		for i, c := range list {
			for _, v := range certificateRow(c, en) {
				if f, ok := v.(float64); ok {
					rows[i] = append(rows[i], strconv.FormatFloat(f, 'f', 2, 64))
				} else {
					rows[i] = append(rows[i], v.(string))
				}
			}
		}
		if err := sheet.WriteCSV(&buf, certificateHeaders(en), rows); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		if err := certificateWorkbook(&buf, list, en); err != nil {
			return err
		}
		w.Header().Set("Content-Type", report.XLSX.ContentType())
	}
	w.Header().Set("Content-Disposition", `attachment; filename="certificates.`+q.format+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// certificateWorkbook writes list as a workbook of one sheet, text neutralised against formulas.
func certificateWorkbook(buf *bytes.Buffer, list []certificateJSON, en bool) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	name := "使用凭证登记簿"
	if en {
		name = "Certificates"
	}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	head := make([]any, 0, 11)
	for _, h := range certificateHeaders(en) {
		head = append(head, h)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, c := range list {
		row := certificateRow(c, en)
		for j, v := range row {
			if s, ok := v.(string); ok {
				row[j] = cell.Text(s)
			}
		}
		at, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(at, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(buf)
}
