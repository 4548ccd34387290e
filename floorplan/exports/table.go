package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
	"officemap/geo"
)

// TableOptions says in which language WriteCSV and WriteXLSX write headers and labels.
type TableOptions struct {
	Lang string // "zh" (default) or "en"
}

func (o TableOptions) en() bool { return strings.HasPrefix(strings.ToLower(o.Lang), "en") }

// column is one column of the room table.
type column struct {
	zh, en string
	number bool // written as a number in XLSX
}

var columns = []column{
	{"楼宇", "Building", false}, {"楼层", "Floor", false}, {"层序", "Level", true}, {"房间号", "Room", false},
	{"房间名称", "Name", false}, {"用途", "Usage", false}, {"状态", "State", false}, {"使用单位", "Agency", false},
	{"使用面积(m²)", "Area (m²)", true}, {"使用人", "Occupants", false}, {"人数", "Occupant count", true},
	{"人均面积(m²)", "Area per person (m²)", true}, {"标准面积(m²)", "Standard (m²)", true},
	{"核查结果", "Status", false}, {"房间ID", "Room id", false},
}

var (
	usageZH = map[floorplan.Usage]string{
		floorplan.UsageOffice: "办公室", floorplan.UsageRestRoom: "休息室", floorplan.UsageToilet: "卫生间",
		floorplan.UsageService: "服务用房", floorplan.UsageEquipment: "设备用房", floorplan.UsageAncillary: "附属用房",
		floorplan.UsageTechnical: "技术业务用房", floorplan.UsageCirculation: "交通", floorplan.UsageShaft: "管井",
		floorplan.UsageVoid: "中庭上空", floorplan.UsageCommercial: "商业", floorplan.UsageResidential: "住宅",
		floorplan.UsageOther: "其他",
	}
	stateZH = map[floorplan.RoomState]string{
		floorplan.RoomInUse: "在用", floorplan.RoomIdle: "闲置", floorplan.RoomUnderRepair: "维修中", floorplan.RoomLeased: "出租出借",
	}
	statusZH = map[floorplan.RoomStatus]string{
		floorplan.StatusOverStandard: "超标", floorplan.StatusCompliant: "合规", floorplan.StatusVacant: "空置",
		floorplan.StatusNonOffice: "非办公用房", floorplan.StatusNoStandard: "无标准",
	}
)

// rows returns the header and one row per room, as cells (strings, or float64 and int for numbers).
func (d *Data) rows(opt TableOptions) [][]any {
	en := opt.en()
	head := make([]any, len(columns))
	for i, c := range columns {
		head[i] = c.zh
		if en {
			head[i] = c.en
		}
	}
	out := [][]any{head}
	for _, r := range d.Rooms {
		f := d.FloorOf(r)
		b := d.BuildingOf(f)
		st := d.Standing(r.ID)
		occ := occupantLabels(st.Occupants, en)
		sep := "、"
		usage, state, status := usageZH[r.Usage], stateZH[r.State], statusZH[st.Status]
		if en {
			sep, usage, state, status = "; ", string(r.Usage), string(r.State), string(st.Status)
		}
		out = append(out, []any{b.Name, f.Name, f.Ordinal, r.Number, r.Name, usage, state, d.AgencyName(r.AgencyID),
			round2(geo.Area(r.Geometry)), strings.Join(occ, sep), len(occ), round2(st.PerPersonM2),
			round2(st.StandardM2), status, r.ID.String()})
	}
	return out
}

// occupantLabels names a room's occupants with their rank titles (the standard's words): "张三（处长）",
// or in English tables "张三 (处长)".
func occupantLabels(occupants []floorplan.OccupantInfo, en bool) []string {
	out := make([]string, len(occupants))
	for i, o := range occupants {
		switch {
		case o.RankTitle == "":
			out[i] = o.Name
		case en:
			out[i] = o.Name + " (" + o.RankTitle + ")"
		default:
			out[i] = o.Name + "（" + o.RankTitle + "）"
		}
	}
	return out
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// WriteCSV writes the rooms with their occupants and areas as CSV in UTF-8 with a byte-order mark (so
// that Excel opens Chinese text right). Text that starts like a formula is neutralised (cell.Text).
func WriteCSV(w io.Writer, d *Data, opt TableOptions) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, row := range d.rows(opt) {
		rec := make([]string, len(row))
		for i, c := range row {
			switch v := c.(type) {
			case string:
				rec[i] = cell.Text(v) // a name starting like a formula stays text
			case int:
				rec[i] = strconv.Itoa(v)
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', 2, 64)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the rooms as an Excel workbook of one sheet, numbers as numbers, text neutralised as
// in WriteCSV.
func WriteXLSX(w io.Writer, d *Data, opt TableOptions) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	sheet := "房间"
	if opt.en() {
		sheet = "Rooms"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	num, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return err
	}
	for i, row := range d.rows(opt) {
		cells := make([]any, len(row))
		for j, c := range row {
			if text, ok := c.(string); ok {
				c = cell.Text(text)
			}
			switch {
			case i == 0:
				cells[j] = excelize.Cell{StyleID: head, Value: c}
			case columns[j].number:
				if _, isFloat := c.(float64); isFloat {
					cells[j] = excelize.Cell{StyleID: num, Value: c}
				} else {
					cells[j] = c
				}
			default:
				cells[j] = c
			}
		}
		at, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(at, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}
