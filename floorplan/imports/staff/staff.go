// Package staff imports a bureau's own spreadsheets of agencies, people and room assignments into the
// register, and keeps one agency's staff in step with the organisation department's list (Sync). Rows are
// matched to the register by stable keys (an agency's code or exact name, a person's staff number, a
// room's building, floor and number), so re-importing a file changes nothing; every write goes through
// the register service (floorplan.Register), all-or-nothing by default. A change of a person's status,
// agency, rank or posts, or of an agency's status, is written with the day the file gives for it, so the
// rules' deadlines run from the real day; the summary lists the deadlines so started.
package staff

import (
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/imports"
)

// Options tune an import or a sync.
type Options struct {
	DryRun      bool              // plan and check, write nothing
	SkipInvalid bool              // import the valid rows and list the others as problems
	Columns     map[string]string // explicit mapping: field → header or column letter ("rank" → "职务层次" or "D")
	Sheet       string            // the sheet of a workbook to read; the first one when empty
	Lang        string            // the language of notes and problems ("en" or Chinese)
	Progress    func(done, total int)
	// Visible, when set, says whether the caller may read an agency's people: a people row whose staff
	// number is another agency's person is refused without telling whose, and an assignment row naming
	// one is told as an unknown staff number, so that an agency manager's file neither reads nor reports
	// on other agencies' staff (a staff number is unique, so that it is taken cannot be hidden). Nil: all.
	Visible func(agency uuid.UUID) bool
	// Today is the import's day, after which dates are refused and from which changes without a date of
	// their own hold; zero: today.
	Today time.Time
}

// Counts tells how many records an import created, updated and left as they were.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Event is a change that starts a legal clock: a person retired or transferred, an agency merged or
// abolished. Deadline is the last day by which the rooms must be handed back.
type Event struct {
	Person    string    `json:"person,omitempty"`
	Agency    string    `json:"agency,omitempty"`
	What      string    `json:"what"` // the new status: "retired", "transferred", "merged", "abolished"
	Effective time.Time `json:"effective"`
	Deadline  time.Time `json:"deadline"`
	Text      string    `json:"text"` // "张三 退休 2026-11-15 → 最迟 2026-12-15 腾退"
	post      string    // the concurrent post left, for What "post_ended"
}

// Summary is what an import or a sync did (or, with DryRun, would do).
type Summary struct {
	File     string            `json:"file"`
	Kind     string            `json:"kind"`
	DryRun   bool              `json:"dry_run"`
	Rows     int               `json:"rows"`
	Records  Counts            `json:"records"`
	Problems []imports.Problem `json:"problems,omitempty"`
	Events   []Event           `json:"events,omitempty"`
	Notes    []string          `json:"notes,omitempty"`
}

// StaffRow is one person of an agency's staff list, as the organisation department's system gives it.
type StaffRow struct {
	StaffNo    string   `json:"staff_no"`
	Name       string   `json:"name"`
	Rank       string   `json:"rank"` // a key ("division") or a Chinese label ("县处级正职")
	Title      string   `json:"title,omitempty"`
	Status     string   `json:"status,omitempty"`      // a key or a label; empty: active
	StatusDate string   `json:"status_date,omitempty"` // YYYY-MM-DD
	Posts      []string `json:"posts,omitempty"`       // concurrent posts, "职务（单位）" or "title (agency)"
}
