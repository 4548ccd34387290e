package render

import (
	"fmt"
	"hash/fnv"
	"image/color"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The palettes are functions over unexported tables rather than exported maps, so that no caller can
// change them: the raster tiles (api/tiles), the rendered plans and the browser app's legend all show
// the same colour for the same status.

// paint is how the plans show one room status or usage: its fill colour and its display names.
type paint struct {
	color  color.NRGBA
	zh, en string
}

// label returns the paint's display name in lang ("zh", the default, or "en").
func (p paint) label(lang string) string {
	if isEnglish(lang) {
		return p.en
	}
	return p.zh
}

// statusPaints holds the room statuses, in colours from Okabe and Ito's palette for colour-blind
// readers: over standard vermillion and compliant blue (the pair stays apart under deuteranopia and
// protanopia, where the former red and green did not: 1.03:1), vacant grey, non-office light blue,
// no standard yellow. The browser app also hatches over-standard rooms, so that status never rests on
// colour alone.
var statusPaints = map[floorplan.RoomStatus]paint{
	floorplan.StatusOverStandard: {color.NRGBA{0xd5, 0x5e, 0x00, 0xff}, "超标", "Over standard"}, // #d55e00
	floorplan.StatusCompliant:    {color.NRGBA{0x00, 0x72, 0xb2, 0xff}, "合规", "Compliant"},     // #0072b2
	floorplan.StatusVacant:       {color.NRGBA{0xbd, 0xbd, 0xbd, 0xff}, "空置", "Vacant"},        // #bdbdbd
	floorplan.StatusNonOffice:    {color.NRGBA{0x9e, 0xca, 0xe1, 0xff}, "非办公", "Non-office"},   // #9ecae1
	floorplan.StatusNoStandard:   {color.NRGBA{0xf0, 0xe4, 0x42, 0xff}, "无标准", "No standard"},  // #f0e442
}

// unknownStatusColor is the fill of a status missing from statusPaints: a light grey, so that it never
// passes for a known one.
var unknownStatusColor = color.NRGBA{0xf0, 0xf0, 0xf0, 0xff}

// usagePaints holds the room usages (ColorBy usage). Other shares the fill of unknown usages; shafts are
// a mid grey and voids near-white (hatched on plans).
var usagePaints = map[floorplan.Usage]paint{
	floorplan.UsageOffice:      {color.NRGBA{0x80, 0xb1, 0xd3, 0xff}, "办公室", "Office"},
	floorplan.UsageRestRoom:    {color.NRGBA{0xbe, 0xba, 0xda, 0xff}, "休息室", "Rest room"},
	floorplan.UsageToilet:      {color.NRGBA{0x8d, 0xd3, 0xc7, 0xff}, "卫生间", "Toilet"},
	floorplan.UsageService:     {color.NRGBA{0xfd, 0xb4, 0x62, 0xff}, "服务用房", "Service"},
	floorplan.UsageEquipment:   {color.NRGBA{0xb3, 0xde, 0x69, 0xff}, "设备用房", "Equipment"},
	floorplan.UsageAncillary:   {color.NRGBA{0xfc, 0xcd, 0xe5, 0xff}, "附属用房", "Ancillary"},
	floorplan.UsageTechnical:   {color.NRGBA{0xbc, 0x80, 0xbd, 0xff}, "技术业务用房", "Technical"},
	floorplan.UsageCirculation: {color.NRGBA{0xe5, 0xe5, 0xe5, 0xff}, "交通", "Circulation"},
	floorplan.UsageShaft:       {color.NRGBA{0x96, 0x96, 0x96, 0xff}, "管井", "Shaft"},
	floorplan.UsageVoid:        {voidColor, "中庭上空", "Void"},
	floorplan.UsageCommercial:  {color.NRGBA{0xfb, 0x80, 0x72, 0xff}, "商业", "Commercial"},
	floorplan.UsageResidential: {color.NRGBA{0xff, 0xff, 0xb3, 0xff}, "住宅", "Residential"},
	floorplan.UsageOther:       {otherUsageColor, "其他", "Other"},
}

// voidColor is the fill of a void (open to the floor below), whatever the colouring: a near-white that
// the plans hatch (see hatchLines) and the app draws hatched too, so that nobody takes a void for floor
// area. voidHatchColor is the hatching's ink.
var (
	voidColor      = color.NRGBA{0xf7, 0xf7, 0xf7, 0xff}
	voidHatchColor = color.NRGBA{0x96, 0x96, 0x96, 0xff}
)

// openingColor is the ink of doors and other openings drawn over the room outlines (a dark brown no
// palette uses).
var openingColor = color.NRGBA{0x8c, 0x51, 0x0a, 0xff}

// otherUsageColor is the fill of usage other and of any usage missing from usagePaints.
var otherUsageColor = color.NRGBA{0xd9, 0xd9, 0xd9, 0xff}

// paintColor returns the fill colour of k in table, or fallback when table has no k.
func paintColor[K comparable](table map[K]paint, k K, fallback color.NRGBA) color.NRGBA {
	if p, ok := table[k]; ok {
		return p.color
	}
	return fallback
}

// paintLabel returns the display name of k in table in lang, or k itself when table has no k.
func paintLabel[K ~string](table map[K]paint, k K, lang string) string {
	if p, ok := table[k]; ok {
		return p.label(lang)
	}
	return string(k)
}

// StatusColor returns the fill colour of a room status: over standard vermillion, compliant blue,
// vacant grey, non-office light blue, no standard yellow. An unknown status gets a light grey, so that
// it never passes for a known one.
func StatusColor(s floorplan.RoomStatus) color.NRGBA {
	return paintColor(statusPaints, s, unknownStatusColor)
}

// Statuses returns the room statuses in legend order.
func Statuses() []floorplan.RoomStatus {
	return []floorplan.RoomStatus{floorplan.StatusOverStandard, floorplan.StatusCompliant,
		floorplan.StatusVacant, floorplan.StatusNonOffice, floorplan.StatusNoStandard}
}

// StatusLabel returns the display name of a status in lang ("zh", the default, or "en").
func StatusLabel(s floorplan.RoomStatus, lang string) string {
	return paintLabel(statusPaints, s, lang)
}

// UsageColor returns the fill colour of a room usage (ColorBy usage).
func UsageColor(u floorplan.Usage) color.NRGBA {
	return paintColor(usagePaints, u, otherUsageColor)
}

// UsageLabel returns the display name of a usage in lang ("zh", the default, or "en").
func UsageLabel(u floorplan.Usage, lang string) string {
	return paintLabel(usagePaints, u, lang)
}

// AgencyColor returns a stable colour for an agency: the same id always gets the same colour, in
// every plan and on every machine. Rooms not allocated to an agency (uuid.Nil) are light grey.
func AgencyColor(id uuid.UUID) color.NRGBA {
	if id == uuid.Nil {
		return color.NRGBA{0xee, 0xee, 0xee, 0xff}
	}
	// A 12-colour qualitative palette (ColorBrewer Set3 with Paired's darker blue and green in place
	// of the light colours that vanish on white).
	palette := [...]color.NRGBA{
		{0x8d, 0xd3, 0xc7, 0xff}, {0xfb, 0x80, 0x72, 0xff}, {0xbe, 0xba, 0xda, 0xff}, {0x80, 0xb1, 0xd3, 0xff},
		{0xfd, 0xb4, 0x62, 0xff}, {0xb3, 0xde, 0x69, 0xff}, {0xfc, 0xcd, 0xe5, 0xff}, {0xbc, 0x80, 0xbd, 0xff},
		{0xcc, 0xeb, 0xc5, 0xff}, {0xff, 0xed, 0x6f, 0xff}, {0x1f, 0x78, 0xb4, 0xff}, {0x33, 0xa0, 0x2c, 0xff},
	}
	h := fnv.New32a()
	h.Write(id[:])
	return palette[h.Sum32()%uint32(len(palette))]
}

// Hex returns c as #rrggbb.
func Hex(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// isEnglish reports whether lang asks for English; everything else is Chinese, the default.
func isEnglish(lang string) bool { return len(lang) >= 2 && (lang[:2] == "en" || lang[:2] == "EN") }
