package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"officemap/floorplan"
)

// DefaultMaxSize is the upload limit when the operator sets none: 64 MiB, enough for a scanned title
// certificate or a building's completion drawings.
const DefaultMaxSize = 64 << 20

// Upload errors. Each is wrapped with the figures of the file refused.
var (
	ErrEmpty  = errors.New("archive: the file is empty")
	ErrTooBig = errors.New("archive: the file is larger than the limit")
	// ErrBadHash wraps floorplan.ErrInvalid, as the stores' refusal of such bytes does.
	ErrBadHash = fmt.Errorf("archive: the bytes do not match their SHA-256 or size: %w", floorplan.ErrInvalid)
)

// Spooled is an upload read to its end into a temporary file, with what the archive keeps of it. Close
// removes the temporary file.
type Spooled struct {
	SHA256    string // lower-case hex
	Size      int64
	MediaType string
	file      *os.File
}

// Spool reads r into a temporary file in dir (the system's when empty), at most max bytes (DefaultMaxSize
// when max ≤ 0), hashing it and sniffing its type from its first bytes (Sniff; name only tells Office
// documents apart). An empty file, one over the limit or of a refused type leaves nothing behind and
// returns ErrEmpty, ErrTooBig or ErrType, wrapped with what was wrong.
func Spool(r io.Reader, name, dir string, max int64) (*Spooled, error) {
	if max <= 0 {
		max = DefaultMaxSize
	}
	f, err := os.CreateTemp(dir, "officemap-upload-*")
	if err != nil {
		return nil, fmt.Errorf("archive: spool: %w", err)
	}
	s := &Spooled{file: f}
	ok := false
	defer func() {
		if !ok {
			_ = s.Close()
		}
	}()
	h := sha256.New()
	head := make([]byte, 0, SniffLen)
	n, err := io.Copy(io.MultiWriter(f, h, &headWriter{buf: &head}), io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("archive: reading the upload: %w", err)
	}
	switch {
	case n == 0:
		return nil, ErrEmpty
	case n > max:
		return nil, fmt.Errorf("%w: more than %d bytes (limit %d)", ErrTooBig, max, max)
	}
	if s.MediaType, err = Sniff(head, name); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("archive: spool: %w", err)
	}
	s.SHA256, s.Size, ok = hex.EncodeToString(h.Sum(nil)), n, true
	return s, nil
}

// Read reads the spooled bytes from the start (after Spool) onwards.
func (s *Spooled) Read(p []byte) (int, error) { return s.file.Read(p) }

// Seek sets where the next Read reads from, as io.Seeker.
func (s *Spooled) Seek(offset int64, whence int) (int64, error) { return s.file.Seek(offset, whence) }

// Close removes the temporary file.
func (s *Spooled) Close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := s.file.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	s.file = nil
	return err
}

// headWriter keeps the first SniffLen bytes written to it.
type headWriter struct{ buf *[]byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if room := SniffLen - len(*w.buf); room > 0 {
		*w.buf = append(*w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// ValidSHA256 reports whether s is a SHA-256 in lower-case hex, the only form a blob is named by.
func ValidSHA256(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
