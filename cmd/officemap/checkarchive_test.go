package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckArchive: `check --archive` lists the demo's archive findings — the centre's missing completion
// drawings and its title area off the measured one (账实) — one per line or as JSON, and exits zero;
// --archive with --full is a usage error.
func TestCheckArchive(t *testing.T) {
	db, _ := sampleStore(t)
	out, _, err := officemap(t, "check", "--archive", "--db", db)
	if err != nil {
		t.Fatalf("check --archive: %v (%q)", err, out)
	}
	for _, want := range []string{"常州市行政中心\tarchive.missing_document\t", "竣工图", "常州市行政中心\tledger.title_vs_measured\t账实不符", "archive findings\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("check --archive printed %q; want %q in it", out, want)
		}
	}
	out, _, err = officemap(t, "check", "--archive", "--json", "--db", db)
	if err != nil {
		t.Fatalf("check --archive --json: %v", err)
	}
	var res struct {
		Findings []struct {
			RuleID       string  `json:"rule_id"`
			SiteName     string  `json:"site_name"`
			DocType      string  `json:"doc_type"`
			AreaTitle    float64 `json:"area_title"`
			AreaMeasured float64 `json:"area_measured"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("check --archive --json: %v (%q)", err, out)
	}
	var drawings, mismatch bool
	for _, f := range res.Findings {
		drawings = drawings || (f.SiteName == "常州市行政中心" && f.RuleID == "archive.missing_document" && f.DocType == "completion_drawings")
		mismatch = mismatch || (f.SiteName == "常州市行政中心" && f.RuleID == "ledger.title_vs_measured" && f.AreaTitle > f.AreaMeasured && f.AreaMeasured > 0)
	}
	if !drawings || !mismatch {
		t.Errorf("check --archive --json = %+v; want the centre's missing completion drawings and its 账实 mismatch", res.Findings)
	}
	if _, _, err := officemap(t, "check", "--archive", "--full", "--db", db); err == nil || !strings.Contains(err.Error(), "--archive") {
		t.Errorf("check --archive --full: %v; want a usage error naming --archive", err)
	}
}
