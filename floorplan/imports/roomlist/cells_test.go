package roomlist

import (
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

func TestFloorOrdinal(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1F", 0, true}, {"1f", 0, true}, {"１Ｆ", 0, true}, {"F1", 0, true}, {"1", 0, true}, {"1层", 0, true},
		{"一层", 0, true}, {"首层", 0, true}, {"第一层", 0, true}, {"1楼", 0, true}, {"3F", 2, true}, {"三层", 2, true},
		{"十层", 9, true}, {"十二层", 11, true}, {"二十层", 19, true}, {"二十三层", 22, true}, {"B1", -1, true},
		{"B2F", -2, true}, {"-1", -1, true}, {"-1F", -1, true}, {"地下一层", -1, true}, {"地下2层", -2, true},
		{"负一层", -1, true}, {" 3 F ", 2, true},
		{"0", 0, false}, {"0F", 0, false}, {"B0", 0, false}, {"roof", 0, false}, {"", 0, false}, {"三十三十层", 0, false},
		{"二二层", 0, false}, {"1.5F", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := floorOrdinal(tt.in)
			if ok != tt.ok || ok && got != tt.want {
				t.Errorf("floorOrdinal(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseArea(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // 0: refused
	}{
		{"24.5", 24.5}, {" 24.50 ", 24.5}, {"1,234.5", 1234.5}, {"12.5㎡", 12.5}, {"12.5 m²", 12.5}, {"12.5m2", 12.5},
		{"12.5平方米", 12.5}, {"１２．５", 12.5}, {"7", 7},
		{"0", 0}, {"-3", 0}, {"abc", 0}, {"十二点五", 0}, {"12,5", 0}, {"1e6", 0}, {"NaN", 0}, {"Inf", 0}, {"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, why := parseArea(tt.in)
			if tt.want == 0 {
				if why == nil {
					t.Errorf("parseArea(%q) = %g, want it refused", tt.in, got)
				}
				return
			}
			if why != nil || got != tt.want {
				t.Errorf("parseArea(%q) = %g, %v; want %g", tt.in, got, why, tt.want)
			}
		})
	}
}

func TestParseUsage(t *testing.T) {
	tests := []struct {
		in   string
		want floorplan.Usage // "": refused
	}{
		{"office", floorplan.UsageOffice}, {"Circulation", floorplan.UsageCirculation}, {"办公室", floorplan.UsageOffice},
		{"服务用房", floorplan.UsageService}, {"交通", floorplan.UsageCirculation}, {"管井", floorplan.UsageShaft},
		{"会议室", floorplan.UsageService}, {"走廊", floorplan.UsageCirculation}, {"卫生间", floorplan.UsageToilet},
		{"xyzzy", ""}, {"？", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, why := parseUsage(tt.in, nil)
			if tt.want == "" && why == nil || tt.want != "" && (why != nil || got != tt.want) {
				t.Errorf("parseUsage(%q) = %q, %v; want %q", tt.in, got, why, tt.want)
			}
		})
	}
}

func TestNormalHeader(t *testing.T) {
	tests := []struct {
		in   string
		want Field
	}{
		{"房间号", FieldNumber}, {"房 号", FieldNumber}, {"Room No.", FieldNumber}, {"使用面积（㎡）", FieldArea},
		{"Area (m2)", FieldArea}, {"账面面积(平方米)", FieldArea}, {"*使用单位", FieldAgency}, {"楼层：", FieldFloor},
		{"Building_Name", FieldBuilding}, {"【用途】房间用途", FieldUsage},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := fieldOf[sheet.NormalHeader(tt.in)]; got != tt.want {
				t.Errorf("%q (%q) is %q, want %q", tt.in, sheet.NormalHeader(tt.in), got, tt.want)
			}
		})
	}
	if f, ok := fieldOf[sheet.NormalHeader("建筑面积")]; ok {
		t.Errorf("建筑面积 (gross area) is read as the %s", f)
	}
}

func TestParseColumns(t *testing.T) {
	got, err := ParseColumns("number=房号, area = 面积，agency=C,area_m2x=1")
	if err == nil || imports.ErrorIn(err, "en") != `unknown field "area_m2x" (use building, floor, ordinal, number, usage, agency or area)` {
		t.Errorf("unknown field: %v", err)
	}
	got, err = ParseColumns("number=房号, area = 面积，agency=C")
	if err != nil || got[FieldNumber] != "房号" || got[FieldArea] != "面积" || got[FieldAgency] != "C" || len(got) != 3 {
		t.Errorf("ParseColumns = %v, %v", got, err)
	}
	for _, bad := range []string{"number", "number=", "number=a,number=b", "=房号"} {
		if _, err := ParseColumns(bad); err == nil {
			t.Errorf("ParseColumns(%q) took it", bad)
		} else if zh := imports.ErrorIn(err, "zh"); zh == err.Error() {
			t.Errorf("ParseColumns(%q): no Chinese for %q", bad, zh)
		}
	}
	if c := sheet.ColumnLetter("AB"); c != 27 {
		t.Errorf("column AB = %d", c)
	}
}
