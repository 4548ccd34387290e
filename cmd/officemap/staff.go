package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/source"
	"officemap/floorplan/imports/staff"
)

// officemap import agencies|people|assignments FILE.xlsx|FILE.csv: a bureau's own spreadsheets of agencies,
// staff and who sits where, in the layout of the templates (floorplan/imports/staff). It shares the import
// command's --dry-run, --skip-invalid, --json, --lang and --reason, and the room list's --columns and
// --sheet.

// staffIgnores are the import flags that do not apply to the staff spreadsheets.
var staffIgnores = []string{"building", "site", "level", "rooms-layer", "labels-layer", "names-layer", "outline-layer",
	"list-layers", "units", "origin", "rotation", "snap", "max-repair", "ignore-footprint", "usage-map", "valid-from"}

// runStaffImport imports a staff spreadsheet of a kind (officemap import people PATH).
func (e *env) runStaffImport(cmd *cobra.Command, k staff.Kind, path string, o importFlags) error {
	ctx, err := sheetImport(cmd, o, string(k), staffIgnores)
	if err != nil {
		return err
	}
	flags := cmd.Flags()
	colText, _ := flags.GetString("columns")
	sheetName, _ := flags.GetString("sheet")
	columns, err := staff.ParseColumns(colText)
	if err != nil {
		return errorIn(o.lang, "--columns: %s", "--columns 有误：%s", imports.ErrorIn(err, o.lang))
	}
	opt := staff.Options{DryRun: o.dryRun, SkipInvalid: o.skipInvalid, Columns: columns, Sheet: sheetName, Lang: o.lang}
	if !o.noProgress && !o.asJSON && isTerminal(e.stderr) {
		opt.Progress = func(done, total int) { fmt.Fprintf(e.stderr, "\r%d/%d", done, total) }
	}
	data, err := readRoomList(path, o.lang)
	if err != nil {
		return err
	}
	var sum *staff.Summary
	err = e.withStore(ctx, func(s store, _ string) error {
		sum, err = staff.Import(ctx, floorplan.NewRegister(s), k, path, data, opt)
		return err
	})
	if opt.Progress != nil {
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		return e.importFailed(o, err)
	}
	return e.printSummary(o, sum)
}

// sheetImport checks the flags of a spreadsheet import of a kind (agencies, properties …): --lang, and
// that none of the flags that do not apply to it (ignores) is set; it returns the context of the
// import's writes: by "import", for --reason.
func sheetImport(cmd *cobra.Command, o importFlags, kind string, ignores []string) (context.Context, error) {
	if err := source.CheckLang(o.lang); err != nil {
		return nil, paramError(o.lang, err)
	}
	for _, name := range ignores {
		if cmd.Flags().Lookup(name) != nil && cmd.Flags().Changed(name) {
			return nil, errorIn(o.lang, "--%s does not apply to import %s", "--%s 不适用于导入 %s", name, kind)
		}
	}
	ctx := floorplan.WithActor(cmd.Context(), "import")
	if o.reason != "" {
		ctx = floorplan.WithReason(ctx, o.reason)
	}
	return ctx, nil
}

// textSummary is an import's summary, which tells itself as text (and as JSON by its fields).
type textSummary interface {
	WriteText(w io.Writer, lang string) error
}

// printSummary prints an import's summary: as JSON with --json, else as text in --lang.
func (e *env) printSummary(o importFlags, sum textSummary) error {
	if !o.asJSON {
		return sum.WriteText(e.stdout, o.lang)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}
