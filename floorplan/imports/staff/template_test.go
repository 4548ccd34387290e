package staff_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan/imports/staff"
)

// openTemplate writes a kind's template and opens it with excelize.
func openTemplate(t *testing.T, k staff.Kind, lang string) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := staff.WriteTemplate(&buf, k, lang); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the template does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestTemplate(t *testing.T) {
	for _, k := range staff.Kinds {
		for _, lang := range []string{"zh", "en"} {
			t.Run(string(k)+"/"+lang, func(t *testing.T) { checkTemplate(t, k, lang) })
		}
	}
}

func checkTemplate(t *testing.T, k staff.Kind, lang string) {
	f := openTemplate(t, k, lang)
	data, help := staff.SheetName(k, lang), staff.InstructionsSheet(lang)
	if got := f.GetSheetList(); !slices.Equal(got, []string{data, help}) {
		t.Fatalf("sheets %q, want %q", got, []string{data, help})
	}
	rows, err := f.GetRows(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !slices.Equal(rows[0], staff.Headers(k, lang)) {
		t.Errorf("data sheet %q, want only the header %q (no example row)", rows, staff.Headers(k, lang))
	}
	panes, err := f.GetPanes(data)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 {
		t.Errorf("panes %+v: want the header row frozen", panes)
	}
	dvs, err := f.GetDataValidations(data)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{} // formula by range
	for _, dv := range dvs {
		if dv.Type != "list" {
			t.Errorf("validation %s is a %s, want a list", dv.Sqref, dv.Type)
		}
		lists[dv.Sqref] = dv.Formula1
	}
	withChoices := 0
	for i, c := range staff.Layout(k) {
		col, _ := excelize.ColumnNumberToName(i + 1)
		width, err := f.GetColWidth(data, col)
		if err != nil || width < 10 {
			t.Errorf("column %s (%s) is %v wide (%v)", col, c.Header, width, err)
		}
		formula, ok := lists[col+"2:"+col+"1048576"]
		if c.Choices == nil {
			if ok {
				t.Errorf("free column %s has a list %s", c.Field, formula)
			}
			continue
		}
		withChoices++
		if !ok {
			t.Errorf("column %s (%s) has no validation list; lists: %v", col, c.Field, lists)
			continue
		}
		for _, v := range staff.ChoicesIn(k, c, lang) {
			if !strings.Contains(formula, v) {
				t.Errorf("the list of %s (%s) lacks %q", c.Field, formula, v)
			}
		}
	}
	if withChoices == 0 || len(dvs) != withChoices {
		t.Errorf("%d validations for %d columns with choices", len(dvs), withChoices)
	}
	checkInstructions(t, f, k, lang)
	checkColumnOrder(t, k, lang)
}

// checkColumnOrder checks that the data sheet lists its columns' widths and styles in ascending order,
// as Excel wants them (it reports a damaged file otherwise).
func checkColumnOrder(t *testing.T, k staff.Kind, lang string) {
	var buf bytes.Buffer
	if err := staff.WriteTemplate(&buf, k, lang); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var ws struct {
		Cols []struct {
			Min int `xml:"min,attr"`
		} `xml:"cols>col"`
	}
	if err := xml.NewDecoder(rc).Decode(&ws); err != nil {
		t.Fatal(err)
	}
	if len(ws.Cols) != len(staff.Layout(k)) {
		t.Errorf("%d col elements, want one per column: %d", len(ws.Cols), len(staff.Layout(k)))
	}
	for i, c := range ws.Cols {
		if c.Min != i+1 {
			t.Errorf("col element %d is column %d: not in ascending order", i, c.Min)
		}
	}
}

// checkInstructions checks the instructions sheet: a row for each column with its header, whether it is
// required, its allowed values and its help.
func checkInstructions(t *testing.T, f *excelize.File, k staff.Kind, lang string) {
	rows, err := f.GetRows(staff.InstructionsSheet(lang))
	if err != nil {
		t.Fatal(err)
	}
	byHeader := map[string][]string{}
	for _, r := range rows {
		if len(r) > 0 {
			byHeader[r[0]] = append(r, make([]string, 6)...)
		}
	}
	yes, no := "是", "否"
	if lang == "en" {
		yes, no = "yes", "no"
	}
	headers := staff.Headers(k, lang)
	for i, c := range staff.Layout(k) {
		r, ok := byHeader[headers[i]]
		if !ok {
			t.Errorf("the instructions have no row for %s", headers[i])
			continue
		}
		want := no
		if c.Required {
			want = yes
		}
		if r[1] != want {
			t.Errorf("%s: required %q, want %q", headers[i], r[1], want)
		}
		for _, v := range staff.ChoicesIn(k, c, lang) {
			if !strings.Contains(r[2], v) {
				t.Errorf("%s: allowed values %q lack %q", headers[i], r[2], v)
			}
		}
		if r[3] == "" || (lang == "zh" && r[3] != c.Help) {
			t.Errorf("%s: help %q, want %q", headers[i], r[3], c.Help)
		}
	}
}

// TestTemplatePeopleLists names the lists a clerk sees in the Chinese people template.
func TestTemplatePeopleLists(t *testing.T) {
	f := openTemplate(t, staff.People, "zh")
	dvs, err := f.GetDataValidations("人员")
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, dv := range dvs {
		all += dv.Formula1
	}
	for _, v := range []string{"省部级正职", "县处级正职", "科员及以下", "在职", "退休", "调离"} {
		if !strings.Contains(all, v) {
			t.Errorf("the people template's lists lack %s: %s", v, all)
		}
	}
	rows, _ := f.GetRows("说明")
	text := ""
	for _, r := range rows {
		text += strings.Join(r, "|") + "\n"
	}
	for _, v := range []string{"工号", "职级", "必填", "身份证号"} {
		if !strings.Contains(text, v) {
			t.Errorf("the instructions do not mention %s:\n%s", v, text)
		}
	}
	if err := staff.WriteTemplate(&bytes.Buffer{}, "rooms", "zh"); err == nil {
		t.Error("a template of an unknown kind was written")
	}
}
