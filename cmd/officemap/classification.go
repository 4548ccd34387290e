package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"officemap/floorplan"
)

// envClassification names the JSON file of the kinds of property (floorplan.ParseClassification) that
// replaces the built-in list; the --classification flag wins over it.
const envClassification = "OFFICEMAP_CLASSIFICATION"

// loadClassification returns the classification in force: the file of --classification, else of
// OFFICEMAP_CLASSIFICATION, else floorplan.BuiltinClassification. A file that cannot be read or is not a
// valid classification is an error naming the file and the bad entry; every command that opens the store
// refuses to run with it. The result is kept in e.classification.
func (e *env) loadClassification() (floorplan.Classification, error) {
	if e.classification != nil {
		return *e.classification, nil
	}
	c := floorplan.BuiltinClassification()
	from := "--classification"
	path := strings.TrimSpace(e.classificationFile)
	if path == "" {
		from, path = envClassification, strings.TrimSpace(e.getenv(envClassification))
	}
	if path != "" {
		var err error
		if c, err = floorplan.LoadClassification(path); err != nil {
			return c, fmt.Errorf("%s: %w", from, err)
		}
	}
	e.classification = &c
	return c, nil
}

// reportUnclassified prints a warning for each site and building whose category the classification in
// force does not hold (written under another list): they stay readable, and an update must give them a
// category of the list.
func (e *env) reportUnclassified(ctx context.Context, r floorplan.Reader) error {
	c, err := e.loadClassification()
	if err != nil {
		return err
	}
	list, err := floorplan.UnclassifiedRecords(ctx, r, c)
	if err != nil {
		return err
	}
	for _, u := range list {
		fmt.Fprintf(e.stderr, "warning: %s %s (%s) has category %q, which the classification in force does not hold (房产类别不在当前分类中)\n",
			u.Entity, u.ID, u.Name, u.Category)
	}
	return nil
}

func classificationCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "classification",
		Short: "print the classification of properties in force as JSON (a starting point for --classification)",
		Long: "classification prints the kinds of property in force — the built-in list, or the file of\n" +
			"--classification / $" + envClassification + " once it has been checked — as the JSON such a file holds.\n" +
			"It does not open the store.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := e.loadClassification()
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "%s\n", out)
			return err
		},
	}
}
