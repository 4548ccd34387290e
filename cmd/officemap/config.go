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
