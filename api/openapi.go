package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/roomlist"
	"officemap/floorplan/imports/source"
)

// The OpenAPI 3.0 document of GET /api/v1/openapi.json. The operations are listed by hand below (a test
// walks the router and checks that the list and the routes agree); the schemas of the bodies are
// generated from the wire types themselves, so they cannot drift from what the handlers write.

// opDoc documents one operation.
type opDoc struct {
	method, path string
	tag          string
	summary      string
	query        []paramDoc
	body         string // component schema of the request body; "" for none
	bodyType     string // media type of the body; default application/json
	status       int    // success status
	result       any    // component name (string), or a schema (map) of the success response; nil for none
	resultType   string // media type of the result; default application/json
	ifMatch      bool   // needs If-Match (428/412)
	etag         bool   // the response carries an ETag
}

type paramDoc struct {
	name, description string
	schema            map[string]any
}

func str(desc string) paramDoc { return paramDoc{"", desc, map[string]any{"type": "string"}} }

func q(name string, p paramDoc) paramDoc { p.name = name; return p }

func uuidSchema() map[string]any { return map[string]any{"type": "string", "format": "uuid"} }

func dateSchema() map[string]any { return map[string]any{"type": "string", "format": "date"} }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func arrayOf(name string) map[string]any { return map[string]any{"type": "array", "items": ref(name)} }

// operations lists every route of the server.
func operations(withApp, withIdentity bool) []opDoc {
	const v1 = "/api/v1"
	crsParam := paramDoc{"crs", "coordinates of geometries in and out: wgs84 (lon/lat, the default) or local (the building's local frame, in the unit of its georef.scale: metres unless the building says otherwise)",
		map[string]any{"type": "string", "enum": []string{"wgs84", "local"}}}
	asOfParam := paramDoc{"as_of", "the day to evaluate (YYYY-MM-DD); default today", dateSchema()}
	langParam := paramDoc{"lang", "language of the document: zh (default) or en", map[string]any{"type": "string", "enum": []string{"zh", "en"}}}
	ops := []opDoc{
		{method: "GET", path: "/healthz", tag: "health", summary: "Liveness: the process answers", result: "Status"},
		{method: "GET", path: "/readyz", tag: "health", summary: "Readiness: the store answers a ping (503 when it does not)", result: "Status"},
		{method: "GET", path: v1 + "/openapi.json", tag: "health", summary: "This document", result: map[string]any{"type": "object"}},

		{method: "GET", path: v1 + "/jurisdictions", tag: "jurisdictions", summary: "The jurisdiction tree (city → districts/辖市区 → …) that sites, agencies and the scopes of grants refer to, parents first", result: arrayOf("Jurisdiction")},
		{method: "POST", path: v1 + "/jurisdictions", tag: "jurisdictions", summary: "Add a node to the jurisdiction tree (accounts on: an unscoped security administrator only)", body: "Jurisdiction", status: 201, result: "Jurisdiction"},
		{method: "PATCH", path: v1 + "/jurisdictions/{id}", tag: "jurisdictions", summary: "Change a node (JSON merge patch); moving it moves its subtree and the scopes of grants on it (accounts on: an unscoped security administrator only)", body: "Jurisdiction", bodyType: "application/merge-patch+json", result: "Jurisdiction"},

		{method: "GET", path: v1 + "/classification", tag: "sites", summary: "The classification of properties in force (房产分类): groups (office 办公用房, residential 住宅, commercial 商业 by default) and their categories with Chinese and English names; a site's category and a building's category are category codes of it. The operator replaces the built-in list with a JSON file (OFFICEMAP_CLASSIFICATION)", result: "Classification"},
		{method: "GET", path: v1 + "/sites", tag: "sites", summary: "List sites (房产)", result: arrayOf("Site")},
		{method: "POST", path: v1 + "/sites", tag: "sites", summary: "Create a site", body: "Site", status: 201, result: "Site", etag: true},
		{method: "GET", path: v1 + "/sites/{id}", tag: "sites", summary: "One site", result: "Site", etag: true},
		{method: "PATCH", path: v1 + "/sites/{id}", tag: "sites", summary: "Change a site (JSON merge patch)", body: "Site", bodyType: "application/merge-patch+json", result: "Site", ifMatch: true, etag: true},
		{method: "DELETE", path: v1 + "/sites/{id}", tag: "sites", summary: "Delete a site without buildings", status: 204, ifMatch: true},

		{method: "GET", path: v1 + "/buildings", tag: "buildings", summary: "List buildings", query: []paramDoc{q("site_id", paramDoc{"", "only this site's buildings", uuidSchema()}), crsParam}, result: arrayOf("Building")},
		{method: "POST", path: v1 + "/buildings", tag: "buildings", summary: "Create a building; without georef, the local origin is put at the centre of a lon/lat footprint", query: []paramDoc{crsParam}, body: "Building", status: 201, result: "Building", etag: true},
		{method: "GET", path: v1 + "/buildings/{id}", tag: "buildings", summary: "One building", query: []paramDoc{crsParam}, result: "Building", etag: true},
		{method: "PATCH", path: v1 + "/buildings/{id}", tag: "buildings", summary: "Change a building (JSON merge patch); the local footprint stays unless footprint is given", query: []paramDoc{crsParam}, body: "Building", bodyType: "application/merge-patch+json", result: "Building", ifMatch: true, etag: true},
		{method: "DELETE", path: v1 + "/buildings/{id}", tag: "buildings", summary: "Delete a building without floors", status: 204, ifMatch: true},

		{method: "GET", path: v1 + "/buildings/{id}/floors", tag: "floors", summary: "A building's floors by ordinal", query: []paramDoc{crsParam}, result: arrayOf("Floor")},
		{method: "POST", path: v1 + "/buildings/{id}/floors", tag: "floors", summary: "Create a floor", query: []paramDoc{crsParam}, body: "Floor", status: 201, result: "Floor", etag: true},
		{method: "GET", path: v1 + "/floors/{id}", tag: "floors", summary: "One floor", query: []paramDoc{crsParam}, result: "Floor", etag: true},
		{method: "PATCH", path: v1 + "/floors/{id}", tag: "floors", summary: "Change a floor (JSON merge patch)", query: []paramDoc{crsParam}, body: "Floor", bodyType: "application/merge-patch+json", result: "Floor", ifMatch: true, etag: true},
		{method: "DELETE", path: v1 + "/floors/{id}", tag: "floors", summary: "Delete a floor without rooms", status: 204, ifMatch: true},

		{method: "GET", path: v1 + "/floors/{id}/rooms", tag: "rooms", summary: "A floor's rooms as a GeoJSON FeatureCollection, with occupants and status today", query: []paramDoc{crsParam}, result: "RoomCollection", resultType: "application/geo+json"},
		{method: "GET", path: v1 + "/rooms", tag: "rooms", summary: "An agency's or a building's rooms across floors (各使用单位办公用房分布), as a GeoJSON FeatureCollection like a floor's", query: []paramDoc{
			q("agency_id", paramDoc{"", "the agency's rooms (agency_id or building_id is required)", uuidSchema()}),
			q("building_id", paramDoc{"", "the building's rooms", uuidSchema()}), crsParam},
			result: "RoomCollection", resultType: "application/geo+json"},
		{method: "POST", path: v1 + "/floors/{id}/rooms", tag: "rooms", summary: "Create a room from a GeoJSON Feature (Polygon)", query: []paramDoc{crsParam}, body: "Room", bodyType: "application/geo+json", status: 201, result: "Room", resultType: "application/geo+json", etag: true},
		{method: "POST", path: v1 + "/floors/{id}/rooms/batch", tag: "rooms", summary: "Save changes of the floor's rooms as a whole (the editor's save all): updates as PATCH /api/v1/rooms/{id} (if_match per change), new rooms as POST /api/v1/floors/{id}/rooms; rooms must not overlap once all are written. All or nothing: an error (412 stale if_match with current_version — a change with if_match * that loses a race is saved again —, 428 missing if_match, 409 overlap, 422, 403/404) names the change with index (from 0), room_id and room_number. The answer lists the saved rooms in the order of the changes, each with its etag", query: []paramDoc{crsParam}, body: "RoomBatch", result: "RoomBatchResult"},
		{method: "GET", path: v1 + "/floors/{id}/plan.png", tag: "rooms", summary: "The floor's plan as PNG", query: []paramDoc{
			q("width", paramDoc{"", "image width in pixels", map[string]any{"type": "integer", "minimum": 200, "maximum": 8192, "default": 1600}}),
			q("color", paramDoc{"", "what the fill shows", map[string]any{"type": "string", "enum": []string{"status", "agency", "usage"}, "default": "status"}}),
			langParam, asOfParam}, result: map[string]any{"type": "string", "format": "binary"}, resultType: "image/png"},
		{method: "GET", path: v1 + "/floors/{id}/plan.svg", tag: "rooms", summary: "The floor's plan as SVG", query: []paramDoc{
			q("width", paramDoc{"", "drawing width in user units", map[string]any{"type": "integer", "minimum": 200, "maximum": 8192, "default": 1600}}),
			q("color", paramDoc{"", "what the fill shows", map[string]any{"type": "string", "enum": []string{"status", "agency", "usage"}, "default": "status"}}),
			langParam, asOfParam}, result: map[string]any{"type": "string"}, resultType: "image/svg+xml"},
		{method: "GET", path: v1 + "/rooms/{id}", tag: "rooms", summary: "One room", query: []paramDoc{crsParam}, result: "Room", resultType: "application/geo+json", etag: true},
		{method: "PUT", path: v1 + "/rooms/{id}", tag: "rooms", summary: "Replace a room (GeoJSON Feature)", query: []paramDoc{crsParam}, body: "Room", bodyType: "application/geo+json", result: "Room", resultType: "application/geo+json", ifMatch: true, etag: true},
		{method: "PATCH", path: v1 + "/rooms/{id}", tag: "rooms", summary: "Change a room (JSON merge patch of the Feature; the geometry stays unless given)", query: []paramDoc{crsParam}, body: "Room", bodyType: "application/merge-patch+json", result: "Room", resultType: "application/geo+json", ifMatch: true, etag: true},
		{method: "DELETE", path: v1 + "/rooms/{id}", tag: "rooms", summary: "Delete a room (kept in the history)", status: 204, ifMatch: true},
		{method: "POST", path: v1 + "/scenarios/evaluate", tag: "scenarios", summary: "Evaluate an allocation scenario (what-if): the changes applied in memory to the rooms and people they touch; per room and person before/after, the findings that appear and disappear. Nothing is written. 422 names the change (index) and field; 404 a record outside your scope", query: []paramDoc{crsParam}, body: "Scenario", result: "ScenarioResult"},
		{method: "POST", path: v1 + "/scenarios/apply", tag: "scenarios", summary: "Apply an allocation scenario in one transaction, or nothing: 409 naming the records changed since drafted; 422 override_required (field override_reason) when it creates an over-standard finding without override_reason", query: []paramDoc{crsParam}, body: "Scenario", result: "ScenarioApplyResult"},
		{method: "POST", path: v1 + "/rooms/{id}/split", tag: "rooms", summary: "Split a room by a line crossing it wall to wall; the room is replaced by pieces numbered <number>-1, <number>-2…", query: []paramDoc{crsParam}, body: "LineString", bodyType: "application/geo+json", status: 201, result: "RoomCollection", resultType: "application/geo+json", ifMatch: true},

		{method: "GET", path: v1 + "/agencies", tag: "agencies", summary: "List agencies (使用单位)", result: arrayOf("Agency")},
		{method: "POST", path: v1 + "/agencies", tag: "agencies", summary: "Create an agency", body: "Agency", status: 201, result: "Agency", etag: true},
		{method: "GET", path: v1 + "/agencies/{id}", tag: "agencies", summary: "One agency", result: "Agency", etag: true},
		{method: "PATCH", path: v1 + "/agencies/{id}", tag: "agencies", summary: "Change an agency (JSON merge patch)", body: "Agency", bodyType: "application/merge-patch+json", result: "Agency", ifMatch: true, etag: true},
		{method: "DELETE", path: v1 + "/agencies/{id}", tag: "agencies", summary: "Delete an agency without people or rooms", status: 204, ifMatch: true},

		{method: "GET", path: v1 + "/people", tag: "people", summary: "List people", query: []paramDoc{q("agency_id", paramDoc{"", "only this agency's people", uuidSchema()})}, result: arrayOf("Person")},
		{method: "POST", path: v1 + "/people", tag: "people", summary: "Create a person", body: "Person", status: 201, result: "Person", etag: true},
		{method: "GET", path: v1 + "/people/{id}", tag: "people", summary: "One person", result: "Person", etag: true},
		{method: "PATCH", path: v1 + "/people/{id}", tag: "people", summary: "Change a person (JSON merge patch)", body: "Person", bodyType: "application/merge-patch+json", result: "Person", ifMatch: true, etag: true},
		{method: "DELETE", path: v1 + "/people/{id}", tag: "people", summary: "Delete a person (kept in the history)", status: 204, ifMatch: true},

		{method: "GET", path: v1 + "/assignments", tag: "assignments", summary: "List assignments", query: []paramDoc{
			q("person_id", paramDoc{"", "only this person's", uuidSchema()}), q("room_id", paramDoc{"", "only this room's", uuidSchema()}),
			q("active_on", paramDoc{"", "only those in force on this day", dateSchema()})}, result: arrayOf("Assignment")},
		{method: "POST", path: v1 + "/assignments", tag: "assignments", summary: "Put a person in a room", body: "Assignment", status: 201, result: "Assignment", etag: true},
		{method: "GET", path: v1 + "/assignments/{id}", tag: "assignments", summary: "One assignment", result: "Assignment", etag: true},
		{method: "DELETE", path: v1 + "/assignments/{id}", tag: "assignments", summary: "Delete an assignment (kept in the history)", status: 204, ifMatch: true},

		{method: "GET", path: v1 + "/reports/over-standard", tag: "reports", summary: "The over-standard findings, each with rule id, legal source, numbers and a sentence", query: []paramDoc{
			asOfParam, q("recorded_at", paramDoc{"", "answer as officemap knew it at this moment (YYYY-MM-DD: the end of that day, or an RFC 3339 instant) instead of as now known; as_of defaults to that day", map[string]any{"type": "string"}}),
			q("agency_id", paramDoc{"", "only this agency's findings", uuidSchema()}),
			q("format", paramDoc{"", "json, csv (UTF-8 with BOM) or xlsx", map[string]any{"type": "string", "enum": []string{"json", "csv", "xlsx", "table"}, "default": "json"}}),
			q("totals", paramDoc{"", "true: the per-agency totals (people, rooms, office area, standard area, findings) instead of the findings, for csv and table (json and xlsx always carry both)", map[string]any{"type": "boolean", "default": false}}),
			langParam}, result: map[string]any{"type": "object"}},
		{method: "GET", path: v1 + "/rooms/{id}/findings", tag: "reports", summary: "One room's findings: the rows of the over-standard report (same fields, same scope, same as_of, recorded_at and lang) that name the room or concern a person occupying it that day; 404 for a room outside the caller's scope", query: []paramDoc{
			asOfParam, q("recorded_at", paramDoc{"", "answer as officemap knew it at this moment, as the report does", map[string]any{"type": "string"}}), langParam},
			result: "RoomFindings"},
		{method: "GET", path: v1 + "/documents", tag: "archive", summary: "The electronic archive's documents (一房一档) the caller may see: by subject, by property (site_id: the site and everything in it), by type; hidden=true adds deleted ones for the archive's keepers", query: []paramDoc{
			q("subject_id", paramDoc{"", "only this record's documents", uuidSchema()}), q("site_id", paramDoc{"", "a property's documents and those of its buildings, floors and rooms", uuidSchema()}),
			q("subject_type", paramDoc{"", "only documents of this kind of record", map[string]any{"type": "string", "enum": []string{"site", "building", "floor", "room", "agency"}}}),
			q("doc_type", str("only this document type (title_certificate, completion_drawings, …)")),
			q("hidden", paramDoc{"", "include deleted documents (the archive's keepers only)", map[string]any{"type": "boolean", "default": false}})},
			result: "DocumentList"},
		{method: "POST", path: v1 + "/documents", tag: "archive", summary: "File a document: multipart/form-data with file, subject_type (site|building|floor|room|agency), subject_id, doc_type, and optionally date (YYYY-MM-DD), note, supersedes (the id of the document this one replaces as a new version). The type is sniffed from the content (PDF, images, DWG/DXF, Office, OFD, text; executables, scripts and HTML are refused with 415), the size limited (413), the bytes kept by SHA-256 and never overwritten", bodyType: "multipart/form-data", status: 201, result: "Document"},
		{method: "GET", path: v1 + "/documents/{id}", tag: "archive", summary: "One document's record", result: "Document"},
		{method: "DELETE", path: v1 + "/documents/{id}", tag: "archive", summary: "Delete a document: it is hidden, never removed, with the reason (query reason= or JSON {\"reason\"}), who and when", status: 204},
		{method: "GET", path: v1 + "/documents/{id}/content", tag: "archive", summary: "The document's exact bytes, as an attachment (Content-Disposition), with nosniff and its SHA-256 as ETag", result: map[string]any{"type": "string", "format": "binary"}},
		{method: "GET", path: v1 + "/sites/{id}/archive.zip", tag: "archive", summary: "The property's archive package: index.json (valid against the schema api/archive-index.schema.json) and index.html, the plans of every floor (PNG, SVG), every document of the property and its buildings, floors and rooms the caller may see, and manifest-sha256.txt", result: map[string]any{"type": "string", "format": "binary"}},
		{method: "GET", path: v1 + "/sites/{id}/registration", tag: "archive", summary: "The property's registration (权属登记/备案): its state (registered 已登记, to_register 待登记, filing 备案办理中, filed 已备案, unclear 权属不清, disputed 有争议), the current step of its filing path (confirmation 确权, notice 公示, filing_document 备案文件) and the history of its state, oldest first", result: "Registration"},
		{method: "POST", path: v1 + "/sites/{id}/registration", tag: "archive", summary: "Change the property's registration state from a day (effective, default today; not before the last change, not in the future) for a reason (required); filed needs the three filing steps recorded. A refused value is 422 naming the field", body: "RegistrationChange", result: "Registration"},
		{method: "POST", path: v1 + "/sites/{id}/registration/steps", tag: "archive", summary: "Record a step of the filing path: confirmation (date), notice (start, end), filing_document (date, number, form normative|minutes), each with document_ids of live documents of the property's archive. Steps go in order: a step before its predecessor, a notice ending before it starts, a filing document dated before the notice ends are 422 naming the field; a step recorded again replaces the earlier one", body: "FilingStep", status: 201, result: "Registration"},
		{method: "GET", path: v1 + "/sites/{id}/timeline", tag: "archive", summary: "The property's timeline, oldest first: automatic events from its history (entered, registration state, buildings entered, rooms allocated or leased, staff placed) and manual events (source manual) with their documents", result: arrayOf("TimelineEvent")},
		{method: "POST", path: v1 + "/sites/{id}/timeline", tag: "archive", summary: "Add a manual event to the property's timeline (kind acquired|built|registered|filed|renovated|allocated|leased|disposed|other, date, title, note, document_ids of live documents of its archive)", body: "TimelineEvent", status: 201, result: "TimelineEvent"},
		{method: "GET", path: v1 + "/archive.zip", tag: "archive", summary: "The archive of every property the caller may see: one zip with each property's package (as /sites/{id}/archive.zip gives it, its own index and manifest-sha256.txt) under a folder named after the property, and archives.json listing the folders", result: map[string]any{"type": "string", "format": "binary"}},
		{method: "GET", path: v1 + "/ledger", tag: "ledger", summary: "The ledger of a year (一房一账): the general ledger (one line per property: title, book and measured gross area, usable area by kind, rooms, book value and costs, and the 账账 result sub_vs_general; with the reconciliation checks 账实, 账证 and 账账 — the agencies' sub-ledger entries of a kind summed against the general ledger's), or with agency_id that agency's sub-ledger (the rooms it uses and its own entries)", query: []paramDoc{
			q("year", paramDoc{"", "the year (default this year); areas are the register's now", map[string]any{"type": "integer"}}),
			q("agency_id", paramDoc{"", "an agency's sub-ledger instead of the general ledger", uuidSchema()}),
			q("format", paramDoc{"", "json or xlsx (sheets 总账 or 分户账, and 核对)", map[string]any{"type": "string", "enum": []string{"json", "xlsx"}, "default": "json"}}),
			langParam}, result: map[string]any{"type": "object"}},
		{method: "GET", path: v1 + "/ledger/entries", tag: "ledger", summary: "The entries of the ledger (book value, book area, costs, rent): the general ledger's (agency_id null) and the agencies' sub-ledger entries", query: []paramDoc{
			q("site_id", paramDoc{"", "only this property's", uuidSchema()}), q("year", paramDoc{"", "only this year's", map[string]any{"type": "integer"}}),
			q("agency_id", paramDoc{"", "only this agency's sub-ledger entries", uuidSchema()})},
			result: "LedgerEntryList"},
		{method: "POST", path: v1 + "/ledger/entries", tag: "ledger", summary: "Record an entry of a property's ledger (money in yuan, book_area in m², two decimals; never changed: a correction is another entry, negative): the general ledger's (write_register), or with agency_id that agency's sub-ledger entry (write_people where the agency is: an agency manager, their own agency's; an agency not in the register is 422)", body: "LedgerEntry", status: 201, result: "LedgerEntry"},
		{method: "GET", path: v1 + "/procedures", tag: "applications", summary: "The procedures of the online handling (网上办理) in force, per kind (allocation 调配调剂, second_office 兼职办公室, maintenance 维修, disposal 处置利用, recovery 腾退): the steps in order, the role acting at each, the actions allowed and the step each leads to (closed, rejected end it), the deadline in days and the document types a step needs", result: "Procedures"},
		{method: "GET", path: v1 + "/applications", tag: "applications", summary: "The applications in the caller's scope (an agency manager: its own agency's), oldest first, each with overdue (past its step's due date or a recovery's legal deadline), the role of its current step and the actions allowed there", query: []paramDoc{
			q("kind", paramDoc{"", "allocation, second_office, maintenance, disposal or recovery", map[string]any{"type": "string"}}),
			q("state", paramDoc{"", "the current step's code, closed or rejected", map[string]any{"type": "string"}}),
			q("agency_id", paramDoc{"", "only this agency's", uuidSchema()}),
			q("overdue", paramDoc{"", "only those overdue (true) or not (false)", map[string]any{"type": "boolean"}})},
			result: "ApplicationList"},
		{method: "POST", path: v1 + "/applications", tag: "applications", summary: "File an application at its procedure's first step, by a caller holding that step's role where the agency is (else 403). The fields its kind needs are required (422 naming the field); a second office must be smaller than the person's standard", body: "ApplicationNew", status: 201, result: "Application"},
		{method: "GET", path: v1 + "/applications/{id}", tag: "applications", summary: "One application with its fields, its trail of actions (action, step, actor, role, comment, documents, time) and each step's due date; 404 outside the caller's scope", result: "Application"},
		{method: "POST", path: v1 + "/applications/{id}/actions", tag: "applications", summary: "Take an action at the current step: the caller must hold the step's role where the application is (403); an action the step does not allow is 409 naming the step and the allowed actions; a forward action without a document of a type the step needs is 422 naming it", body: "ApplicationAction", result: "Application"},
		{method: "PUT", path: v1 + "/applications/{id}/scenario", tag: "applications", summary: "Propose an allocation's scenario (调配方案) at its review, by the bureau where the application is (the step's role, else 403; elsewhere 409): the changes as for /scenarios/evaluate (same 422/404), stored on the application (replacing an earlier one) with the trail action propose; returns the application and the evaluation. Approving the application applies it (override_reason when it creates an over-standard finding; 409 naming the records changed since), handing over issues the usage certificate", query: []paramDoc{crsParam}, body: "ApplicationScenario", result: "ApplicationScenarioResult"},
		{method: "GET", path: v1 + "/applications/{id}/scenario", tag: "applications", summary: "An allocation's scenario as proposed, with its evaluation on today's register, or once applied its time and the evaluation at approval; 404 when it has none or the application is outside your scope", query: []paramDoc{crsParam}, result: "StoredScenario"},
		{method: "POST", path: v1 + "/applications/recoveries", tag: "applications", summary: "Open a recovery (腾退) for each current finding not_vacated_after_leaving, not_vacated_after_merger, not_vacated_after_concurrent_post or unapproved_second_office that no open recovery covers, with the finding's legal deadline (serve does this daily)", result: "ApplicationList"},
		{method: "GET", path: v1 + "/register/findings", tag: "ledger", summary: "The archive's findings of the properties the caller may see (an agency manager: those its agency uses): each document type the checklist expects and the archive lacks (缺档, archive.missing_document), and each failed reconciliation of the ledger (账实 ledger.title_vs_measured, 账证 ledger.book_vs_title, 账账 ledger.sub_vs_general), by property", query: []paramDoc{
			q("site_id", paramDoc{"", "only this property's", uuidSchema()}),
			q("agency_id", paramDoc{"", "only the properties this agency uses", uuidSchema()}),
			q("year", paramDoc{"", "the ledger's year (default this year)", map[string]any{"type": "integer"}})},
			result: arrayOf("ArchiveFinding")},
		{method: "GET", path: v1 + "/search", tag: "search", summary: "Rooms, people, agencies and buildings matching q (Chinese included)", query: []paramDoc{
			q("q", paramDoc{"", "the text to look for (required)", map[string]any{"type": "string", "maxLength": searchMaxQuery}}),
			q("limit", paramDoc{"", "at most this many hits", map[string]any{"type": "integer", "minimum": 1, "maximum": searchMaxLimit, "default": searchDefaultLimit}})},
			result: "SearchResult"},

		{method: "POST", path: v1 + "/imports/{format}", tag: "transfer", summary: "Import the rooms of an uploaded file (the body: dxf, osm, imdf zip or geojson), all-or-nothing; a rejected file is 422 import_rejected with its problems. Notes, warnings, repairs and reasons are in Chinese when Accept-Language prefers zh, else in English", query: []paramDoc{
			q("building", str("the target building, by id or name (a new building of that name if none has it)")),
			q("site_id", paramDoc{"", "the site a new building joins (default: a new site)", uuidSchema()}),
			q("valid_from", paramDoc{"", "the day the imported rooms and buildings exist from, and from which a re-import's changes hold (default: today)", dateSchema()}),
			q("level", paramDoc{"", "the floor ordinal of a single-floor source; for a source of several levels, import only this one", map[string]any{"type": "integer"}}),
			q("rooms_layer", str("dxf: the layer of the room polylines")),
			q("labels_layer", str("dxf: the layer of the room numbers")),
			q("names_layer", str("dxf: the layer of the room names")),
			q("outline_layer", str("dxf: the layer of the building's outline, its footprint (default: OUTLINE, GROS$, A-AREA-GROS… if present)")),
			q("units", paramDoc{"", "dxf: drawing units (default: the header's $INSUNITS)", map[string]any{"type": "string", "enum": []string{"mm", "cm", "m", "in", "ft"}}}),
			q("origin", str("LON,LAT of the source's local origin, for a new building")),
			q("rotation", paramDoc{"", "degrees clockwise from north to the source's +Y axis, for a new building", map[string]any{"type": "number"}}),
			q("snap", paramDoc{"", "metres within which neighbouring rooms' vertices and edges are snapped together; 0 turns it off", map[string]any{"type": "number", "minimum": 0, "maximum": source.MaxSnap, "default": imports.DefaultSnap}}),
			q("max_repair", paramDoc{"", "m²: an overlap of two rooms up to this is cut from the larger of the two and listed in repairs, a larger one is a problem; 0 turns it off", map[string]any{"type": "number", "minimum": 0, "maximum": source.MaxRepair, "default": imports.DefaultMaxRepair}}),
			q("ignore_footprint", paramDoc{"", "place a new building by its rooms and drop the source's footprint when it lies far from them (else such a file is rejected)", map[string]any{"type": "boolean", "default": false}}),
			q("skip_invalid", paramDoc{"", "import the valid rooms and list what was skipped", map[string]any{"type": "boolean", "default": false}}),
			q("dry_run", paramDoc{"", "check everything and write nothing", map[string]any{"type": "boolean", "default": false}}),
			q("filename", str("the file's name, used in messages (default upload.<format>)")),
		}, body: "Upload", bodyType: "application/octet-stream", result: "ImportSummary"},
		{method: "POST", path: v1 + "/imports/rooms", tag: "transfer", summary: "Import the bureau's room register (the body: an .xlsx workbook or a CSV file, UTF-8 or GB18030) joined to the drawn rooms by building, floor and number: usages, agencies and recorded areas, all-or-nothing; the summary lists rows with no drawn room, drawn rooms not listed and recorded-vs-measured area differences. A rejected list is 422 import_rejected naming each row and column", query: []paramDoc{
			q("columns", str("name the columns, field=header or letter, e.g. number=房号,area=面积 (fields: building, floor, ordinal, number, usage, agency, area); the others are found by their usual names")),
			q("building", str("the building (id or name) of the rows without one")),
			q("sheet", str("the sheet of a workbook (default: the first with a header row)")),
			q("skip_invalid", paramDoc{"", "import the rows that can be taken and list the rest", map[string]any{"type": "boolean", "default": false}}),
			q("dry_run", paramDoc{"", "join and check everything and write nothing", map[string]any{"type": "boolean", "default": false}}),
			q("filename", str("the file's name, used in messages")),
		}, body: "Upload", bodyType: "application/octet-stream", result: "RoomListSummary"},
		{method: "POST", path: v1 + "/imports/properties", tag: "transfer", summary: "Import the bureau's property register (the body: an .xlsx workbook or a CSV file; name, address, kind, title kind and number, holder, issue date, title area, book area, state, district, note), each row matched to a property by its title number, else by name and address; all-or-nothing and idempotent (importing it again reports 0 created, 0 changed). A rejected file is 422 import_rejected naming each row and column. Bureau administrators only", query: []paramDoc{
			q("map", str("map headers to fields, header=field pairs, e.g. 产权证号=title_number,坐落=address (fields: name, address, kind, title_kind, title_number, holder, issued_on, title_area_m2, book_area_m2, state, district, note); the others are found by their usual names")),
			q("sheet", str("the sheet of a workbook (default: the first with a header row)")),
			q("dry_run", paramDoc{"", "check and match everything and write nothing", map[string]any{"type": "boolean", "default": false}}),
			q("filename", str("the file's name, used in messages")),
		}, body: "Upload", bodyType: "application/octet-stream", result: map[string]any{"type": "object"}},
		{method: "GET", path: v1 + "/exports/properties", tag: "transfer", summary: "The properties the caller may see in the property register's import layout (one row a property, its first title), to edit and import back", query: []paramDoc{
			q("format", paramDoc{"", "xlsx or csv (UTF-8 with a byte-order mark)", map[string]any{"type": "string", "enum": []string{"xlsx", "csv"}, "default": "xlsx"}}),
			langParam}, result: map[string]any{"type": "string", "format": "binary"}, resultType: "application/octet-stream"},
		{method: "GET", path: v1 + "/exports/{format}", tag: "transfer", summary: "Export the register (or one building, or one floor) as geojson, imdf (zip), gpkg, csv (UTF-8 with BOM) or xlsx, as an attachment", query: []paramDoc{
			q("building_id", paramDoc{"", "only this building", uuidSchema()}),
			q("floor_id", paramDoc{"", "geojson: only this floor", uuidSchema()}),
			langParam}, result: map[string]any{"type": "string", "format": "binary"}, resultType: "application/octet-stream"},

		{method: "GET", path: "/ogc", tag: "ogc", summary: "OGC API – Features landing page", result: map[string]any{"type": "object"}},
		{method: "GET", path: "/ogc/conformance", tag: "ogc", summary: "Conformance classes", result: map[string]any{"type": "object"}},
		{method: "GET", path: "/ogc/collections", tag: "ogc", summary: "The feature collections: buildings, rooms", result: map[string]any{"type": "object"}},
		{method: "GET", path: "/ogc/collections/{collectionId}", tag: "ogc", summary: "One collection", result: map[string]any{"type": "object"}},
		{method: "GET", path: "/ogc/collections/{collectionId}/items", tag: "ogc", summary: "A collection's features, paged", query: []paramDoc{
			q("bbox", str("minLon,minLat,maxLon,maxLat (CRS84)")),
			q("limit", paramDoc{"", "page size; larger values are capped", map[string]any{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit}}),
			q("offset", paramDoc{"", "features to skip", map[string]any{"type": "integer", "minimum": 0, "default": 0}}),
			q("datetime", str("accepted and ignored: features have no time")),
			q("f", str("json")),
		}, result: map[string]any{"type": "object"}, resultType: "application/geo+json"},
		{method: "GET", path: "/ogc/collections/{collectionId}/items/{featureId}", tag: "ogc", summary: "One feature", result: map[string]any{"type": "object"}, resultType: "application/geo+json"},
	}
	for _, t := range []struct{ path, summary, typ string }{
		{"/tiles/{layer}.json", "TileJSON 3.0.0 of a layer (buildings, rooms)", "application/json"},
		{"/tiles/{layer}/{z}/{x}/{y}.mvt", "A Mapbox Vector Tile (EPSG:3857 XYZ)", "application/vnd.mapbox-vector-tile"},
		{"/tiles/{layer}/{z}/{x}/{y}.png", "A raster tile, 256 × 256", "image/png"},
	} {
		for _, m := range []string{"GET", "HEAD"} {
			ops = append(ops, opDoc{method: m, path: t.path, tag: "tiles", summary: t.summary,
				result: map[string]any{"type": "string", "format": "binary"}, resultType: t.typ})
		}
	}
	ops = append(ops, staffOperations()...)
	ops = append(ops, staffExportOperations()...)
	ops = append(ops, operationsOf(certificateRoutes())...)
	ops = append(ops, operationsOf(inboxRoutes())...)
	ops = append(ops, operationsOf(inspectionRoutes())...)
	ops = append(ops, operationsOf(leadRoutes())...)
	ops = append(ops, operationsOf(inspectionResultRoutes())...)
	if withIdentity {
		ops = append(ops, authOperations()...)
	}
	if withApp {
		for _, m := range []string{"GET", "HEAD"} {
			ops = append(ops, opDoc{method: m, path: "/", tag: "app", summary: "The browser app (and its assets below /)",
				result: map[string]any{"type": "string"}, resultType: "text/html"})
		}
	}
	for _, h := range historyEntities {
		ops = append(ops, opDoc{method: "GET", path: v1 + "/" + h.segment + "/{id}/history", tag: "history",
			summary: "Every recorded change of one " + string(h.entity) + ", oldest first: who, when recorded (at), from which day it holds (effective), why (reason), the row before and after",
			result:  map[string]any{"type": "array", "items": map[string]any{"type": "object"}}})
	}
	// Every write takes the effective day and the reason of its change (withWriteContext).
	for i := range ops {
		if m := ops[i].method; m != "GET" && m != "HEAD" {
			ops[i].query = append(ops[i].query,
				paramDoc{"effective", "the day from which the change holds in the world (YYYY-MM-DD); default: a new room or building from its valid_from, else today; other new records from the beginning; an update from the earliest changed date (status, start, end, idle, valid_from) or today; a delete today", dateSchema()},
				paramDoc{"reason", "why the change is made, kept in the history", map[string]any{"type": "string", "maxLength": maxReasonRunes}})
		}
	}
	return ops
}

var pathParam = regexp.MustCompile(`\{([^}:]+)(:[^}]*)?\}`)

// componentSchema is one schema of the document's components: generated from the wire type wire, or
// written out as schema where no wire type says it (GeoJSON geometries, uploads, summaries, errors).
type componentSchema struct {
	name     string
	wire     any            // a value of the wire type; nil when schema is given
	schema   map[string]any // the schema written out, for wire == nil
	accounts bool           // documented only with accounts on (Deps.Identity)
}

// componentSchemas lists every schema the operations refer to.
func componentSchemas() []componentSchema {
	return []componentSchema{
		{name: "Jurisdiction", wire: jurisdictionJSON{}},
		{name: "Site", wire: siteJSON{}},
		{name: "Agency", wire: agencyJSON{}},
		{name: "Person", wire: personJSON{}},
		{name: "Assignment", wire: assignmentJSON{}},
		{name: "Building", wire: buildingJSON{}},
		{name: "Floor", wire: floorJSON{}},
		{name: "Room", wire: roomFeatureJSON{}},
		{name: "RoomCollection", wire: roomCollectionJSON{}},
		{name: "RoomBatch", schema: roomBatchSchema()},
		{name: "RoomBatchResult", wire: roomBatchOutJSON{}},
		{name: "Scenario", schema: scenarioSchema()},
		{name: "ScenarioResult", schema: scenarioResultSchema()},
		{name: "ScenarioApplyResult", schema: scenarioApplyResultSchema()},
		{name: "SearchResult", wire: searchJSON{}},
		{name: "Document", wire: documentJSON{}},
		{name: "LedgerEntry", wire: ledgerEntryJSON{}},
		{name: "LedgerEntryList", wire: ledgerEntriesJSON{}},
		{name: "Procedures", wire: proceduresJSON{}},
		{name: "Application", wire: applicationJSON{}},
		{name: "ApplicationList", wire: applicationsJSON{}},
		{name: "ApplicationNew", wire: applicationIn{}},
		{name: "ApplicationAction", wire: actionIn{}},
		{name: "Inbox", wire: inboxJSON{}},
		{name: "Checklist", wire: checklistJSON{}},
		{name: "Inspection", wire: inspectionJSON{}},
		{name: "InspectionList", wire: inspectionsJSON{}},
		{name: "InspectionNew", wire: inspectionIn{}},
		{name: "InspectionItem", wire: inspectionItemJSON{}},
		{name: "InspectionItemList", wire: inspectionItemsJSON{}},
		{name: "InspectionItemNew", wire: inspectionItemIn{}},
		{name: "InspectionItemAction", wire: itemActionIn{}},
		{name: "Lead", wire: leadJSON{}},
		{name: "LeadList", wire: leadsJSON{}},
		{name: "LeadNew", wire: leadIn{}},
		{name: "LeadTriage", wire: leadTriageIn{}},
		{name: "LeadClose", wire: leadCloseIn{}},
		{name: "InspectionResults", wire: inspectionResultsJSON{}},
		{name: "NoticeList", wire: noticesJSON{}},
		{name: "ApplicationScenario", schema: applicationScenarioSchema()},
		{name: "ApplicationScenarioResult", schema: applicationScenarioOutSchema()},
		{name: "StoredScenario", schema: storedScenarioSchema()},
		{name: "ArchiveFinding", wire: archiveFindingJSON{}},
		{name: "Registration", wire: registrationJSON{}},
		{name: "Certificate", wire: certificateJSON{}},
		{name: "CertificateIssue", wire: certificateIssueJSON{}},
		{name: "CertificateRevoke", wire: certificateRevokeJSON{}},
		{name: "CertificateVerification", wire: certificateVerificationJSON{}},
		{name: "Classification", wire: classificationJSON{}},
		{name: "RegistrationChange", wire: stateJSON{}},
		{name: "FilingStep", wire: filingStepJSON{}},
		{name: "TimelineEvent", wire: timelineEventJSON{}},
		{name: "DocumentList", wire: documentsJSON{}},
		{name: "RoomFindings", wire: roomFindingsJSON{}},
		{name: "Polygon", schema: map[string]any{"type": "object", "description": "GeoJSON Polygon (lon/lat, or local metres with crs=local)",
			"required": []string{"type", "coordinates"},
			"properties": map[string]any{"type": map[string]any{"type": "string", "enum": []string{"Polygon"}},
				"coordinates": map[string]any{"type": "array", "items": map[string]any{"type": "array",
					"items": map[string]any{"type": "array", "minItems": 2, "maxItems": 3, "items": map[string]any{"type": "number"}}}}}}},
		{name: "LineString", schema: map[string]any{"type": "object", "description": "GeoJSON LineString (or a Feature with one) crossing the room wall to wall",
			"required": []string{"type"},
			"properties": map[string]any{"type": map[string]any{"type": "string", "enum": []string{"LineString", "Feature"}},
				"coordinates": map[string]any{"type": "array", "minItems": 2, "items": map[string]any{"type": "array", "minItems": 2, "maxItems": 3, "items": map[string]any{"type": "number"}}}}}},
		{name: "MultiLineString", schema: map[string]any{"type": "object", "description": "GeoJSON MultiLineString (lon/lat, or local metres with crs=local): a floor's doors and openings",
			"required": []string{"type", "coordinates"},
			"properties": map[string]any{"type": map[string]any{"type": "string", "enum": []string{"MultiLineString"}},
				"coordinates": map[string]any{"type": "array", "items": map[string]any{"type": "array", "minItems": 2,
					"items": map[string]any{"type": "array", "minItems": 2, "maxItems": 3, "items": map[string]any{"type": "number"}}}}}}},
		{name: "RoomListSummary", wire: roomlist.Summary{}},
		{name: "StaffSummary", wire: staffSummaryJSON{}},
		{name: "StaffSync", wire: staffSyncJSON{}},
		{name: "Upload", schema: map[string]any{"type": "string", "format": "binary", "description": "the file, as raw bytes"}},
		{name: "ImportSummary", schema: map[string]any{"type": "object", "description": "what the import created, updated, left unchanged and skipped (with reasons), and notes",
			"properties": map[string]any{"file": map[string]any{"type": "string"}, "format": map[string]any{"type": "string"}, "dry_run": map[string]any{"type": "boolean"},
				"buildings": map[string]any{"type": "object"}, "floors": map[string]any{"type": "object"}, "rooms": map[string]any{"type": "object"},
				"skipped": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "notes": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"warnings": map[string]any{"type": "array", "description": "placement checks a planner should look at", "items": map[string]any{"type": "string"}},
				"repairs":  map[string]any{"type": "array", "description": "slivers cut from a room: floor, room, other, area_m2, action", "items": map[string]any{"type": "object"}},
				"targets":  map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}}},
		{name: "Status", schema: map[string]any{"type": "object", "properties": map[string]any{"status": map[string]any{"type": "string"}}}},
		{name: "Error", schema: map[string]any{"type": "object", "required": []string{"error"},
			"properties": map[string]any{"error": map[string]any{"type": "object", "required": []string{"code", "message"},
				"properties": map[string]any{
					"code":       map[string]any{"type": "string", "description": "snake_case error code"},
					"message":    map[string]any{"type": "string", "description": "a sentence; Chinese when Accept-Language prefers zh"},
					"request_id": map[string]any{"type": "string"},
					"reason":     map[string]any{"type": "string", "description": "why a geometry or a split was refused"},
					"problems":   map[string]any{"type": "array", "description": "import_rejected: the file's problems", "items": map[string]any{"type": "object"}},

					// A save of rooms (POST /api/v1/floors/{id}/rooms/batch): the change refused.
					"index":           map[string]any{"type": "integer", "description": "the change refused, from 0"},
					"room_id":         map[string]any{"type": "string", "format": "uuid", "description": "its room, when known"},
					"room_number":     map[string]any{"type": "string", "description": "its room's number, when known"},
					"current_version": map[string]any{"type": "integer", "format": "int64", "description": "412: the room's current version (current_etag: its ETag)"},
				}}}}},

		{name: "SignIn", wire: signInJSON{}, accounts: true},
		{name: "Session", wire: sessionJSON{}, accounts: true},
		{name: "PasswordChange", wire: passwordJSON{}, accounts: true},
		{name: "TOTPEnrolment", wire: totpJSON{}, accounts: true},
		{name: "TOTPCode", wire: codeJSON{}, accounts: true},
		{name: "TokenRequest", wire: tokenRequestJSON{}, accounts: true},
		{name: "Token", wire: tokenJSON{}, accounts: true},
		{name: "AuditRecord", wire: auditRecordJSON{}, accounts: true},
		{name: "AdminUser", wire: adminUserJSON{}, accounts: true},
		{name: "NewUser", wire: newUserJSON{}, accounts: true},
		{name: "OneTimePassword", wire: oneTimeJSON{}, accounts: true},
		{name: "Grants", wire: []grantJSON{}, accounts: true},
		{name: "TokenInfo", wire: tokenInfoJSON{}, accounts: true},
		{name: "AgencyRef", wire: agencyRefJSON{}, accounts: true},
	}
}

// staffOperations documents the staff imports and the sync of an agency's staff (api/staff.go).
func staffOperations() []opDoc {
	const v1 = "/api/v1"
	var ops []opDoc
	for _, k := range []struct{ kind, what, fields string }{
		{"agencies", "agencies: code, name, short name, parent, level, scale, headcount (编制), approved area (核定面积), status, status date, successor; matched by code, else by exact name",
			"code, name, short_name, parent, level, scale, headcount, approved_area_m2, status, status_date, successor"},
		{"people", "people: staff number (工号), name, agency, rank (职级), title, status, status date, concurrent posts; matched by staff number. Accounts on: an agency manager imports its own agency's people only",
			"staff_no, name, agency, rank, title, status, status_date, posts"},
		{"assignments", "room assignments: building, floor, room number, staff number, name, kind (主办公室/兼职办公室), start, end, approval reference; matched by room and person. Accounts on: an agency manager imports its own agency's people's assignments only",
			"building, floor, room, staff_no, person, kind, start, end, approval_ref"},
	} {
		ops = append(ops, opDoc{method: "POST", path: v1 + "/imports/" + k.kind, tag: "transfer",
			summary: "Import the bureau's spreadsheet of " + k.what + " (the body: an .xlsx workbook or a CSV file, UTF-8 or GB18030), all-or-nothing; a change of status, agency, rank or posts is written with its day from the file and the summary lists the deadlines it starts. A rejected file is 422 import_rejected naming each row and column; a change outside the caller's scope is 403 and writes nothing",
			query: []paramDoc{
				q("columns", str("name the columns, field=header or letter, e.g. staff_no=人员编号,rank=D (fields: "+k.fields+"); the others are found by their usual names")),
				q("sheet", str("the sheet of a workbook (default: the first)")),
				q("skip_invalid", paramDoc{"", "import the rows that can be taken and list the rest", map[string]any{"type": "boolean", "default": false}}),
				q("dry_run", paramDoc{"", "check everything and write nothing", map[string]any{"type": "boolean", "default": false}}),
				q("filename", str("the file's name, used in messages")),
			}, body: "Upload", bodyType: "application/octet-stream", result: "StaffSummary"})
	}
	return append(ops, opDoc{method: "PUT", path: v1 + "/agencies/{id}/staff", tag: "agencies",
		summary: "Make the agency's staff what the organisation department's list says on as_of: people who joined are created, changed ones updated, those not listed have left (status transferred as of as_of); all-or-nothing and idempotent (the same list again changes nothing). The summary reports the differences and the deadlines they start",
		query:   []paramDoc{q("dry_run", paramDoc{"", "report the differences and write nothing", map[string]any{"type": "boolean", "default": false}})},
		body:    "StaffSync", result: "StaffSummary"})
}

// openAPIDocument builds the document.
func openAPIDocument(withApp, withIdentity bool) map[string]any {
	g := &schemaGen{components: map[string]any{}}
	for _, c := range componentSchemas() {
		switch {
		case c.accounts && !withIdentity:
		case c.wire != nil:
			g.define(c.name, c.wire)
		default:
			g.components[c.name] = c.schema
		}
	}
	paths := map[string]any{}
	for _, op := range operations(withApp, withIdentity) {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = op.document()
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "officemap",
			"version":     "1",
			"description": "Government office space (党政机关办公用房): sites, buildings, floors, rooms, agencies, people, assignments and over-standard (超标) findings. Errors are {\"error\":{\"code\",\"message\"}}.",
		},
		"paths":      paths,
		"components": map[string]any{"schemas": g.components},
	}
}

func (op opDoc) document() map[string]any {
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
		schema := uuidSchema()
		if m[1] != "id" && m[1] != "featureId" {
			schema = map[string]any{"type": "string"}
		}
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema})
	}
	for _, p := range op.query {
		params = append(params, map[string]any{"name": p.name, "in": "query", "description": p.description, "schema": p.schema})
	}
	if op.ifMatch {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true,
			"description": "the ETag of the version read; missing → 428, stale → 412", "schema": map[string]any{"type": "string"}})
	}
	doc := map[string]any{"summary": op.summary, "tags": []string{op.tag},
		"operationId": strings.ToLower(op.method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_", "-", "_").Replace(op.path)}
	if len(params) > 0 {
		doc["parameters"] = params
	}
	if op.body != "" {
		typ := op.bodyType
		if typ == "" {
			typ = "application/json"
		}
		doc["requestBody"] = map[string]any{"required": true, "content": map[string]any{typ: map[string]any{"schema": ref(op.body)}}}
	}
	status := op.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	if op.result != nil {
		typ := op.resultType
		if typ == "" {
			typ = "application/json"
		}
		schema, isMap := op.result.(map[string]any)
		if !isMap {
			schema = ref(op.result.(string))
		}
		ok["content"] = map[string]any{typ: map[string]any{"schema": schema}}
	}
	if op.etag {
		ok["headers"] = map[string]any{"ETag": map[string]any{"schema": map[string]any{"type": "string"}, "description": "the version, for If-Match"}}
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	responses := map[string]any{fmt.Sprint(status): ok, "default": errResp("an error: 400 bad_request, 401 unauthenticated, 403 forbidden, 404 not_found, 405, 409 conflict/overlap/in_use, 413 body_too_large, 422 invalid_geometry/invalid_input, 503 unavailable, 500 internal")}
	if op.ifMatch {
		responses["412"] = errResp("precondition_failed: the If-Match ETag is stale")
		responses["428"] = errResp("precondition_required: If-Match is missing")
	}
	doc["responses"] = responses
	return doc
}

// schemaGen derives JSON schemas from wire types by reflection: json tags name the properties; enum,
// readonly and schema tags add what the Go type cannot say.
type schemaGen struct {
	components map[string]any
}

var (
	typeUUID     = reflect.TypeFor[uuid.UUID]()
	typeOptID    = reflect.TypeFor[optID]()
	typeDate     = reflect.TypeFor[date]()
	typeTime     = reflect.TypeFor[time.Time]()
	typeGeometry = reflect.TypeFor[*geojson.Geometry]()
)

func (g *schemaGen) define(name string, v any) {
	g.components[name] = g.schema(reflect.TypeOf(v), reflect.StructTag(""))
}

func (g *schemaGen) schema(t reflect.Type, tag reflect.StructTag) map[string]any {
	s := g.base(t, tag)
	if e := tag.Get("enum"); e != "" {
		s["enum"] = strings.Split(e, ",")
	}
	if tag.Get("readonly") == "true" {
		s["readOnly"] = true
	}
	return s
}

func (g *schemaGen) base(t reflect.Type, tag reflect.StructTag) map[string]any {
	switch t {
	case typeUUID:
		return map[string]any{"type": "string", "format": "uuid"}
	case typeOptID:
		return map[string]any{"type": "string", "format": "uuid", "nullable": true}
	case typeDate:
		return map[string]any{"type": "string", "format": "date", "nullable": true}
	case typeTime:
		return map[string]any{"type": "string", "format": "date-time"}
	case typeGeometry:
		name := tag.Get("schema")
		if name == "" {
			name = "Polygon"
		}
		return map[string]any{"allOf": []any{ref(name)}, "nullable": true}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.base(t.Elem(), tag)
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Array:
		return map[string]any{"type": "array", "items": g.base(t.Elem(), ""), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem(), "")}
	case reflect.Map:
		return map[string]any{"type": "object"}
	case reflect.Struct:
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				// An embedded struct's fields are the outer struct's, as encoding/json writes them.
				maps.Copy(props, g.base(f.Type, "")["properties"].(map[string]any))
				continue
			}
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			props[name] = g.schema(f.Type, f.Tag)
		}
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

// openAPI serves the document.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.oai.openapi+json;version=3.0")
	_, _ = w.Write(s.openapi)
	return nil
}

// marshalOpenAPI renders the document once, when the server is built.
func marshalOpenAPI(withApp, withIdentity bool) []byte {
	return marshalDocument(openAPIDocument(withApp, withIdentity))
}

// marshalDocument renders a document built by openAPIDocument.
func marshalDocument(doc map[string]any) []byte {
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil { // the document is built from literals; this cannot happen
		panic("api: openapi document: " + err.Error())
	}
	return data
}
