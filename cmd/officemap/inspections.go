package main

import (
	"fmt"
	"os"
	"strings"

	"officemap/floorplan"
)

// envChecklist names a JSON file of the inspection checklist (the layout of floorplan/checklist.json)
// that replaces the built-in one, without a code change; envAssessmentDate is the day (MM-DD) of the
// government's annual assessment, which the annual inspection must finish a month before (default 12-31).
const (
	envChecklist      = "OFFICEMAP_CHECKLIST"
	envAssessmentDate = "OFFICEMAP_ASSESSMENT_DATE"
)

// loadInspections returns the register options of the inspections: the checklist of OFFICEMAP_CHECKLIST
// (else the built-in one) and the assessment date of OFFICEMAP_ASSESSMENT_DATE. A file that cannot be
// read or is not valid (an unknown rule id, named), or a date that is not MM-DD, is an error naming it,
// and serve refuses to start with it.
func loadInspections(getenv func(string) string) ([]floorplan.RegisterOption, error) {
	var opts []floorplan.RegisterOption
	if raw := strings.TrimSpace(getenv(envAssessmentDate)); raw != "" {
		d, err := floorplan.ParseMonthDay(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envAssessmentDate, err)
		}
		opts = append(opts, floorplan.WithAssessmentDate(d))
	}
	path := strings.TrimSpace(getenv(envChecklist))
	if path == "" {
		return append(opts, floorplan.WithChecklist(floorplan.DefaultChecklist())), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envChecklist, err)
	}
	defer f.Close()
	c, err := floorplan.LoadChecklist(f)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", envChecklist, path, err)
	}
	return append(opts, floorplan.WithChecklist(c)), nil
}
