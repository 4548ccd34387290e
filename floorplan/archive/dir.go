package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"officemap/floorplan"
)

// ErrNoBlob is returned by Dir.Open for a hash the directory does not hold.
var ErrNoBlob = fmt.Errorf("archive: no such blob: %w", floorplan.ErrNotFound)

// Dir keeps document bytes in a directory the operator configures, as ab/cd/abcd…(64 hex digits) by their
// SHA-256. It is opened with os.Root, so nothing it does can leave the directory, and the only names it
// makes are built from a hash it checked (ValidSHA256): a user's file name never reaches the file system.
// A blob is written once, under a temporary name then renamed, and never overwritten.
type Dir struct {
	root *os.Root
}

// OpenDir opens (creating it when missing) the directory at path as a blob store.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("archive: documents directory %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: documents directory %s: %w", dir, err)
	}
	return &Dir{root: root}, nil
}

// Close closes the directory.
func (d *Dir) Close() error { return d.root.Close() }

// blobPath is the relative path of a blob.
func blobPath(sha string) string { return path.Join(sha[:2], sha[2:4], sha) }

// Put stores the size bytes of r under sha, their SHA-256, checking both as they are written: bytes that
// do not match are refused (ErrBadHash) and leave nothing. A blob already held is kept as it is (the bytes
// are the same by their hash) and r is not read. It implements floorplan.Blobs.
func (d *Dir) Put(ctx context.Context, sha string, size int64, r io.Reader) error {
	if !ValidSHA256(sha) {
		return fmt.Errorf("archive: %q is not a SHA-256", sha)
	}
	name := blobPath(sha)
	if _, err := d.root.Stat(name); err == nil {
		return nil
	}
	if err := d.root.MkdirAll(path.Dir(name), 0o750); err != nil {
		return fmt.Errorf("archive: blob %s: %w", sha, err)
	}
	tmp := name + ".part-" + randomSuffix()
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("archive: blob %s: %w", sha, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), readerCtx{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && (hex.EncodeToString(h.Sum(nil)) != sha || n != size) {
		err = fmt.Errorf("%w: %d bytes for the %d bytes of %s", ErrBadHash, n, size, sha)
	}
	if err == nil {
		err = d.root.Rename(tmp, name)
	}
	if err != nil {
		_ = d.root.Remove(tmp)
		return fmt.Errorf("archive: blob %s: %w", sha, err)
	}
	return nil
}

// Open returns the blob stored under sha, or ErrNoBlob (which wraps floorplan.ErrNotFound).
func (d *Dir) Open(_ context.Context, sha string) (io.ReadCloser, error) {
	if !ValidSHA256(sha) {
		return nil, fmt.Errorf("%w: %q is not a SHA-256", ErrNoBlob, sha)
	}
	f, err := d.root.Open(blobPath(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoBlob, sha)
	}
	return f, err
}

// Has reports whether the blob sha is stored.
func (d *Dir) Has(sha string) bool {
	if !ValidSHA256(sha) {
		return false
	}
	_, err := d.root.Stat(blobPath(sha))
	return err == nil
}

// readerCtx stops reading when ctx is done (a client that hung up mid-upload).
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

var _ floorplan.Blobs = (*Dir)(nil)
