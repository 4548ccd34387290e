// Package geo is officemap's pure geometry on orb types: validation, planar and geodesic area, a
// building's georeference (local metres ↔ lon/lat), and XYZ tile maths. It does no I/O and keeps no
// package-level state.
//
// Two coordinate systems meet here:
//
//   - A building's local frame: the CAD drawing's plane, always in metres. Rooms are stored and
//     validated in it, and [Area] computes their usable area (使用面积) in it, in m²: the number a
//     surveyor's report is compared with. [Georef.Scale] is only the unit of local coordinates
//     exchanged with clients (0.001 for millimetres): officemap converts them to metres on the way in
//     and back on the way out, and nothing in geo uses it.
//   - Lon/lat in degrees on WGS84 (EPSG:4326), derived from the local frame by [Frame.ToLonLat] for maps
//     and tiles. [GeodesicArea] computes true areas on the ellipsoid from it.
//
// No area is ever computed in Web Mercator (EPSG:3857): its scale grows as 1/cos²(latitude) in area, so
// at Changzhou (31.8°N) a room would read 38 % too large. Web Mercator is used only to address and
// draw tiles ([ParseTile], [TilePixel]).
//
// Orientation follows RFC 7946: [Normalize] turns outer rings counter-clockwise and holes clockwise.
// [Validate] accepts either orientation; areas are orientation-independent.
package geo
