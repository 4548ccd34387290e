// Package archive is the electronic archive of the register (一房一档): the documents filed against a
// property, a building, a floor, a room or an agency — title certificates, completion drawings, filing
// documents, notices, contracts, maintenance records, photos.
//
// A document's bytes are content-addressed: their SHA-256 names them, so the same file uploaded twice is
// kept once, and a stored file can always be checked against its name. This package holds what does not
// depend on where the bytes are kept: the document types and the checklist of what each kind of property
// should have (doctypes.go), the checks an upload passes before anything is stored (Spool: size limit,
// type sniffed from the content, never from the name; sniff.go), the directory blob store an operator can
// configure instead of the database (Dir, opened with os.Root: no name given by a user ever reaches the
// file system) and the download's Content-Disposition (disposition.go).
package archive
