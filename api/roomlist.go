package api

import (
	"net/http"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/roomlist"
)

// importRoomList imports the request body, the bureau's room register as an .xlsx workbook or a CSV file,
// joined to the drawn rooms by building, floor and number (roomlist.Import): the rooms' usages, agencies
// and recorded areas, all-or-nothing. The summary lists the rows with no drawn room, the drawn rooms not
// in the list and the rooms whose recorded area differs from the measured one. Only the rooms the caller
// may read are joined to; the register's permission hook is asked about every building and agency the
// list touches. Notes and problems are told as the other imports tell them (Accept-Language).
func (s *Server) importRoomList(w http.ResponseWriter, r *http.Request) error {
	qv, q := r.URL.Query(), queryOf(r)
	opt := roomlist.Options{Building: qv.Get("building"), SkipInvalid: q.bool("skip_invalid"), DryRun: q.bool("dry_run"),
		Usages: s.cfg.UsageMap, Lang: "en"}
	if q.err != nil {
		return q.err
	}
	if prefersChinese(r.Header.Get("Accept-Language")) {
		opt.Lang = "zh-CN"
	}
	columns, err := roomlist.ParseColumns(qv.Get("columns"))
	if err != nil {
		e := badRequest("parameter columns: %s", imports.ErrorIn(err, "en"))
		e.MessageZH = "参数 columns 有误：" + imports.ErrorIn(err, "zh")
		return e
	}
	name, data, err := readSheetUpload(r, "rooms", "room list", "房间清单")
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	opt.Scope = sc.read
	l, err := roomlist.Read(name, data, roomlist.ReadOptions{Columns: columns, Sheet: qv.Get("sheet"), Lang: opt.Lang})
	if err != nil {
		return importError(err, opt.Lang)
	}
	sum, err := roomlist.Import(r.Context(), s.register, l, opt)
	if err != nil {
		return importError(err, opt.Lang)
	}
	return writeJSON(w, http.StatusOK, sum)
}
