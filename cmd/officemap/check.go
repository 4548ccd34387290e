package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"officemap/floorplan"
	"officemap/floorplan/archive"
)

// checkCmd compares the stored room states, which every write keeps up to date for the rooms it can
// move (floorplan/states.go), with a whole evaluation of the register.
func checkCmd(e *env) *cobra.Command {
	var full, asJSON, archived bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "check the stored room statuses against a whole evaluation (--full; non-zero exit when they differ), or list the archive's findings (--archive)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if archived && !full {
				return checkArchive(cmd, e, asJSON)
			}
			if !full || archived {
				return fmt.Errorf("%w: check needs --full (a whole evaluation of the register) or --archive (the archive's findings), one of them", errUsage)
			}
			ctx := floorplan.WithActor(cmd.Context(), "check")
			return e.withStore(ctx, func(s store, _ string) error {
				diffs, rooms, err := floorplan.NewRegister(s).CheckStates(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					err = writeCheckJSON(e.stdout, diffs, rooms)
				} else {
					err = writeCheckText(e.stdout, diffs, rooms)
				}
				if err != nil {
					return err
				}
				if len(diffs) > 0 {
					return fmt.Errorf("%d of %d rooms: the stored status differs from a whole evaluation", len(diffs), rooms)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&full, "full", false, "evaluate the whole register and compare every room's stored status")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().BoolVar(&archived, "archive", false, "list the archive's findings of every property: missing documents (缺档) and failed ledger reconciliations (账实, 账证) of this year")
	return cmd
}

// checkState is one side of a difference, as printed.
type checkState struct {
	Status      floorplan.RoomStatus `json:"status"`
	PerPersonM2 float64              `json:"per_person_m2"`
	StandardM2  float64              `json:"standard_m2"`
	Occupants   int                  `json:"occupants"`
	AsOf        string               `json:"as_of"`
}

// checkStateOf is s as printed; nil for none (a room without a stored state, or a state of no live room).
func checkStateOf(s floorplan.StoredStatus) *checkState {
	if s.RoomID == [16]byte{} {
		return nil
	}
	return &checkState{Status: s.Status, PerPersonM2: s.PerPersonM2, StandardM2: s.StandardM2, Occupants: len(s.Occupants),
		AsOf: s.AsOf.Format(floorplan.DateLayout)}
}

func (c *checkState) String() string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("%s (%g m² per person, standard %g m², %d occupants, as of %s)", c.Status, c.PerPersonM2,
		c.StandardM2, c.Occupants, c.AsOf)
}

func writeCheckJSON(w io.Writer, diffs []floorplan.StateDiff, rooms int) error {
	type difference struct {
		RoomID   string      `json:"room_id"`
		Number   string      `json:"number,omitempty"`
		Stored   *checkState `json:"stored"`
		Computed *checkState `json:"computed"`
	}
	out := struct {
		Rooms       int          `json:"rooms"`
		Differences []difference `json:"differences"`
	}{Rooms: rooms, Differences: []difference{}}
	for _, d := range diffs {
		out.Differences = append(out.Differences, difference{RoomID: d.RoomID.String(), Number: d.Number,
			Stored: checkStateOf(d.Stored), Computed: checkStateOf(d.Computed)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeCheckText(w io.Writer, diffs []floorplan.StateDiff, rooms int) error {
	for _, d := range diffs {
		if _, err := fmt.Fprintf(w, "room %s %s: stored %s, computed %s\n", d.RoomID, d.Number,
			checkStateOf(d.Stored), checkStateOf(d.Computed)); err != nil {
			return err
		}
	}
	if len(diffs) == 0 {
		_, err := fmt.Fprintf(w, "%d rooms: every stored status agrees with a whole evaluation\n", rooms)
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d rooms differ\n", len(diffs), rooms)
	return err
}

// checkArchive prints the archive's findings of every property (floorplan/archive.Findings) of this year:
// one line each, or JSON. The findings are a list to work through, not a failure: the exit status is 0.
func checkArchive(cmd *cobra.Command, e *env, asJSON bool) error {
	ctx := floorplan.WithActor(cmd.Context(), "check")
	return e.withStore(ctx, func(s store, _ string) error {
		now := time.Now()
		list, err := archive.Findings(ctx, s, archive.DefaultChecklist(), archive.DefaultDocTypes(), now.Year(), nil, now)
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(struct {
				Findings []archive.Finding `json:"findings"`
			}{list})
		}
		for _, f := range list {
			if _, err := fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", f.SiteName, f.RuleID, f.Message); err != nil {
				return err
			}
		}
		_, err = fmt.Fprintf(e.stdout, "%d archive findings\n", len(list))
		return err
	})
}
