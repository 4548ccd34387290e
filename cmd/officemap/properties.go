package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/properties"
	"officemap/floorplan/imports/sheet"
)

// officemap import properties FILE.xlsx|FILE.csv [--map …] [--dry-run] [--json]: the bureau's register of
// properties (floorplan/imports/properties); officemap export properties --out FILE.xlsx|FILE.csv writes it
// back in the same layout. officemap export archive (--site ID | --all) --out FILE.zip|DIR writes archive
// packages (api.Server.WriteSiteArchive, WriteArchives).

// propertyIgnores are the import flags that do not apply to the property register.
var propertyIgnores = []string{"building", "site", "level", "rooms-layer", "labels-layer", "names-layer", "outline-layer",
	"list-layers", "units", "origin", "rotation", "snap", "max-repair", "ignore-footprint", "usage-map", "valid-from",
	"skip-invalid", "columns"}

// addPropertyFlags adds the property register's own flag to the import command.
func addPropertyFlags(f *pflag.FlagSet) {
	f.String("map", "", "properties: map headers to fields, 'header=field,…' (e.g. 产权证号=title_number,坐落=address), "+
		"or a JSON file of them ({\"产权证号\": \"title_number\"}); fields: "+strings.Join(properties.Fields(), ", "))
}

// addArchiveFlags adds the archive export's flags to the export command.
func addArchiveFlags(f *pflag.FlagSet) {
	f.String("site", "", "archive: the property (id or exact name) whose package to write")
	f.Bool("all", false, "archive: every property: --out FILE.zip (one zip, a folder per property) or DIR (one zip per property)")
}

// runPropertyImport imports a property register (officemap import properties PATH).
func (e *env) runPropertyImport(cmd *cobra.Command, path string, o importFlags) error {
	ctx, err := sheetImport(cmd, o, "properties", propertyIgnores)
	if err != nil {
		return err
	}
	flags := cmd.Flags()
	mapText, _ := flags.GetString("map")
	sheetName, _ := flags.GetString("sheet")
	m, err := propertyMap(mapText)
	if err != nil {
		return errorIn(o.lang, "--map: %s", "--map 有误：%s", imports.ErrorIn(err, o.lang))
	}
	data, err := readRoomList(path, o.lang)
	if err != nil {
		return err
	}
	opt := properties.Options{DryRun: o.dryRun, Map: m, Sheet: sheetName, Lang: o.lang}
	var sum *properties.Summary
	err = e.withStore(ctx, func(s store, _ string) error {
		opt.Classification = e.classification // the classification in force, read by openStore
		sum, err = properties.Import(ctx, floorplan.NewRegister(s), path, data, opt)
		return err
	})
	if err != nil {
		return e.propertiesFailed(o, err)
	}
	return e.printSummary(o, sum)
}

// propertyMap reads --map: pairs, or the name of a JSON file of them (a value ending in .json, or naming a
// file that exists).
func propertyMap(v string) (map[string]string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	if st, err := os.Stat(v); strings.HasSuffix(strings.ToLower(v), ".json") || (err == nil && st.Mode().IsRegular()) {
		data, err := os.ReadFile(v)
		if err != nil {
			return nil, err
		}
		return properties.ParseMapJSON(data)
	}
	return properties.ParseMap(v)
}

// propertiesFailed is importFailed for the property register, which lists every problem on a line of its
// own (the import is all-or-nothing: there is nothing to skip).
func (e *env) propertiesFailed(o importFlags, err error) error {
	var ie *imports.Error
	if !errors.As(err, &ie) || len(ie.Problems) < 2 {
		return e.importFailed(o, err)
	}
	told := e.importFailed(o, err) // --json: the problems on standard output
	head := fmt.Sprintf("%s：%d 个问题，未写入任何数据：", ie.File, len(ie.Problems))
	if imports.English(o.lang) {
		head = fmt.Sprintf("%s: %d problems, nothing was written:", ie.File, len(ie.Problems))
	}
	lines := []string{head}
	for _, p := range ie.Problems {
		lines = append(lines, "  "+p.Text(o.lang))
	}
	return &toldError{msg: strings.Join(lines, "\n"), err: told}
}

// propertyFormat is the format of a property export, from the extension of --out: .xlsx or .csv.
func propertyFormat(out, lang string) (sheet.Format, error) {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".xlsx":
		return sheet.FormatXLSX, nil
	case ".csv":
		return sheet.FormatCSV, nil
	}
	return "", errorIn(lang, "--out %s: the property register is written as .xlsx or .csv", "--out %s：房产台账只能写成 .xlsx 或 .csv 文件", out)
}

// runPropertyExport writes the register's properties to out in the import's layout (officemap export
// properties --out FILE.xlsx|FILE.csv), atomically.
func (e *env) runPropertyExport(ctx context.Context, out, lang string, asJSON bool) error {
	format, err := propertyFormat(out, lang)
	if err != nil {
		return err
	}
	var t *properties.Table
	err = e.withStore(ctx, func(s store, _ string) error {
		t, err = properties.Export(ctx, s, properties.ExportOptions{Lang: lang, Classification: e.classification})
		return err
	})
	if err != nil {
		return err
	}
	if err := e.writeOut(out, func(w io.Writer) error { return t.Write(w, format) }); err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]any{"kind": "properties", "format": format, "out": out, "rows": len(t.Rows)})
	}
	if imports.English(lang) {
		fmt.Fprintf(e.stdout, "exported %d properties to %s (%s)\n", len(t.Rows), out, format)
	} else {
		fmt.Fprintf(e.stdout, "已导出 %d 处房产到 %s（%s）\n", len(t.Rows), out, format)
	}
	return nil
}

// runArchiveExport writes archive packages (officemap export archive): --site ID → one package to
// --out FILE.zip; --all → every property, into one zip with a folder per property (--out FILE.zip) or one
// zip per property in a directory (--out DIR, created if missing). Every file is written atomically.
func (e *env) runArchiveExport(cmd *cobra.Command, out string, asJSON bool) error {
	flags := cmd.Flags()
	siteRef, _ := flags.GetString("site")
	all, _ := flags.GetBool("all")
	for _, name := range []string{"building", "floor", "crs"} {
		if flags.Changed(name) {
			return fmt.Errorf("--%s does not apply to export archive", name)
		}
	}
	if (siteRef == "") == !all {
		return fmt.Errorf("export archive needs either --site ID or --all")
	}
	ctx := floorplan.WithActor(cmd.Context(), "export")
	opts, _, err := documentsOptions(e.getenv)
	if err != nil {
		return err
	}
	var written []string
	err = e.withStore(ctx, func(s store, _ string) error {
		srv := e.newServer(s, floorplan.NewRegister(s, opts...))
		switch {
		case siteRef != "":
			id, err := findSite(ctx, s, siteRef)
			if err != nil {
				return err
			}
			written = append(written, out)
			return e.writeOut(out, func(w io.Writer) error { return srv.WriteSiteArchive(ctx, w, id) })
		case strings.EqualFold(filepath.Ext(out), ".zip"):
			written = append(written, out)
			return e.writeOut(out, func(w io.Writer) error { _, err := srv.WriteArchives(ctx, w); return err })
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return fmt.Errorf("--out %s: %w", out, err)
		}
		sites, err := s.Sites(ctx)
		if err != nil {
			return err
		}
		for _, site := range sites {
			p := filepath.Join(out, api.ArchiveFolder(site)+".zip")
			if err := e.writeOut(p, func(w io.Writer) error { return srv.WriteSiteArchive(ctx, w, site.ID) }); err != nil {
				return err
			}
			written = append(written, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]any{"kind": "archive", "out": out, "files": written})
	}
	fmt.Fprintf(e.stdout, "exported %d archive file(s) to %s\n", len(written), out)
	return nil
}

// findSite resolves --site: an id, or the exact name of exactly one property.
func findSite(ctx context.Context, s floorplan.Reader, v string) (uuid.UUID, error) {
	return findNamed("--site", v, "property", "properties",
		func(id uuid.UUID) error { _, err := s.Site(ctx, id); return err },
		func() ([]floorplan.Site, error) { return s.Sites(ctx) },
		func(site floorplan.Site) (uuid.UUID, string) { return site.ID, site.Name })
}
