package api

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"officemap/floorplan"
)

// The public verification page of a usage certificate (GET /verify/{code}): anyone holding the QR code
// learns whether the certificate is valid now, and what it covers — the agency, the rooms and their
// areas, the issue date — but no personal data (not who issued or revoked it). A code that is malformed
// or unknown gets the same 404.

// certificateVerificationJSON is the public answer in JSON.
type certificateVerificationJSON struct {
	Valid       bool                  `json:"valid"`
	Reason      string                `json:"reason,omitempty"`
	ReasonZH    string                `json:"reason_zh,omitempty"`
	Certificate publicCertificateJSON `json:"certificate"`
}

// publicCertificateJSON is what the public page shows of a certificate.
type publicCertificateJSON struct {
	Number      string                `json:"number"`
	Agency      string                `json:"agency"`
	Rooms       []certificateRoomJSON `json:"rooms"`
	TotalAreaM2 float64               `json:"total_area_m2"`
	IssueDate   string                `json:"issue_date"`
	Revoked     bool                  `json:"revoked"`
}

// The public verification's rate per client address: a person checking certificates by hand stays far
// below it; a script walking codes is slowed to a crawl (codes are 128 random bits in any case).
const (
	verifyPerMinute = 30
	verifyBurst     = 20
)

// errVerifyLimited refuses a client that verifies too often.
var errVerifyLimited = fixed(http.StatusTooManyRequests, "rate_limited",
	"too many verifications from your address; wait a minute", "验证过于频繁，请一分钟后再试")

// verifyCertificate serves GET /verify/{code}.
func (s *Server) verifyCertificate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	if !s.verifyLimit.Allow(s.clientAddr(r), s.now()) {
		w.Header().Set("Retry-After", "60")
		return errVerifyLimited(nil)
	}
	wantsJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	en := verifyInEnglish(r)
	code := mux.Vars(r)["code"]
	var c floorplan.Certificate
	err := floorplan.ErrNotFound
	if floorplan.ValidCertificateCode(code) {
		c, err = s.store.CertificateByCode(r.Context(), code)
	}
	if errors.Is(err, floorplan.ErrNotFound) {
		if wantsJSON {
			return about("certificate", floorplan.ErrNotFound)
		}
		return writeVerifyPage(w, http.StatusNotFound, verifyView{EN: en, Unknown: true})
	}
	if err != nil {
		return err
	}
	v, err := floorplan.CertificateValidity(r.Context(), s.store, c)
	if err != nil {
		return err
	}
	pub := publicCertificateJSON{Number: c.Number(), Agency: s.agencyName(r, c.AgencyID), Rooms: make([]certificateRoomJSON, len(c.Rooms)),
		TotalAreaM2: c.TotalAreaM2, IssueDate: c.IssuedAt.Format(floorplan.DateLayout), Revoked: c.Revoked()}
	for i, rm := range c.Rooms {
		pub.Rooms[i] = certificateRoomJSON{ID: rm.ID, Number: rm.Number, Building: rm.Building, Floor: rm.Floor, AreaM2: rm.AreaM2}
	}
	if wantsJSON {
		return writeJSON(w, http.StatusOK, certificateVerificationJSON{Valid: v.Valid, Reason: v.Reason, ReasonZH: v.ReasonZH, Certificate: pub})
	}
	reason := v.ReasonZH
	if en {
		reason = v.Reason
	}
	return writeVerifyPage(w, http.StatusOK, verifyView{EN: en, Valid: v.Valid, Reason: reason, C: pub})
}

// verifyInEnglish reports whether the page is asked for in English: ?lang=en, or (without lang) an
// Accept-Language whose first choice is English.
func verifyInEnglish(r *http.Request) bool {
	switch strings.ToLower(r.URL.Query().Get("lang")) {
	case "en":
		return true
	case "zh", "zh-cn":
		return false
	}
	h := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language")))
	return strings.HasPrefix(h, "en") && !prefersChinese(h)
}

// verifyView is what the page template shows.
type verifyView struct {
	EN, Unknown, Valid bool
	Reason             string
	C                  publicCertificateJSON
}

func writeVerifyPage(w http.ResponseWriter, status int, v verifyView) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	return verifyPage.Execute(w, v)
}

// verifyPage is the verification page, Chinese unless EN.
var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{if .EN}}en{{else}}zh-CN{{end}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .EN}}Usage certificate verification{{else}}办公用房分配使用凭证核验{{end}}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}
.ok{color:#176b2c}.bad{color:#b00020}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3em .5em;text-align:left}</style>
</head><body>
<h1>{{if .EN}}Usage certificate verification{{else}}办公用房分配使用凭证核验{{end}}</h1>
{{if .Unknown}}<p class="bad" id="result">{{if .EN}}Unknown code: no certificate has this verification code.{{else}}无此凭证：核验码不存在。{{end}}</p>
{{else}}{{if .Valid}}<p class="ok" id="result">{{if .EN}}Valid now.{{else}}凭证当前有效。{{end}}</p>
{{else}}<p class="bad" id="result">{{if .EN}}Not valid now: {{else}}凭证当前无效：{{end}}{{.Reason}}</p>{{end}}
<dl><dt>{{if .EN}}Number{{else}}凭证编号{{end}}</dt><dd>{{.C.Number}}</dd>
<dt>{{if .EN}}Agency{{else}}使用单位{{end}}</dt><dd>{{.C.Agency}}</dd>
<dt>{{if .EN}}Issued on{{else}}发证日期{{end}}</dt><dd>{{.C.IssueDate}}</dd></dl>
<table><tr><th>{{if .EN}}Building{{else}}楼宇{{end}}</th><th>{{if .EN}}Floor{{else}}楼层{{end}}</th><th>{{if .EN}}Room{{else}}房间号{{end}}</th><th>{{if .EN}}Usable area (m²){{else}}使用面积（m²）{{end}}</th></tr>
{{range .C.Rooms}}<tr><td>{{.Building}}</td><td>{{.Floor}}</td><td>{{.Number}}</td><td>{{printf "%.2f" .AreaM2}}</td></tr>{{end}}
<tr><td colspan="3">{{if .EN}}Total{{else}}合计{{end}}</td><td>{{printf "%.2f" .C.TotalAreaM2}}</td></tr></table>
{{end}}</body></html>
`))
