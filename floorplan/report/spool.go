package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
)

// spoolInMemory is the number of rows a spool keeps in memory before it moves them to a temporary file.
const spoolInMemory = 4096

// spool keeps rows of text cells to be read back once, in order: in memory while they are few, then in
// a temporary file (CSV-encoded), so that a table of a million findings costs disk, not memory. The
// zero value is empty; close removes the file.
type spool struct {
	mem  [][]string
	file *os.File
	bw   *bufio.Writer
	cw   *csv.Writer
}

// add appends a row.
func (s *spool) add(row []string) error {
	if s.file == nil && len(s.mem) < spoolInMemory {
		s.mem = append(s.mem, row)
		return nil
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "officemap-report-*.csv")
		if err != nil {
			return fmt.Errorf("report: spooling the table: %w", err)
		}
		s.file, s.bw = f, bufio.NewWriterSize(f, 64<<10)
		s.cw = csv.NewWriter(s.bw)
		for _, r := range s.mem {
			s.cw.Write(r)
		}
		s.mem = nil
	}
	if err := s.cw.Write(row); err != nil {
		return fmt.Errorf("report: spooling the table: %w", err)
	}
	return nil
}

// each calls fn with every row, in the order added.
func (s *spool) each(fn func(row []string) error) error {
	if s.file == nil {
		for _, r := range s.mem {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	s.cw.Flush()
	if err := errors.Join(s.cw.Error(), s.bw.Flush()); err != nil {
		return fmt.Errorf("report: spooling the table: %w", err)
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("report: spooling the table: %w", err)
	}
	cr := csv.NewReader(bufio.NewReaderSize(s.file, 64<<10))
	cr.ReuseRecord = true
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("report: reading the spooled table: %w", err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// close removes the temporary file, if any.
func (s *spool) close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := errors.Join(s.file.Close(), os.Remove(name))
	s.file = nil
	if err != nil {
		return fmt.Errorf("report: removing the spooled table: %w", err)
	}
	return nil
}
