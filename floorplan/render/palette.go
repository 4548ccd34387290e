package render

import (
	"fmt"
	"hash/fnv"
	"image/color"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The palettes are functions over constant tables rather than exported maps, so that no caller can
// change them: the raster tiles (api/tiles), the rendered plans and the browser app's legend all show
// the same colour for the same status.

// StatusColor returns the fill colour of a room status: over standard red, compliant green, vacant
// grey, non-office blue-grey, no standard amber. An unknown status gets the no-standard amber's
// neutral neighbour, a light grey, so that it never passes for a known one.
func StatusColor(s floorplan.RoomStatus) color.NRGBA {
	switch s {
	case floorplan.StatusOverStandard:
		return color.NRGBA{0xd7, 0x30, 0x1f, 0xff} // #d7301f
	case floorplan.StatusCompliant:
		return color.NRGBA{0x1a, 0x98, 0x50, 0xff} // #1a9850
	case floorplan.StatusVacant:
		return color.NRGBA{0xbd, 0xbd, 0xbd, 0xff} // #bdbdbd
	case floorplan.StatusNonOffice:
		return color.NRGBA{0x9e, 0xca, 0xe1, 0xff} // #9ecae1
	case floorplan.StatusNoStandard:
		return color.NRGBA{0xfd, 0xae, 0x61, 0xff} // #fdae61
	}
	return color.NRGBA{0xf0, 0xf0, 0xf0, 0xff}
}

// Statuses returns the room statuses in legend order.
func Statuses() []floorplan.RoomStatus {
	return []floorplan.RoomStatus{floorplan.StatusOverStandard, floorplan.StatusCompliant,
		floorplan.StatusVacant, floorplan.StatusNonOffice, floorplan.StatusNoStandard}
}

// StatusLabel returns the display name of a status in lang ("zh", the default, or "en").
func StatusLabel(s floorplan.RoomStatus, lang string) string {
	zh, en := "", ""
	switch s {
	case floorplan.StatusOverStandard:
		zh, en = "超标", "Over standard"
	case floorplan.StatusCompliant:
		zh, en = "合规", "Compliant"
	case floorplan.StatusVacant:
		zh, en = "空置", "Vacant"
	case floorplan.StatusNonOffice:
		zh, en = "非办公", "Non-office"
	case floorplan.StatusNoStandard:
		zh, en = "无标准", "No standard"
	default:
		return string(s)
	}
	if isEnglish(lang) {
		return en
	}
	return zh
}

// UsageColor returns the fill colour of a room usage (ColorBy usage).
func UsageColor(u floorplan.Usage) color.NRGBA {
	switch u {
	case floorplan.UsageOffice:
		return color.NRGBA{0x80, 0xb1, 0xd3, 0xff}
	case floorplan.UsageRestRoom:
		return color.NRGBA{0xbe, 0xba, 0xda, 0xff}
	case floorplan.UsageToilet:
		return color.NRGBA{0x8d, 0xd3, 0xc7, 0xff}
	case floorplan.UsageService:
		return color.NRGBA{0xfd, 0xb4, 0x62, 0xff}
	case floorplan.UsageEquipment:
		return color.NRGBA{0xb3, 0xde, 0x69, 0xff}
	case floorplan.UsageAncillary:
		return color.NRGBA{0xfc, 0xcd, 0xe5, 0xff}
	case floorplan.UsageTechnical:
		return color.NRGBA{0xbc, 0x80, 0xbd, 0xff}
	case floorplan.UsageCirculation:
		return color.NRGBA{0xe5, 0xe5, 0xe5, 0xff}
	case floorplan.UsageCommercial:
		return color.NRGBA{0xfb, 0x80, 0x72, 0xff}
	case floorplan.UsageResidential:
		return color.NRGBA{0xff, 0xff, 0xb3, 0xff}
	}
	return color.NRGBA{0xd9, 0xd9, 0xd9, 0xff} // other and unknown
}

// UsageLabel returns the display name of a usage in lang ("zh", the default, or "en").
func UsageLabel(u floorplan.Usage, lang string) string {
	zh, en := "", ""
	switch u {
	case floorplan.UsageOffice:
		zh, en = "办公室", "Office"
	case floorplan.UsageRestRoom:
		zh, en = "休息室", "Rest room"
	case floorplan.UsageToilet:
		zh, en = "卫生间", "Toilet"
	case floorplan.UsageService:
		zh, en = "服务用房", "Service"
	case floorplan.UsageEquipment:
		zh, en = "设备用房", "Equipment"
	case floorplan.UsageAncillary:
		zh, en = "附属用房", "Ancillary"
	case floorplan.UsageTechnical:
		zh, en = "技术业务用房", "Technical"
	case floorplan.UsageCirculation:
		zh, en = "交通", "Circulation"
	case floorplan.UsageCommercial:
		zh, en = "商业", "Commercial"
	case floorplan.UsageResidential:
		zh, en = "住宅", "Residential"
	case floorplan.UsageOther:
		zh, en = "其他", "Other"
	default:
		return string(u)
	}
	if isEnglish(lang) {
		return en
	}
	return zh
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
