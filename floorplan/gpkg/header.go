package gpkg

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"modernc.org/sqlite"
)

// The header of the database file. GDAL tells a GeoPackage by the first 100 bytes of the file as they
// are on disk (user_version at offset 60, application_id at 68), before SQLite opens it, and warns "bad
// application_id" about any other value. In WAL mode a change to the first page stays in the -wal file
// until a checkpoint copies it back: a register created in WAL mode carried application_id 0 on disk
// until its first checkpoint, often until the store closed, and GDAL warned about the live file.
//
// So Open writes GeoPackage's marks into a new file before the writer switches it to WAL mode
// (stampNewFile), and checks the header on disk once the register is migrated (syncHeader). The marks
// never change after that, and each checkpoint copies a first page that carries them: from the first
// byte written, the file on disk says GeoPackage 1.3.

// Offsets of the PRAGMAs in the database header (https://sqlite.org/fileformat.html#the_database_header).
const (
	headerUserVersion   = 60
	headerApplicationID = 68
	dbHeaderSize        = 100
)

// pragmasStamp are the settings of the connection that stamps a new file: no journal_mode, so that a new
// file is in rollback-journal mode and its first page goes straight into the file.
const pragmasStamp = pragmasCommon + "&_txlock=immediate"

// sqlWALCheckpoint copies what it can of the WAL into the file without waiting for readers.
const sqlWALCheckpoint = `PRAGMA wal_checkpoint(PASSIVE)`

// stampNewFile gives an empty database (a file that does not exist yet, or has no schema) GeoPackage's
// application_id and user_version, in rollback-journal mode, before Open's writer switches it to WAL mode.
// It leaves a file with a schema alone: migrate checks what that is.
func stampNewFile(ctx context.Context, drv *sqlite.Driver, uri string) error {
	db := sql.OpenDB(connector{drv: drv, dsn: uri + "?" + pragmasStamp})
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var objects int
	if err := tx.QueryRowContext(ctx, sqlCountObjects).Scan(&objects); err != nil {
		return err
	}
	if objects > 0 {
		return nil
	}
	if err := setGeoPackageMarks(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// syncHeader makes sure that the header of the file on disk carries GeoPackage's marks, which migrate has
// given the database: when it does not yet (a file left uncheckpointed by an older officemap, or whose
// user_version migrate has just set), a checkpoint copies the first page from the WAL.
func (s *Store) syncHeader(ctx context.Context) error {
	if ok, err := headerMarked(s.path); err != nil || ok {
		return err
	}
	var busy, log, done int
	if err := s.w.QueryRowContext(ctx, sqlWALCheckpoint).Scan(&busy, &log, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// headerMarked reports whether the header of the database file at path, as it is on disk, carries
// GeoPackage 1.3's application_id and user_version.
func headerMarked(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var h [dbHeaderSize]byte
	switch _, err := f.ReadAt(h[:], 0); {
	case errors.Is(err, io.EOF):
		return false, nil
	case err != nil:
		return false, err
	}
	return binary.BigEndian.Uint32(h[headerApplicationID:]) == applicationID &&
		binary.BigEndian.Uint32(h[headerUserVersion:]) == userVersion13, nil
}
