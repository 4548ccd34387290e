package archive

import (
	"crypto/rand"
	"mime"
	"strings"
	"unicode"
)

// CleanName returns the file name a document keeps: the last element of name as a browser or a script
// sent it (both / and \ separate), without control characters, quotes or leading dots, at most 200
// characters; "document" when nothing is left. It is only ever shown and offered back on download, never
// used as a path.
func CleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" {
		return "document"
	}
	return name
}

// ContentDisposition is the Content-Disposition of a document's download: always an attachment (the
// browser saves it rather than showing it in the page's origin), named by CleanName(name), with an ASCII
// fallback for old clients and the UTF-8 name in filename* (RFC 6266, RFC 5987).
func ContentDisposition(name string) string {
	name = CleanName(name)
	ascii := strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || r == '\\' || r == ';' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": ascii})
	if ascii != name {
		v += "; filename*=UTF-8''" + pathEscape(name)
	}
	return v
}

// pathEscape percent-encodes everything but RFC 5987's attr-char.
func pathEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// randomSuffix names a temporary file.
func randomSuffix() string { return rand.Text()[:10] }
