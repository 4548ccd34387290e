package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/staff"
)

// staffFormat is the format of a staff export, from the extension of --out: .xlsx or .csv.
func staffFormat(out, lang string) (staff.Format, error) {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".xlsx":
		return staff.FormatXLSX, nil
	case ".csv":
		return staff.FormatCSV, nil
	}
	return "", errorIn(lang, "--out %s: a staff export is written as .xlsx or .csv", "--out %s：人员类导出只能写成 .xlsx 或 .csv 文件", out)
}

// staffKindWords names the records of each kind in a summary line, in Chinese and in English.
var staffKindWords = map[staff.Kind][2]string{
	staff.Agencies: {"个单位", "agencies"}, staff.People: {"名人员", "people"}, staff.Assignments: {"条房间分配", "assignments"},
}

// runStaffExport writes the register's agencies, people or assignments to out (officemap export
// agencies|people|assignments --out FILE.xlsx|FILE.csv) in the layout of the kind's template, to edit and
// import back with officemap import: the whole register (the console reads everything), ranks and
// statuses as Chinese labels (--lang en: their keys). The file is written atomically.
func (e *env) runStaffExport(ctx context.Context, k staff.Kind, out, lang string, asJSON bool) error {
	format, err := staffFormat(out, lang)
	if err != nil {
		return err
	}
	var t *staff.Table
	err = e.withStore(ctx, func(s store, _ string) error {
		t, err = staff.Export(ctx, s, k, staff.ExportOptions{Lang: lang})
		return err
	})
	if err != nil {
		return err
	}
	if err := e.writeOut(out, func(w io.Writer) error { return t.Write(w, format) }); err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]any{"kind": k, "format": format, "out": out, "rows": len(t.Rows)})
	}
	words := staffKindWords[k]
	if imports.English(lang) {
		fmt.Fprintf(e.stdout, "exported %d %s to %s (%s)\n", len(t.Rows), words[1], out, format)
	} else {
		fmt.Fprintf(e.stdout, "已导出 %d %s到 %s（%s）\n", len(t.Rows), words[0], out, format)
	}
	return nil
}
