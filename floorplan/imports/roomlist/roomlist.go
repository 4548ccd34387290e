// Package roomlist imports a bureau's own room register (房间登记表) from a spreadsheet — XLSX, or CSV as
// Excel writes it (UTF-8 with or without a byte-order mark, GB18030 from a Chinese Excel, UTF-16 "Unicode
// text") — and joins it to the rooms drawn in the register by building, floor and room number.
//
// Each row of the list gives a room's building, floor and number, and any of its usage (用途), its
// agency (使用单位) and its area as the bureau records it (账面面积). Import sets the usage and the agency
// of the drawn room the row names and keeps the recorded area beside the measured one
// (floorplan.Room.RecordedAreaM2); its summary lists the rows that name no drawn room, the drawn rooms of
// the listed buildings that the list does not name, and every room whose recorded area differs from the
// measured one (floorplan.RoundM2 of Room.Area) by more than 0.01 m², with both figures.
//
// Reading (Read) finds the header row among the first rows of the sheet by the columns' names, in
// Chinese or English (楼栋, 楼层, 房间号, 用途, 使用单位, 面积…; see the synonyms in columns.go), or as an
// operator names them (ParseColumns: "number=房号,area=面积"). Every cell that cannot be read is a problem
// of its row, named by the row's number in the sheet and the column's header.
//
// Importing is all-or-nothing, as the other imports are: one row that cannot be taken (an agency not in
// the register, an area that is not a number, a room number two drawn rooms share) rejects the list and
// nothing is written, unless SkipInvalid is set. Writes go through the register service
// (floorplan.Register.Batch), which asks the permission hook about every building and agency touched.
package roomlist

import (
	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// Field is what a column of the list gives.
type Field string

// The fields of a room list. Number is required, with Floor or Ordinal, and Building unless
// Options.Building names the one building of the list; at least one of Usage, Agency and Area.
const (
	FieldBuilding Field = "building" // the building's name or id
	FieldFloor    Field = "floor"    // the floor as the bureau writes it: 3F, 3层, 三层, B1, 地下一层, or a floor's name
	FieldOrdinal  Field = "ordinal"  // the floor's ordinal as officemap counts (0 ground floor, -1 first basement)
	FieldNumber   Field = "number"   // the room number (房间号)
	FieldUsage    Field = "usage"    // the usage: its English key (office) or Chinese name (办公室), or a room type (会议室)
	FieldAgency   Field = "agency"   // the agency's name, short name or id
	FieldArea     Field = "area"     // the usable area the bureau records, in m²
)

// Fields lists the fields in the order of a list's columns.
var Fields = []Field{FieldBuilding, FieldFloor, FieldOrdinal, FieldNumber, FieldUsage, FieldAgency, FieldArea}

// List is a room list as read: its rows and where they came from.
type List struct {
	File     string // the file's name, as messages give it
	Format   string // xlsx or csv
	Encoding string // csv: utf-8, utf-8-bom, gb18030 or utf-16; "" for xlsx
	Sheet    string // xlsx: the sheet read
	// HeaderRow is the row of the header (from 1); Columns the header of each field found.
	HeaderRow int
	Columns   map[Field]string
	Rows      []Row
	Notes     []imports.Note // what reading noticed: the encoding, columns left unused
}

// Row is one data row of a list, its cells trimmed. A cell that cannot be read is a problem of the row
// (Problems), reported when the list is imported.
type Row struct {
	Line     int // the row's number in the sheet (from 1), as the spreadsheet shows it
	Building string
	Floor    string
	Ordinal  *int // from the ordinal column, when there is one and the cell is not empty
	Number   string
	Usage    string
	Agency   string
	AreaM2   float64 // 0 when the cell is empty
	Problems []CellProblem
}

// CellProblem is a cell of a row that cannot be read: its column's header and why.
type CellProblem struct {
	Field  Field
	Column string
	Why    imports.Note
}

// Options configures Import.
type Options struct {
	// Building is the building of the rows whose building cell is empty (or of every row, when the list
	// has no building column), by id or name: the CLI's --building.
	Building string
	// SkipInvalid imports the rows that can be taken and lists the rest in Summary.Skipped; otherwise
	// any row that cannot be taken rejects the list.
	SkipInvalid bool
	// DryRun joins and checks everything and writes nothing.
	DryRun bool
	// Lang is the language of the summary's notes and problems: "en" for English, Chinese otherwise.
	Lang string
	// Scope is what the caller may read (an HTTP caller's scope): rooms outside it are not joined to and
	// not listed, as if they were not drawn. The zero value reads everything.
	Scope floorplan.ReadScope
	// Usages tells a usage from a room type written in the usage column ("会议室", "corridor") when the
	// cell is not a usage's key or Chinese name; nil: imports.DefaultUsageMap.
	Usages *imports.UsageMap
}

// Counts says what became of the rows of a list.
type Counts struct {
	Read      int `json:"read"`      // data rows read (blank rows left out)
	Matched   int `json:"matched"`   // rows joined to a drawn room
	Updated   int `json:"updated"`   // of those, rooms changed (or, in a dry run, to be changed)
	Unchanged int `json:"unchanged"` // of those, rooms that already were as the row says
	NoRoom    int `json:"no_room"`   // rows that name no drawn room
	Skipped   int `json:"skipped"`   // rows that could not be taken (SkipInvalid)
}

// RowRef is a row of the list that names no drawn room, and why.
type RowRef struct {
	Row      int    `json:"row"`
	Building string `json:"building"`
	Floor    string `json:"floor"`
	Number   string `json:"number"`
	Reason   string `json:"reason"`
}

// RoomRef is a drawn room of a listed building that no row names.
type RoomRef struct {
	ID       uuid.UUID       `json:"id"`
	Building string          `json:"building"`
	Floor    string          `json:"floor"`
	Number   string          `json:"number"`
	Usage    floorplan.Usage `json:"usage"`
	AreaM2   float64         `json:"area_m2"` // measured, rounded to 0.01 m²
}

// AreaDifference is a room whose recorded area differs from its measured area by more than 0.01 m².
type AreaDifference struct {
	Row          int       `json:"row"`
	RoomID       uuid.UUID `json:"room_id"`
	Building     string    `json:"building"`
	Floor        string    `json:"floor"`
	Number       string    `json:"number"`
	RecordedM2   float64   `json:"recorded_m2"`
	MeasuredM2   float64   `json:"measured_m2"`   // floorplan.RoundM2(Room.Area())
	DifferenceM2 float64   `json:"difference_m2"` // recorded − measured
	Percent      float64   `json:"percent"`       // the difference in percent of the measured area, to 0.01
}

// Summary is the outcome of Import.
type Summary struct {
	File      string            `json:"file"`
	Format    string            `json:"format"`
	Encoding  string            `json:"encoding,omitempty"`
	Sheet     string            `json:"sheet,omitempty"`
	HeaderRow int               `json:"header_row"`
	Columns   map[string]string `json:"columns"` // field → the header read for it
	DryRun    bool              `json:"dry_run"`
	Rows      Counts            `json:"rows"`
	// NoRoom are the rows that name no drawn room; NotListed the drawn rooms of the listed buildings that
	// no row names.
	NoRoom    []RowRef  `json:"no_room"`
	NotListed []RoomRef `json:"not_listed"`
	// AreaDifferences are the joined rooms whose recorded area (after the import) differs from the
	// measured one by more than 0.01 m², the largest difference first.
	AreaDifferences []AreaDifference `json:"area_differences"`
	// RecordedM2 and MeasuredM2 are the totals of the rooms of AreaDifferences' kind that have a recorded
	// area: what the list records and what the drawing measures.
	RecordedM2 float64           `json:"recorded_m2"`
	MeasuredM2 float64           `json:"measured_m2"`
	Skipped    []imports.Problem `json:"skipped"`
	Notes      []string          `json:"notes"`
}
