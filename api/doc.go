// Package api is officemap's HTTP surface: the REST API under /api/v1, OGC API – Features under /ogc,
// health checks, the OpenAPI document, and the wiring of the tile handler and the browser app.
//
// Every handler has the shape func(w, r) error. One adapter (Server.adapt) turns a returned error into
// the status code and the JSON body {"error":{"code":…,"message":…}} of CONTRACT.md, mapping the
// domain's sentinel errors with errors.Is, and the access log records it once with the request id.
// Clients never see database text or a stack trace.
//
// The package knows floorplan (the Store interface and the domain types) and geo, never SQL.
package api
