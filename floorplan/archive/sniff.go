package archive

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Media types of the documents the archive accepts. Anything else is refused (ErrType).
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypeTIFF = "image/tiff"
	TypeDWG  = "image/vnd.dwg"
	TypeDXF  = "image/vnd.dxf"
	// TypeOOXML is a Word, Excel or PowerPoint file of Office 2007 and later (a zip package); the name's
	// extension then says which (OfficeType).
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	// TypeOLE is a Word, Excel or PowerPoint file of Office 97–2003 (a compound file).
	TypeOLE  = "application/x-ole-storage"
	TypeOFD  = "application/ofd" // 版式文档 (GB/T 33190), China's PDF: a zip with OFD.xml
	TypeText = "text/plain; charset=utf-8"
	TypeZip  = "application/zip"
)

// SniffLen is how many leading bytes Sniff needs at most.
const SniffLen = 1024

// ErrType is returned for content the archive does not keep: an executable or script whatever its name,
// or a format it does not know.
var ErrType = errors.New("archive: file type not accepted")

// Sniff returns the media type of a document from its first bytes (head, up to SniffLen) and its name,
// which only tells Office documents apart (a .docx and a .xlsx are both zip packages) and is never trusted
// for anything else: an executable renamed .pdf is an executable. It returns ErrType, wrapped with what
// was seen, for executables, scripts, HTML (which a browser would run) and unknown formats.
func Sniff(head []byte, name string) (string, error) {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if kind := executable(head); kind != "" {
		return "", fmt.Errorf("%w: the content is %s, whatever its name", ErrType, kind)
	}
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, nil
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return TypeJPEG, nil
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return TypeGIF, nil
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return TypeWebP, nil
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TypeTIFF, nil
	case len(head) >= 6 && bytes.HasPrefix(head, []byte("AC10")) && isDigits(head[4:6]):
		return TypeDWG, nil
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return TypeOLE, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return zipType(head, name), nil
	}
	if text := textual(head); text {
		if looksLikeHTML(head) {
			return "", fmt.Errorf("%w: the content is HTML, which a browser would run", ErrType)
		}
		if looksLikeDXF(head) {
			return TypeDXF, nil
		}
		return TypeText, nil
	}
	return "", fmt.Errorf("%w: unknown format (%s by its content)", ErrType, http.DetectContentType(head))
}

// executable names the kind of program head starts, or "" when it is none.
func executable(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("MZ")):
		return "a Windows program (MZ/PE)"
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "a Linux program (ELF)"
	case bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xce")), bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xcf")),
		bytes.HasPrefix(head, []byte("\xce\xfa\xed\xfe")), bytes.HasPrefix(head, []byte("\xcf\xfa\xed\xfe")),
		bytes.HasPrefix(head, []byte("\xca\xfe\xba\xbe")):
		return "a macOS program or Java class (Mach-O)"
	case bytes.HasPrefix(head, []byte("#!")):
		return "a script (#!)"
	case bytes.HasPrefix(head, []byte("\x00asm")):
		return "WebAssembly"
	}
	return ""
}

// zipType tells the zip packages apart: Office documents by the name's extension (their first entry,
// [Content_Types].xml, is the same for all three), OFD by its OFD.xml entry, any other zip as such.
func zipType(head []byte, name string) string {
	if bytes.Contains(head, []byte("OFD.xml")) {
		return TypeOFD
	}
	if bytes.Contains(head, []byte("[Content_Types].xml")) || bytes.Contains(head, []byte("_rels/")) ||
		bytes.Contains(head, []byte("word/")) || bytes.Contains(head, []byte("xl/")) {
		switch ext(name) {
		case ".docx":
			return TypeDOCX
		case ".xlsx":
			return TypeXLSX
		case ".pptx":
			return TypePPTX
		}
	}
	return TypeZip
}

// ext is the lower-case extension of a file name, with its dot.
func ext(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || strings.ContainsAny(name[i:], `/\`) {
		return ""
	}
	return strings.ToLower(name[i:])
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// textual reports whether head is text: valid UTF-8 (a multi-byte sequence cut at the end of head
// allowed) with no control characters but tab, CR, LF and form feed.
func textual(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n <= 1 {
			if len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:]) {
				return true // a character cut by the end of the sniffed bytes
			}
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			return false
		}
		i += n
	}
	return true
}

// looksLikeHTML reports whether text starts (after blanks and a BOM) with markup a browser would render.
func looksLikeHTML(head []byte) bool {
	t := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"))
	for _, p := range []string{"<!doctype html", "<html", "<script", "<svg", "<?xml", "<body", "<iframe", "<head"} {
		if bytes.HasPrefix(t, []byte(p)) {
			return true
		}
	}
	return false
}

// looksLikeDXF reports whether text is an ASCII DXF drawing: group code 0 then SECTION (or a 999
// comment first).
func looksLikeDXF(head []byte) bool {
	lines := strings.FieldsFunc(string(head), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := 0; i+1 < len(lines); i += 2 {
		code, value := strings.TrimSpace(lines[i]), strings.TrimSpace(lines[i+1])
		if code == "999" {
			continue
		}
		return code == "0" && value == "SECTION"
	}
	return false
}
