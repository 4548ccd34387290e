package pdfdoc

import (
	"strings"
	"testing"
	"unicode"
)

// TestWrapKeepsEveryCharacter: Chinese text wrapped in a paragraph, a key–value row, a notice and a narrow
// table cell loses no character at its line breaks (fpdf's MultiCell drops the one it breaks at), and every
// line fits its cell.
func TestWrapKeepsEveryCharacter(t *testing.T) {
	font := systemFont(t)
	long := "张三（局(处)级以下）办公室使用面积16.00平方米，超过标准9.00平方米，超标7.00平方米（77.8%）。《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条"
	d := New(font, Options{Title: "wrap"})
	d.Paragraph(strings.Repeat("一二三四五六七八九十", 12))
	d.KeyValues([]KV{{Key: "发现问题", Value: long}})
	d.Notice("未按期整改的，将依规移交纪检监察机关处理，并在年度考核中通报。")
	d.Table(Table{Columns: []Column{{Title: "要点", Width: 34}, {Title: "依据", Width: 30}, {Title: "发现问题"}},
		Rows: [][]string{{"L1 超标准使用办公用房", "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条", long}}})
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, string(run(t, pdf, "pdftotext", "-raw")))
	for _, want := range []string{strings.Repeat("一二三四五六七八九十", 12), long, "未按期整改的，将依规移交纪检监察机关处理，并在年度考核中通报。",
		"L1超标准使用办公用房", "《党政机关办公用房建设标准》(发改投资〔2014〕2674号)第十三条"} {
		if want = strings.ReplaceAll(want, " ", ""); strings.Count(text, want) < 1 {
			t.Errorf("pdftotext -raw does not find %q whole in:\n%s", want, text)
		}
	}
	if strings.Count(text, strings.ReplaceAll(long, " ", "")) != 2 {
		t.Errorf("the long finding is not found whole twice (key–value and table) in:\n%s", text)
	}
}

// TestWrapLines: lines break at spaces (dropped), between Chinese characters, never before closing
// or after opening punctuation, and within a word only when it is longer than the line; every line fits.
func TestWrapLines(t *testing.T) {
	d := New(systemFont(t), Options{})
	width := 30.0
	for _, text := range []string{"the quick brown fox jumps over the lazy dog again and again",
		"超标准使用办公用房，超过标准9.00平方米。超标7.00平方米（77.8%）。", "Supercalifragilisticexpialidocious-and-more-of-it", "", "a\nb"} {
		lines := d.wrap(text, width)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(strings.ReplaceAll(text, "\n", ""), " ", "") {
			t.Errorf("%q wraps to %q: characters lost or added", text, lines)
		}
		for _, l := range lines {
			if w := d.pdf.GetStringWidth(l); w > width-2*d.pdf.GetCellMargin() {
				t.Errorf("%q: line %q is %.1f mm wide, more than the cell", text, l, w)
			}
			if r := []rune(l); len(r) > 0 && (closing(r[0]) || opening(r[len(r)-1])) && len(lines) > 1 {
				t.Errorf("%q: line %q starts with closing or ends with opening punctuation", text, l)
			}
		}
	}
}
