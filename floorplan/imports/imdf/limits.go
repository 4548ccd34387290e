package imdf

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"officemap/floorplan/imports"
)

// Limits bound what reading an archive may inflate, so that a small hostile zip (a "zip bomb": 500 MB
// of one byte deflate to 500 KB) cannot take the server's memory or time. Each bound is checked on a
// zip entry's header before the entry is inflated, and again on the bytes as they are inflated (a
// folder's files have no header: their bytes are counted). Zero fields take DefaultLimits' values.
type Limits struct {
	MaxEntryBytes int64 // bytes of one file of the archive, inflated
	MaxRatio      int64 // inflated ÷ compressed bytes of one zip entry larger than RatioFloor inflated
	MaxTotalBytes int64 // bytes of all the files read, inflated
}

// DefaultLimits hold the largest venues with a wide margin while refusing zip bombs:
//
//   - MaxEntryBytes 256 MiB: a campus's unit.geojson of ten thousand detailed units is tens of MB;
//     features are read one at a time, so a file's size bounds the time it takes, not the memory.
//   - MaxRatio 200: GeoJSON deflates 5 to 20 times (its coordinates are digits; pretty-printing
//     brings it nearer 30), while deflate's limit is about 1,030 and a bomb is built close to it.
//   - MaxTotalBytes 1 GiB: all the feature files of an archive (Read reads each, the ones it does not
//     keep only to count their features), a few of them large.
var DefaultLimits = Limits{MaxEntryBytes: 256 << 20, MaxRatio: 200, MaxTotalBytes: 1 << 30}

// RatioFloor is the inflated size up to which an entry's ratio is not checked: a small file may
// compress far better than GeoJSON does (an empty collection padded with spaces) without harm.
const RatioFloor = 1 << 20

// maxManifestBytes bounds manifest.json, a few properties by IMDF.
const maxManifestBytes = 1 << 20

// ErrLimit is wrapped by the errors of archives beyond Limits.
var ErrLimit = errors.New("imdf: limit exceeded")

// orDefaults fills the zero fields of l with DefaultLimits'.
func (l Limits) orDefaults() Limits {
	pick := func(v, def int64) int64 {
		if v > 0 {
			return v
		}
		return def
	}
	d := DefaultLimits
	return Limits{MaxEntryBytes: pick(l.MaxEntryBytes, d.MaxEntryBytes), MaxRatio: pick(l.MaxRatio, d.MaxRatio),
		MaxTotalBytes: pick(l.MaxTotalBytes, d.MaxTotalBytes)}
}

// check refuses a file that inflates to inflated bytes from compressed ones (a negative compressed for
// a file that is not a zip entry) when the archive's files read so far, it included, come to total.
// The error is the file's problem: it names the bound, not the file.
func (l Limits) check(inflated, compressed, total int64) error {
	switch {
	case inflated > l.MaxEntryBytes:
		return fmt.Errorf("inflates to more than %d bytes, the bound on one file of an archive (MaxEntryBytes): %w", l.MaxEntryBytes, ErrLimit)
	case compressed >= 0 && inflated > RatioFloor && inflated/l.MaxRatio > compressed:
		return fmt.Errorf("inflates to more than %d times its %d compressed bytes, the bound on a zip entry's ratio (MaxRatio): %w",
			l.MaxRatio, compressed, ErrLimit)
	case total > l.MaxTotalBytes:
		return fmt.Errorf("takes the archive's files past %d bytes inflated, the bound on them all (MaxTotalBytes): %w", l.MaxTotalBytes, ErrLimit)
	}
	return nil
}

// open opens a file of the archive (a path of its file system) for reading within the archive's
// limits: a zip entry's header is checked first, then the bytes are counted as they are inflated.
func (a *archive) open(file string) (io.ReadCloser, error) {
	f, err := a.fsys.Open(file)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r := &counted{f: f, a: a, file: st.Name(), compressed: -1}
	declared := st.Size()
	if h, ok := st.Sys().(*zip.FileHeader); ok {
		r.compressed = clamp(h.CompressedSize64)
		declared = clamp(h.UncompressedSize64)
	}
	if err := a.lim.check(declared, r.compressed, a.total+declared); err != nil {
		f.Close()
		return nil, imports.Wrap(a.name, r.file, err)
	}
	return r, nil
}

// clamp is a zip header's size as an int64.
func clamp(n uint64) int64 { return int64(min(n, math.MaxInt64)) }

// counted reads a file of an archive, counting what it inflates against the archive's limits.
type counted struct {
	f          fs.File
	a          *archive
	file       string
	compressed int64 // -1 when the file is not a zip entry
	n          int64
}

func (r *counted) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	r.n += int64(n)
	r.a.total += int64(n)
	if lerr := r.a.lim.check(r.n, r.compressed, r.a.total); lerr != nil {
		return n, imports.Wrap(r.a.name, r.file, lerr)
	}
	return n, err
}

func (r *counted) Close() error { return r.f.Close() }

// ReadZip reads an IMDF archive from the zip file r of size bytes, within lim (zero fields take
// DefaultLimits'). A zip file cut short (its central directory, at the end, missing) is an error
// wrapping imports.ErrTruncated.
func ReadZip(name string, r io.ReaderAt, size int64, lim Limits) (*imports.Dataset, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, zipError(name, r, size, err)
	}
	return ReadFS(name, z, lim)
}

// zipError explains why a file of size bytes is not a zip archive: one cut short begins as a zip file
// does but has no end-of-central-directory record.
func zipError(name string, r io.ReaderAt, size int64, err error) error {
	head := make([]byte, 4)
	_, _ = r.ReadAt(head, 0)
	if !bytes.Equal(head, []byte("PK\x03\x04")) || !errors.Is(err, zip.ErrFormat) {
		return imports.Errorf(name, "", "not a zip archive: %v", err)
	}
	// The record, 22 bytes from its signature, ends the file or a comment of up to 65,535 bytes does.
	tail := make([]byte, min(size, 22+65_535))
	if _, rerr := r.ReadAt(tail, size-int64(len(tail))); rerr == nil && bytes.Contains(tail[:max(0, len(tail)-18)], []byte("PK\x05\x06")) {
		return imports.Errorf(name, "", "a damaged zip archive: %v", err)
	}
	return imports.Wrap(name, "", fmt.Errorf("byte %d: %w: the zip archive ends before its central directory (the end-of-central-directory record is missing)",
		size, imports.ErrTruncated))
}
