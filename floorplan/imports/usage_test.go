package imports_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// The default map tells the words of the issue, Chinese and English, and the usages of the 2014
// standard's types, shafts and voids; a short word stands apart from other letters.
func TestDefaultUsageMap(t *testing.T) {
	m := imports.DefaultUsageMap()
	tests := []struct {
		name string
		want floorplan.Usage
	}{
		{"走廊", floorplan.UsageCirculation}, {"三楼楼梯间", floorplan.UsageCirculation}, {"男卫生间", floorplan.UsageToilet},
		{"小会议室", floorplan.UsageService}, {"CIRC", floorplan.UsageCirculation}, {"WC", floorplan.UsageToilet},
		{"STAIR", floorplan.UsageCirculation}, {"ELEV", floorplan.UsageCirculation}, {"Elevator", floorplan.UsageCirculation},
		{"A-AREA-CIRC", floorplan.UsageCirculation}, {"STAIRS", floorplan.UsageCirculation},
		{"管井", floorplan.UsageShaft}, {"2#风井", floorplan.UsageShaft}, {"电缆井", floorplan.UsageShaft},
		{"Pipe shaft", floorplan.UsageShaft}, {"Electrical riser", floorplan.UsageShaft}, {"Duct", floorplan.UsageShaft},
		{"电梯井", floorplan.UsageShaft}, {"Lift shaft", floorplan.UsageShaft},
		{"中庭上空", floorplan.UsageVoid}, {"挑空", floorplan.UsageVoid}, {"Void", floorplan.UsageVoid},
		{"Open to below", floorplan.UsageVoid}, {"Atrium void", floorplan.UsageVoid},
		{"配电室", floorplan.UsageEquipment}, {"Mech/Elec", floorplan.UsageEquipment}, {"职工食堂", floorplan.UsageAncillary},
		{"局长办公室", floorplan.UsageOffice}, {"Restroom", floorplan.UsageToilet}, {"领导休息室", floorplan.UsageRestRoom},
	}
	for _, tt := range tests {
		if got, ok := m.Usage(tt.name); !ok || got != tt.want {
			t.Errorf("Usage(%q) = %s, %v; want %s", tt.name, got, ok, tt.want)
		}
	}
	for _, name := range []string{"", "Specialty", "awcx", "101", "Production", "Circus", "Stranger"} {
		if got, ok := m.Usage(name); ok {
			t.Errorf("Usage(%q) = %s, want none", name, got)
		}
	}
}

// A number's leading letters tell a usage when they begin with a word: the Contoso drawings number
// corridors, stairs and lifts CIRC101, STR101, ELV101, and in the basement CIRCB01.
func TestNumberUsage(t *testing.T) {
	m := imports.DefaultUsageMap()
	tests := []struct {
		number, prefix string
		want           floorplan.Usage
	}{
		{"CIRC101", "CIRC", floorplan.UsageCirculation}, {"CIRCB01", "CIRC", floorplan.UsageCirculation},
		{"STR201", "STR", floorplan.UsageCirculation}, {"ELVB01", "ELV", floorplan.UsageCirculation},
		{"WC-2", "WC", floorplan.UsageToilet}, {"wc3", "wc", floorplan.UsageToilet}, {"楼梯1", "楼梯", floorplan.UsageCirculation},
		{"Shaft 3", "Shaft", floorplan.UsageShaft},
	}
	for _, tt := range tests {
		u, prefix, ok := m.NumberUsage(tt.number)
		if !ok || u != tt.want || prefix != tt.prefix {
			t.Errorf("NumberUsage(%q) = %s, %q, %v; want %s, %q", tt.number, u, prefix, ok, tt.want, tt.prefix)
		}
	}
	for _, number := range []string{"101", "B01", "1300", "A-12", ""} {
		if u, prefix, ok := m.NumberUsage(number); ok {
			t.Errorf("NumberUsage(%q) = %s, %q", number, u, prefix)
		}
	}
}

// UsageFromName is the default map's lookup.
func TestUsageFromNameIsDefault(t *testing.T) {
	for _, name := range []string{"走廊", "CIRC", "Conference", "Specialty"} {
		u1, ok1 := imports.UsageFromName(name)
		u2, ok2 := imports.DefaultUsageMap().Usage(name)
		if u1 != u2 || ok1 != ok2 {
			t.Errorf("%q: UsageFromName %s %v, default map %s %v", name, u1, ok1, u2, ok2)
		}
	}
}

func writeMap(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "usages.csv")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// An operator's map overrides the default where it gives a word, and keeps the default elsewhere;
// usages may be named in English or in Chinese.
func TestReadUsageMap(t *testing.T) {
	p := writeMap(t, "\uFEFF# 本局的房间名称\n\n"+
		"Lounge, 附属用房\n"+ // the default says service
		"STR, service\n"+ // the default says circulation (stairs): here STR is a store
		"机要室\t服务用房\n"+
		"Quiet room，office\n")
	m, err := imports.ReadUsageMap(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want floorplan.Usage
	}{
		{"Staff lounge", floorplan.UsageAncillary}, {"机要室", floorplan.UsageService}, {"Quiet Room 2", floorplan.UsageOffice},
		{"走廊", floorplan.UsageCirculation}, {"Restroom", floorplan.UsageToilet},
	}
	for _, tt := range tests {
		if got, ok := m.Usage(tt.name); !ok || got != tt.want {
			t.Errorf("Usage(%q) = %s, %v; want %s", tt.name, got, ok, tt.want)
		}
	}
	if u, _, _ := m.NumberUsage("STR101"); u != floorplan.UsageService {
		t.Errorf("NumberUsage(STR101) = %s, want the operator's service", u)
	}
	if u, _ := imports.DefaultUsageMap().Usage("Lounge"); u != floorplan.UsageService {
		t.Errorf("the default map changed: Lounge is %s", u)
	}
}

// A line that cannot be read is an error naming the file and the line.
func TestReadUsageMapErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"no usage", "# words\n走廊, circulation\n楼梯\n", []string{"line 3", `"楼梯" has no usage`}},
		{"unknown usage", "走廊, circulation\n\nlobby, hallway\n", []string{"line 3", `"hallway" is not a usage`}},
		{"no word", ", office\n", []string{"line 1", "no word"}},
		{"two meanings", "Lounge, service\n# x\nlounge, ancillary\n", []string{"line 3", `"lounge" is ancillary here but service on line 1`}},
		{"not text", "a, office\n\xff\xfe, office\n", []string{"line 2", "not UTF-8"}},
		{"line too long", "a, office\n" + strings.Repeat("x", 5000) + ", office\n", []string{"line 2", "longer than 4096 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeMap(t, tt.text)
			m, err := imports.ReadUsageMap(p)
			if err == nil {
				t.Fatalf("no error; map %v", m)
			}
			for _, w := range append(tt.want, p) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want %q in it", err, w)
				}
			}
		})
	}
	if _, err := imports.ReadUsageMap(filepath.Join(t.TempDir(), "missing.csv")); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: err = %v", err)
	}
}
