package main

import "strings"

// defaultDB is the embedded store's file when nothing else is configured (CONTRACT.md).
const defaultDB = "./officemap.gpkg"

// defaultAddr is where serve and demo listen when nothing else is configured.
const defaultAddr = "127.0.0.1:8080"

// resolveDB picks the store location in the contract's order: the --db flag, OFFICEMAP_DB, DATABASE_URL,
// then the default GeoPackage file.
func resolveDB(flag string, getenv func(string) string) string {
	for _, v := range []string{flag, getenv("OFFICEMAP_DB"), getenv("DATABASE_URL")} {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return defaultDB
}

// resolveAddr picks the listen address: the --addr flag, OFFICEMAP_ADDR, then the default.
func resolveAddr(flag string, getenv func(string) string) string {
	for _, v := range []string{flag, getenv("OFFICEMAP_ADDR")} {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return defaultAddr
}

// isPostgres reports whether a store location selects the PostGIS store.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}
