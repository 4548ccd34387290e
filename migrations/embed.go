// Package migrations holds officemap's PostGIS schema as versioned SQL files, embedded in the binary.
//
// Files are named NNNN_description.sql and applied in order of NNNN, each in its own transaction, by
// postgis.Migrate, which records applied versions in the schema_migrations table. A file, once released,
// is never edited: change the schema with a new file.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
