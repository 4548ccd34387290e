package api

import (
	"officemap/floorplan"
	"officemap/floorplan/pdfdoc"
)

// CertificatePDF exposes the certificate's PDF writer to the tests of a certificate that the HTTP flow
// does not easily reach (many rooms, an approved application): c for agency, with its verification URL
// and approval rows (key, value).
func CertificatePDF(font *pdfdoc.Font, c floorplan.Certificate, agency, verifyURL string, approval ...[2]string) ([]byte, error) {
	doc := certificateDoc{c: c, agency: agency, verifyURL: verifyURL}
	for _, kv := range approval {
		doc.approval = append(doc.approval, pdfdoc.KV{Key: kv[0], Value: kv[1]})
	}
	return doc.pdf(font)
}
