package api

import (
	"sync"

	"officemap/floorplan/pdfdoc"
)

// pdfFontCache is the CJK font that the server's PDFs (certificates, later notices and reports) embed,
// found on the first PDF and kept: the font that plans are drawn with when it is a TrueType font,
// otherwise the first of pdfdoc.DefaultFontPaths that is.
type pdfFontCache struct {
	once sync.Once
	font *pdfdoc.Font
	err  error
}

// pdfFont returns the font for PDFs, or why there is none (pdfdoc.ErrNoFont: install fonts-wqy-microhei).
func (s *Server) pdfFont() (*pdfdoc.Font, error) {
	c := &s.pdfFonts
	c.once.Do(func() {
		paths := pdfdoc.DefaultFontPaths()
		if p := s.renderFonts().Path(); p != "" {
			paths = append([]string{p}, paths...)
		}
		c.font, c.err = pdfdoc.FindFont(paths...)
	})
	return c.font, c.err
}
