package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/roomlist"
	"officemap/floorplan/imports/source"
)

// officemap import rooms FILE.xlsx|FILE.csv: the bureau's room register joined to the drawn rooms
// (floorplan/imports/roomlist). It shares the import command's --building, --dry-run, --skip-invalid,
// --json, --lang, --usage-map, --valid-from and --reason, and adds --columns and --sheet.

// maxRoomListBytes bounds the room list a command reads (a register of 50,000 rooms is a few MB).
const maxRoomListBytes = 64 << 20

// roomListOnly are the flags that only the room list reads, with their help.
var roomListOnly = []struct{ name, usage string }{
	{"columns", "rooms: name the columns, field=header or letter, e.g. number=房号,area=面积,agency=C " +
		"(fields: building, floor, ordinal, number, usage, agency, area)"},
	{"sheet", "rooms: the sheet of an .xlsx workbook (default: the first with a header row)"},
}

// roomListIgnores are the import flags that do not apply to a room list.
var roomListIgnores = []string{"site", "level", "rooms-layer", "labels-layer", "names-layer", "outline-layer",
	"list-layers", "units", "origin", "rotation", "snap", "max-repair", "ignore-footprint"}

// addRoomListFlags adds the room list's own flags to the import command.
func addRoomListFlags(f *pflag.FlagSet) {
	for _, fl := range roomListOnly {
		f.String(fl.name, "", fl.usage)
	}
}

// runRoomList imports a room list (officemap import rooms PATH).
func (e *env) runRoomList(cmd *cobra.Command, path string, o importFlags) error {
	if err := source.CheckLang(o.lang); err != nil {
		return paramError(o.lang, err)
	}
	flags := cmd.Flags()
	for _, name := range roomListIgnores {
		if flags.Lookup(name) != nil && flags.Changed(name) {
			return errorIn(o.lang, "--%s does not apply to a room list", "--%s 不适用于房间清单", name)
		}
	}
	text := map[string]string{}
	for _, fl := range roomListOnly {
		text[fl.name], _ = flags.GetString(fl.name)
	}
	columns, err := roomlist.ParseColumns(text["columns"])
	if err != nil {
		return errorIn(o.lang, "--columns: %s", "--columns 有误：%s", imports.ErrorIn(err, o.lang))
	}
	opt := roomlist.Options{Building: o.building, SkipInvalid: o.skipInvalid, DryRun: o.dryRun, Lang: o.lang}
	if o.usageMap != "" {
		if opt.Usages, err = imports.ReadUsageMap(o.usageMap); err != nil {
			return errorIn(o.lang, "--usage-map: %w", "--usage-map 有误：%w", err)
		}
	}
	ctx := floorplan.WithActor(cmd.Context(), "import")
	if o.reason != "" {
		ctx = floorplan.WithReason(ctx, o.reason)
	}
	if o.validFrom != "" {
		d, err := floorplan.ParseDate(o.validFrom)
		if err != nil {
			return errorIn(o.lang, "--valid-from: %q is not a day YYYY-MM-DD", "--valid-from 有误：%q 不是 YYYY-MM-DD 格式的日期", o.validFrom)
		}
		ctx = floorplan.WithEffective(ctx, d)
	}
	data, err := readRoomList(path, o.lang)
	if err != nil {
		return err
	}
	l, err := roomlist.Read(path, data, roomlist.ReadOptions{Columns: columns, Sheet: text["sheet"], Lang: o.lang})
	if err != nil {
		return e.importFailed(o, err)
	}
	var sum *roomlist.Summary
	err = e.withStore(ctx, func(s store, _ string) error {
		sum, err = roomlist.Import(ctx, floorplan.NewRegister(s), l, opt)
		return err
	})
	if err != nil {
		return e.importFailed(o, err)
	}
	return e.printSummary(o, sum) // staff.go
}

// readRoomList reads the file of a room list, up to maxRoomListBytes.
func readRoomList(path, lang string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() || st.Size() > maxRoomListBytes {
		return nil, errorIn(lang, "%s: not a room list file of at most %d MB", "%s：不是不超过 %d MB 的房间清单文件",
			filepath.Base(path), maxRoomListBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return data, nil
}
