package floorplan

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The inspection checklist as data (督查清单): the points an inspection checks, in two layers — the
// agencies' points and the leading officials' points — each with its legal source and the rules of the
// findings engine (rules.go) that detect it, or "manual" where no rule does (an inspector checks it in
// the field). The built-in checklist is checklist.json (Changzhou's); the operator may replace it with a
// file of the same layout (OFFICEMAP_CHECKLIST). A plan keeps a copy of the checklist it was made with.

// The layers of the checklist.
const (
	LayerAgency = "agency" // 单位层面
	LayerLeader = "leader" // 领导干部层面
)

// ManualCheck is what a point's rules say when no rule of the findings engine detects it.
const ManualCheck = "manual"

// ChecklistPoint is one point of the checklist.
type ChecklistPoint struct {
	Code   string `json:"code"`
	Layer  string `json:"layer"`   // LayerAgency or LayerLeader
	Text   string `json:"text"`    // zh-CN
	TextEN string `json:"text_en"` // English
	Source string `json:"source"`  // the legal source
	// Rules are the ids of the rules that detect the point, or just ManualCheck.
	Rules []string `json:"rules"`
}

// Manual reports whether no rule detects p: an inspector checks it by hand.
func (p ChecklistPoint) Manual() bool { return len(p.Rules) == 1 && p.Rules[0] == ManualCheck }

// Checklist is the points an inspection checks, agencies' first.
type Checklist struct {
	ID     string           `json:"id"`
	Name   string           `json:"name"`
	Points []ChecklistPoint `json:"points"`
}

// Point returns the point of code.
func (c *Checklist) Point(code string) (ChecklistPoint, bool) {
	for _, p := range c.Points {
		if p.Code == code {
			return p, true
		}
	}
	return ChecklistPoint{}, false
}

// PointOfRule returns the point whose rules include ruleID: the point a finding of that rule is an item of.
func (c *Checklist) PointOfRule(ruleID string) (ChecklistPoint, bool) {
	for _, p := range c.Points {
		if slices.Contains(p.Rules, ruleID) && ruleID != ManualCheck {
			return p, true
		}
	}
	return ChecklistPoint{}, false
}

//go:embed checklist.json
var defaultChecklist []byte

// DefaultChecklist returns the built-in checklist (checklist.json).
func DefaultChecklist() *Checklist { return builtIn(defaultChecklist, "checklist.json", LoadChecklist) }

// LoadChecklist reads and validates a checklist in the layout of checklist.json.
func LoadChecklist(r io.Reader) (*Checklist, error) {
	c, err := decodeStrict[Checklist](r, "checklist")
	if err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// decodeStrict decodes a JSON value of T from r, refusing fields T does not have; a decoding error is
// ErrInvalid naming what was read.
func decodeStrict[T any](r io.Reader, what string) (*T, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var v T
	if err := dec.Decode(&v); err != nil {
		return nil, Invalidf("%s: %v", what, err)
	}
	return &v, nil
}

// builtIn loads the embedded data file name with load, which must accept it: a file built into the binary
// that does not load is a defect of the build, not of the input.
func builtIn[T any](data []byte, name string, load func(io.Reader) (T, error)) T {
	v, err := load(bytes.NewReader(data))
	if err != nil {
		panic("floorplan: the built-in " + name + " is invalid: " + err.Error())
	}
	return v
}

// Validate checks the checklist: an id and a name; points with a unique code, a known layer, both texts,
// a source, and rules that are known rule ids (each detecting one point only) or just "manual".
func (c *Checklist) Validate() error {
	if strings.TrimSpace(c.ID) == "" || strings.TrimSpace(c.Name) == "" {
		return Invalidf("checklist: id and name are required")
	}
	if len(c.Points) == 0 {
		return Invalidf("checklist %s: no points", c.ID)
	}
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.ID] = true
	}
	codes, ruleOf := map[string]bool{}, map[string]string{}
	for i, p := range c.Points {
		at := fmt.Sprintf("checklist %s: point %d (%q)", c.ID, i+1, p.Code)
		if strings.TrimSpace(p.Code) == "" || codes[p.Code] {
			return Invalidf("%s: the code is empty or given twice", at)
		}
		codes[p.Code] = true
		if p.Layer != LayerAgency && p.Layer != LayerLeader {
			return Invalidf("%s: layer %q is not agency or leader", at, p.Layer)
		}
		if strings.TrimSpace(p.Text) == "" || strings.TrimSpace(p.TextEN) == "" || strings.TrimSpace(p.Source) == "" {
			return Invalidf("%s: text, text_en and source are required", at)
		}
		if len(p.Rules) == 0 {
			return Invalidf("%s: rules is empty: give the rule ids that detect it, or [\"manual\"]", at)
		}
		if p.Manual() {
			continue
		}
		for _, id := range p.Rules {
			if !known[id] {
				return Invalidf("%s: unknown rule id %q (not a rule of the findings engine, nor \"manual\" alone)", at, id)
			}
			if other, ok := ruleOf[id]; ok {
				return Invalidf("%s: rule %s already detects point %s", at, id, other)
			}
			ruleOf[id] = p.Code
		}
	}
	return nil
}

// WithChecklist sets the checklist new inspection plans are made with (default DefaultChecklist).
func WithChecklist(c *Checklist) RegisterOption { return func(g *Register) { g.checklist = c } }

// Checklist returns the checklist in force.
func (g *Register) Checklist() *Checklist {
	if g.checklist == nil {
		return DefaultChecklist()
	}
	return g.checklist
}
