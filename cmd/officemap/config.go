package main

import (
	"fmt"
	"strconv"
	"strings"

	"officemap/floorplan"
	"officemap/floorplan/archive"
)

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

// Links and proxies: OFFICEMAP_PUBLIC_URL (e.g. https://fangchan.example.gov.cn) starts the absolute links of
// OGC API and TileJSON documents (without it they are root-relative); OFFICEMAP_TRUST_PROXY=on takes the
// client's address and the links' scheme and host from X-Forwarded-* (only behind a proxy that sets them).
const (
	envPublicURL  = "OFFICEMAP_PUBLIC_URL"
	envTrustProxy = "OFFICEMAP_TRUST_PROXY"
)

// isOn reports whether a switch's value is on (on, 1, true, yes).
func isOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "1", "true", "yes":
		return true
	}
	return false
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

// The electronic archive: OFFICEMAP_DOCUMENTS_DIR keeps documents' bytes in that directory (archive.Dir)
// instead of the store; OFFICEMAP_DOCUMENTS_MAX_BYTES caps an upload (default archive.DefaultMaxSize).
const (
	envDocumentsDir      = "OFFICEMAP_DOCUMENTS_DIR"
	envDocumentsMaxBytes = "OFFICEMAP_DOCUMENTS_MAX_BYTES"
)

// documentsOptions returns the register options of the archive's configuration, and the upload limit
// (0: the default).
func documentsOptions(getenv func(string) string) ([]floorplan.RegisterOption, int64, error) {
	var opts []floorplan.RegisterOption
	if dir := strings.TrimSpace(getenv(envDocumentsDir)); dir != "" {
		d, err := archive.OpenDir(dir)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", envDocumentsDir, err)
		}
		opts = append(opts, floorplan.WithBlobs(d))
	}
	var limit int64
	if v := strings.TrimSpace(getenv(envDocumentsMaxBytes)); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > 4<<30 {
			return nil, 0, fmt.Errorf("%s is %q: it must be a number of bytes from 1 to %d", envDocumentsMaxBytes, v, int64(4<<30))
		}
		limit = n
	}
	return opts, limit, nil
}
