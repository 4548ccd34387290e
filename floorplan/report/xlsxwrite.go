package report

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// A small streaming writer of SpreadsheetML (XLSX) workbooks: the sheets' XML is written, deflated,
// straight into the zip on the output as the rows come, one sheet after another, then the workbook's
// other parts. It holds no more than xlsxFlushAt bytes of XML not yet compressed: no temporary file, no
// shared strings. Cells are inline strings or numbers, styled by the fixed styles of
// xlsxStyles. The XML mirrors what excelize's StreamWriter writes, which it replaced (excelize spent most
// of a large report's time escaping cells and copying its temporary file into the zip).

// xlsxDeflateLevel is the compression level of the workbook's zip (klauspost/compress/flate). On the
// findings sheet of a 200,000-room register (80 MB of XML) level 3 compresses in about a quarter of the
// time archive/zip's default (compress/flate level 5) takes, for a file 19 % larger (9.7 MB, not 8.1);
// level 1 is hardly faster and 4 % larger again.
const xlsxDeflateLevel = 3

// The cell styles of xlsxStyles, by their index in its cellXfs.
const (
	styleNone    = 0 // general
	styleHead    = 1 // bold on a #EDEDED fill: the header row
	styleNum     = 2 // 0.00 (built-in number format 2): areas
	stylePct     = 3 // 0.0 (custom number format 164): percentages
	styleBoldNum = 4 // bold and 0.00: the total row
)

// xlsxFlushAt is how much XML a sheet's rows gather before it goes to the compressor: writes of a few
// hundred bytes, a row each, would cost the compressor's call and checks each time.
const xlsxFlushAt = 64 << 10

// xlsxMaxCellChars is the most UTF-16 code units a cell holds (Excel's limit; excelize.TotalCellChars):
// longer text is cut, as excelize cut it.
const xlsxMaxCellChars = 32767

// xlsxSheet describes a worksheet's layout: its column widths (from column A) and the number of rows
// frozen at its top.
type xlsxSheet struct {
	widths []float64
	frozen int
}

// xlsxWriter writes a workbook to a zip. Its methods record the first error (err) and do nothing after
// it; startSheet and close return it.
type xlsxWriter struct {
	zw     *zip.Writer
	part   io.Writer // the open sheet's zip entry
	buf    []byte    // XML not yet written to part
	sheets int       // sheets started
	row    int       // the open sheet's rows written
	err    error
	// The XML is deflated on a goroutine of its own while the next rows are made (flush): spare is the
	// buffer being written, or written, and written the result of that write, nil once settled.
	spare   []byte
	written chan error
}

// newXLSXWriter returns a writer of a workbook to w (newDeflateZip).
func newXLSXWriter(w io.Writer) *xlsxWriter {
	return &xlsxWriter{zw: newDeflateZip(w), buf: make([]byte, 0, xlsxFlushAt+4096),
		spare: make([]byte, 0, xlsxFlushAt+4096)}
}

// newDeflateZip is archive/zip on w, its Deflate done by klauspost/compress/flate at xlsxDeflateLevel (one
// compressor for every entry in turn: the zip closes an entry before it creates the next).
func newDeflateZip(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	var fw *flate.Writer
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if fw == nil {
			var err error
			if fw, err = flate.NewWriter(out, xlsxDeflateLevel); err != nil {
				return nil, fmt.Errorf("report: XLSX: deflate level %d: %w", xlsxDeflateLevel, err)
			}
			return fw, nil
		}
		fw.Reset(out)
		return fw, nil
	})
	return zw
}

// create opens the zip entry name (deflated); the entry before it is closed.
func (x *xlsxWriter) create(name string) {
	x.settle()
	if x.err != nil {
		return
	}
	x.part, x.err = x.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if x.err != nil {
		x.err = fmt.Errorf("report: XLSX: %s: %w", name, x.err)
	}
}

// flush hands the buffered XML to the open entry: it is deflated and written on another goroutine while the
// next rows are made into the other buffer (a report's CPU is the rows and the deflate, on a machine of two
// cores or more). The write before it is settled first, so at most one runs, in order.
func (x *xlsxWriter) flush() {
	x.settle()
	if x.err != nil || len(x.buf) == 0 {
		x.buf = x.buf[:0]
		return
	}
	out, part, done := x.buf, x.part, make(chan error, 1)
	go func() {
		_, err := part.Write(out)
		done <- err
	}()
	x.buf, x.spare, x.written = x.spare[:0], out, done
}

// settle waits for the write of the last flush, if any, and records its error. Every path out of the
// writer goes through it (create, close, and the sink's close after an error), so nothing is written to the
// output after it returns.
func (x *xlsxWriter) settle() {
	if x.written == nil {
		return
	}
	err := <-x.written
	x.written = nil
	if err != nil && x.err == nil {
		x.err = fmt.Errorf("report: writing XLSX: %w", err)
	}
}

// xlsxSheetStart opens a worksheet's XML and its views; startSheet writes the rest of its head.
const xlsxSheetStart = xmlDecl + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheetViews>`

// startSheet opens the next worksheet (xl/worksheets/sheetN.xml), writes its view (the first sheet's
// tab selected), its frozen rows and its column widths, and opens its data.
func (x *xlsxWriter) startSheet(sh xlsxSheet) error {
	x.sheets++
	x.row = 0
	x.create("xl/worksheets/sheet" + strconv.Itoa(x.sheets) + ".xml")
	b := append(x.buf, xlsxSheetStart...)
	b = append(b, `<sheetView`...)
	if x.sheets == 1 {
		b = append(b, ` tabSelected="1"`...)
	}
	b = append(b, ` workbookViewId="0">`...)
	if sh.frozen > 0 {
		b = append(b, `<pane ySplit="`...)
		b = strconv.AppendInt(b, int64(sh.frozen), 10)
		b = append(b, `" topLeftCell="`...)
		b = appendCellRef(b, 0, sh.frozen+1)
		b = append(b, `" activePane="bottomLeft" state="frozen"/>`...)
	}
	b = append(b, `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`...)
	if len(sh.widths) > 0 {
		b = append(b, `<cols>`...)
		for i, wd := range sh.widths {
			b = append(b, `<col min="`...)
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, `" max="`...)
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, `" width="`...)
			b = strconv.AppendFloat(b, wd, 'f', -1, 64)
			b = append(b, `" customWidth="1"/>`...)
		}
		b = append(b, `</cols>`...)
	}
	x.buf = append(b, `<sheetData>`...)
	return x.err
}

// startRow opens the sheet's next row.
func (x *xlsxWriter) startRow() {
	x.row++
	x.buf = append(x.buf, `<row r="`...)
	x.buf = strconv.AppendInt(x.buf, int64(x.row), 10)
	x.buf = append(x.buf, `">`...)
}

// endRow closes the row, writing the buffered XML on once there is enough of it.
func (x *xlsxWriter) endRow() {
	x.buf = append(x.buf, `</row>`...)
	if len(x.buf) >= xlsxFlushAt {
		x.flush()
	}
}

// cellStart writes a cell's start tag up to its type: `<c r="B7" s="2"`.
func (x *xlsxWriter) cellStart(col, style int) {
	b := append(x.buf, `<c r="`...)
	b = appendCellRef(b, col, x.row)
	b = append(b, '"')
	if style != styleNone {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	x.buf = b
}

// text writes the text v in column col (from 0) of the open row as an inline string, as excelize wrote
// it: cut to xlsxMaxCellChars, its spaces kept where it starts or ends with one (xml:space), characters
// XML cannot hold replaced by U+FFFD and literal _xHHHH_ escapes escaped. An empty v writes no cell.
func (x *xlsxWriter) text(col, style int, v string) {
	if v == "" {
		return
	}
	v = truncateCellText(v)
	x.cellStart(col, style)
	b := append(x.buf, ` t="inlineStr"><is><t`...)
	if isXMLSpace(v[0]) || isXMLSpace(v[len(v)-1]) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendCellText(b, v)
	x.buf = append(b, `</t></is></c>`...)
}

// number writes v in column col of the open row as a number (excelize's formatting: the shortest
// decimal, cut to 15 significant digits); NaN and infinities, which a cell cannot hold, as text.
func (x *xlsxWriter) number(col, style int, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		x.text(col, style, strconv.FormatFloat(v, 'g', -1, 64))
		return
	}
	x.cellStart(col, style)
	b := append(x.buf, `><v>`...)
	b = appendCellFloat(b, v)
	x.buf = append(b, `</v></c>`...)
}

// integer writes n in column col of the open row as a number.
func (x *xlsxWriter) integer(col, style int, n int) {
	x.cellStart(col, style)
	b := append(x.buf, `><v>`...)
	b = strconv.AppendInt(b, int64(n), 10)
	x.buf = append(b, `</v></c>`...)
}

// endSheet closes the open worksheet.
func (x *xlsxWriter) endSheet() error {
	x.buf = append(x.buf, `</sheetData></worksheet>`...)
	x.flush()
	return x.err
}

// close writes the workbook's other parts — the workbook naming the sheets (names, in the order they
// were written), its relationships, the styles, the content types, the package's relationships and
// document properties — and ends the zip.
func (x *xlsxWriter) close(names []string) error {
	if x.err == nil && len(names) != x.sheets {
		x.err = fmt.Errorf("report: XLSX: %d sheet names for %d sheets", len(names), x.sheets)
	}
	parts := []struct{ name, text string }{
		{"xl/workbook.xml", workbookXML(names)},
		{"xl/_rels/workbook.xml.rels", workbookRels(len(names))},
		{"xl/styles.xml", xlsxStyles},
		{"xl/theme/theme1.xml", xlsxTheme},
		{"[Content_Types].xml", contentTypes(len(names))},
		{"_rels/.rels", packageRels},
		{"docProps/app.xml", appXML},
		{"docProps/core.xml", coreXML},
	}
	for _, p := range parts {
		x.create(p.name)
		x.buf = append(x.buf, p.text...)
		x.flush()
	}
	x.settle()
	if x.err != nil {
		return x.err
	}
	if err := x.zw.Close(); err != nil {
		return fmt.Errorf("report: writing XLSX: %w", err)
	}
	return nil
}

// appendCellRef appends the A1-style reference of column col (from 0) and row (from 1).
func appendCellRef(b []byte, col, row int) []byte {
	var letters [4]byte // XFD, Excel's last column, has three
	i := len(letters)
	for col++; col > 0; col = (col - 1) / 26 {
		i--
		letters[i] = byte('A' + (col-1)%26)
	}
	b = append(b, letters[i:]...)
	return strconv.AppendInt(b, int64(row), 10)
}

// isXMLSpace reports whether c is one of XML's white-space characters, which a reader may drop at the
// ends of a text unless told to keep them (xml:space="preserve").
func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// truncateCellText cuts v to xlsxMaxCellChars UTF-16 code units, at a character's start.
func truncateCellText(v string) string {
	if len(v) <= xlsxMaxCellChars { // a UTF-8 byte is at most one UTF-16 unit
		return v
	}
	n := 0
	for i, r := range v {
		if n++; r >= 0x10000 {
			n++ // a surrogate pair
		}
		if n > xlsxMaxCellChars {
			return v[:i]
		}
	}
	return v
}

// appendCellText appends v escaped as the text of an XML element, to read back as excelize's escaping
// of a cell (xml.EscapeText) read back: & < > " as entities, a carriage return as &#xD; (a parser would
// read it as a line feed), tabs and line feeds as they are, and what XML 1.0 cannot hold (control
// characters, each byte of invalid UTF-8, U+FFFE and U+FFFF) as U+FFFD. An underscore that starts what
// reads as an escaped character (_x0041_ for A) is escaped itself (_x005F_), so that readers give back
// the text as it was; excelize did the same, but dropped _xD800_ to _xDFFF_ (surrogates) altogether.
func appendCellText(b []byte, v string) []byte {
	if !utf8.ValidString(v) {
		v = validUTF8(v)
	}
	last := 0
	for i := 0; i < len(v); i++ {
		var esc string
		switch c := v[i]; c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\r':
			esc = "&#xD;"
		case '\t', '\n':
			continue
		case '_':
			if !isEscapedChar(v[i:]) {
				continue
			}
			esc = "_x005F_"
		case 0xEF: // U+FFFE and U+FFFF are EF BF BE and EF BF BF
			if i+2 >= len(v) || v[i+1] != 0xBF || v[i+2] < 0xBE {
				continue
			}
			b = append(append(b, v[last:i]...), "\uFFFD"...)
			i += 2
			last = i + 1
			continue
		default:
			if c >= ' ' {
				continue
			}
			esc = "\uFFFD"
		}
		b = append(append(b, v[last:i]...), esc...)
		last = i + 1
	}
	return append(b, v[last:]...)
}

// validUTF8 is v with each byte that is not part of valid UTF-8 replaced by U+FFFD (as xml.EscapeText
// does; strings.ToValidUTF8 would replace a run of them by one).
func validUTF8(v string) string {
	b := make([]byte, 0, len(v)+8)
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, v[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// isEscapedChar reports whether s starts with _xHHHH_ (four hexadecimal digits): a character escaped in
// SpreadsheetML's strings.
func isEscapedChar(s string) bool {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// appendCellFloat appends v as excelize wrote a number: strconv's shortest 'f' form cut to Excel's 15
// significant digits (the digits after them dropped when they are decimals, made zeros when not).
func appendCellFloat(b []byte, v float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	if math.Abs(v) == math.MaxFloat64 || len(b)-start <= 15 { // at most 15 digits: nothing to cut
		return b
	}
	s := b[start:]
	point, digits := -1, 0
	for i, c := range s {
		if c == '.' {
			point = i
		}
		if c < '0' || c > '9' || digits == 0 && c == '0' {
			continue
		}
		if digits++; digits <= 15 {
			continue
		}
		if point >= 0 { // i is past the point: drop the rest
			if s[i-1] == '.' {
				i--
			}
			return b[:start+i]
		}
		end := len(s) // i is before the point (if any): zeros to it, the decimals dropped
		for j, c := range s[i:] {
			if c == '.' {
				end = i + j
				break
			}
		}
		for j := i; j < end; j++ {
			s[j] = '0'
		}
		return b[:start+end]
	}
	return b
}

// The workbook's fixed parts.
const (
	xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain  = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg   = "http://schemas.openxmlformats.org/package/2006/relationships"

	// xlsxStyles are the workbook's styles, as excelize made them for the report (their indexes are
	// the style* constants): the fonts are Calibri 11, the second bold; the third fill the header's.
	xlsxStyles = xmlDecl + `<styleSheet xmlns="` + nsMain + `">` +
		`<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>` +
		`<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><b val="1"/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
		`<fill><patternFill patternType="solid"><fgColor rgb="FFEDEDED"/></patternFill></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
		`<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="2" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>`

	packageRels = xmlDecl + `<Relationships xmlns="` + nsPkg + `">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId3" Type="` + nsRel + `/extended-properties" Target="docProps/app.xml"/></Relationships>`

	appXML = xmlDecl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
		`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><TotalTime>0</TotalTime>` +
		`<Application>officemap</Application></Properties>`

	coreXML = xmlDecl + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>officemap</dc:creator></cp:coreProperties>`
)

// xlsxTheme is the workbook's theme, Office's as excelize's template (templateTheme) has it: the fonts'
// colour and the fill's are read through it (excelize reads no colour in a workbook without a theme).
const xlsxTheme = xmlDecl + `<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="5B9BD5"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4><a:accent5><a:srgbClr val="4472C4"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme><a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light" panose="020F0302020204030204"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Jpan" typeface="游ゴシック Light"/><a:font script="Hang" typeface="맑은 고딕"/><a:font script="Hans" typeface="等线 Light"/><a:font script="Hant" typeface="新細明體"/><a:font script="Arab" typeface="Times New Roman"/><a:font script="Hebr" typeface="Times New Roman"/><a:font script="Thai" typeface="Tahoma"/><a:font script="Ethi" typeface="Nyala"/><a:font script="Beng" typeface="Vrinda"/><a:font script="Gujr" typeface="Shruti"/><a:font script="Khmr" typeface="MoolBoran"/><a:font script="Knda" typeface="Tunga"/><a:font script="Guru" typeface="Raavi"/><a:font script="Cans" typeface="Euphemia"/><a:font script="Cher" typeface="Plantagenet Cherokee"/><a:font script="Yiii" typeface="Microsoft Yi Baiti"/><a:font script="Tibt" typeface="Microsoft Himalaya"/><a:font script="Thaa" typeface="MV Boli"/><a:font script="Deva" typeface="Mangal"/><a:font script="Telu" typeface="Gautami"/><a:font script="Taml" typeface="Latha"/><a:font script="Syrc" typeface="Estrangelo Edessa"/><a:font script="Orya" typeface="Kalinga"/><a:font script="Mlym" typeface="Kartika"/><a:font script="Laoo" typeface="DokChampa"/><a:font script="Sinh" typeface="Iskoola Pota"/><a:font script="Mong" typeface="Mongolian Baiti"/><a:font script="Viet" typeface="Times New Roman"/><a:font script="Uigh" typeface="Microsoft Uighur"/><a:font script="Geor" typeface="Sylfaen"/></a:majorFont><a:minorFont><a:latin typeface="Calibri" panose="020F0502020204030204"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Jpan" typeface="游ゴシック"/><a:font script="Hang" typeface="맑은 고딕"/><a:font script="Hans" typeface="等线"/><a:font script="Hant" typeface="新細明體"/><a:font script="Arab" typeface="Arial"/><a:font script="Hebr" typeface="Arial"/><a:font script="Thai" typeface="Tahoma"/><a:font script="Ethi" typeface="Nyala"/><a:font script="Beng" typeface="Vrinda"/><a:font script="Gujr" typeface="Shruti"/><a:font script="Khmr" typeface="DaunPenh"/><a:font script="Knda" typeface="Tunga"/><a:font script="Guru" typeface="Raavi"/><a:font script="Cans" typeface="Euphemia"/><a:font script="Cher" typeface="Plantagenet Cherokee"/><a:font script="Yiii" typeface="Microsoft Yi Baiti"/><a:font script="Tibt" typeface="Microsoft Himalaya"/><a:font script="Thaa" typeface="MV Boli"/><a:font script="Deva" typeface="Mangal"/><a:font script="Telu" typeface="Gautami"/><a:font script="Taml" typeface="Latha"/><a:font script="Syrc" typeface="Estrangelo Edessa"/><a:font script="Orya" typeface="Kalinga"/><a:font script="Mlym" typeface="Kartika"/><a:font script="Laoo" typeface="DokChampa"/><a:font script="Sinh" typeface="Iskoola Pota"/><a:font script="Mong" typeface="Mongolian Baiti"/><a:font script="Viet" typeface="Arial"/><a:font script="Uigh" typeface="Microsoft Uighur"/><a:font script="Geor" typeface="Sylfaen"/></a:minorFont></a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:gradFill rotWithShape="1"><a:gsLst><a:gs pos="0"><a:schemeClr val="phClr"><a:lumMod val="110000"/><a:satMod val="105000"/><a:tint val="67000"/></a:schemeClr></a:gs><a:gs pos="50000"><a:schemeClr val="phClr"><a:lumMod val="105000"/><a:satMod val="103000"/><a:tint val="73000"/></a:schemeClr></a:gs><a:gs pos="100000"><a:schemeClr val="phClr"><a:lumMod val="105000"/><a:satMod val="109000"/><a:tint val="81000"/></a:schemeClr></a:gs></a:gsLst><a:lin ang="5400000" scaled="0"/></a:gradFill><a:gradFill rotWithShape="1"><a:gsLst><a:gs pos="0"><a:schemeClr val="phClr"><a:satMod val="103000"/><a:lumMod val="102000"/><a:tint val="94000"/></a:schemeClr></a:gs><a:gs pos="50000"><a:schemeClr val="phClr"><a:satMod val="110000"/><a:lumMod val="100000"/><a:shade val="100000"/></a:schemeClr></a:gs><a:gs pos="100000"><a:schemeClr val="phClr"><a:lumMod val="99000"/><a:satMod val="120000"/><a:shade val="78000"/></a:schemeClr></a:gs></a:gsLst><a:lin ang="5400000" scaled="0"/></a:gradFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln><a:ln w="12700" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln><a:ln w="19050" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst><a:outerShdw blurRad="57150" dist="19050" dir="5400000" algn="ctr" rotWithShape="0"><a:srgbClr val="000000"><a:alpha val="63000"/></a:srgbClr></a:outerShdw></a:effectLst></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/><a:satMod val="170000"/></a:schemeClr></a:solidFill><a:gradFill rotWithShape="1"><a:gsLst><a:gs pos="0"><a:schemeClr val="phClr"><a:tint val="93000"/><a:satMod val="150000"/><a:shade val="98000"/><a:lumMod val="102000"/></a:schemeClr></a:gs><a:gs pos="50000"><a:schemeClr val="phClr"><a:tint val="98000"/><a:satMod val="130000"/><a:shade val="90000"/><a:lumMod val="103000"/></a:schemeClr></a:gs><a:gs pos="100000"><a:schemeClr val="phClr"><a:shade val="63000"/><a:satMod val="120000"/></a:schemeClr></a:gs></a:gsLst><a:lin ang="5400000" scaled="0"/></a:gradFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`

// workbookXML names the sheets (sheetN.xml, relationship rIdN) in order; the first is active.
func workbookXML(names []string) string {
	b := []byte(xmlDecl + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><workbookPr/>` +
		`<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="14805" windowHeight="8010"/></bookViews><sheets>`)
	for i, n := range names {
		b = append(b, `<sheet name="`...)
		b = appendAttr(b, n)
		b = append(b, `" sheetId="`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `" r:id="rId`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `"/>`...)
	}
	return string(append(b, `</sheets><calcPr calcId="122211"/></workbook>`...))
}

// workbookRels relates the workbook to its n sheets (rId1 to rIdn), its styles (rIdn+1) and its theme
// (rIdn+2).
func workbookRels(n int) string {
	b := []byte(xmlDecl + `<Relationships xmlns="` + nsPkg + `">`)
	for i := 1; i <= n+2; i++ {
		b = append(b, `<Relationship Id="rId`...)
		b = strconv.AppendInt(b, int64(i), 10)
		if i <= n {
			b = append(b, `" Type="`+nsRel+`/worksheet" Target="worksheets/sheet`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `.xml"/>`...)
		} else if i == n+1 {
			b = append(b, `" Type="`+nsRel+`/styles" Target="styles.xml"/>`...)
		} else {
			b = append(b, `" Type="`+nsRel+`/theme" Target="theme/theme1.xml"/>`...)
		}
	}
	return string(append(b, `</Relationships>`...))
}

// contentTypes gives the type of every part of a workbook of n sheets.
func contentTypes(n int) string {
	const ct = "application/vnd.openxmlformats-officedocument."
	b := []byte(xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + ct + `spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="` + ct + `spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/theme/theme1.xml" ContentType="` + ct + `theme+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="` + ct + `extended-properties+xml"/>`)
	for i := 1; i <= n; i++ {
		b = append(b, `<Override PartName="/xl/worksheets/sheet`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `.xml" ContentType="`+ct+`spreadsheetml.worksheet+xml"/>`...)
	}
	return string(append(b, `</Types>`...))
}

// appendAttr appends v escaped as an attribute's value.
func appendAttr(b []byte, v string) []byte {
	var sb strings.Builder
	xml.EscapeText(&sb, []byte(v)) // writes to a strings.Builder do not fail
	return append(b, sb.String()...)
}
