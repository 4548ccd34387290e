package main

import (
	"fmt"
	"os"
	"strings"

	"officemap/floorplan"
)

// envProcedures names a JSON file of the online handling's procedures (the layout of
// floorplan/procedures.json) that replaces the built-in ones, without a code change.
const envProcedures = "OFFICEMAP_PROCEDURES"

// loadProcedures returns the register option of the procedures in force: the file of
// OFFICEMAP_PROCEDURES, else the built-in procedures. A file that cannot be read or is not valid is an
// error naming the file and what is wrong, and serve refuses to start with it.
func loadProcedures(getenv func(string) string) (floorplan.RegisterOption, error) {
	path := strings.TrimSpace(getenv(envProcedures))
	if path == "" {
		return floorplan.WithProcedures(floorplan.DefaultProcedures()), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envProcedures, err)
	}
	defer f.Close()
	ps, err := floorplan.LoadProcedures(f)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", envProcedures, path, err)
	}
	return floorplan.WithProcedures(ps), nil
}
