package floorplan

import (
	"context"
	"regexp"

	"github.com/google/uuid"
)

// Jurisdiction is a node of the jurisdiction tree that scopes refer to (issue 12): the city at the top,
// its districts and county-level cities (辖市区) below it, and so on. A site or an agency with
// JurisdictionID uuid.Nil is at the city level (or not placed yet).
type Jurisdiction struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	// Code is the administrative division code (行政区划代码, GB/T 2260: 6 digits, or 9 or 12 with the
	// town and village parts); empty when unknown.
	Code     string    `json:"code,omitempty"`
	ParentID uuid.UUID `json:"parent_id"` // uuid.Nil for the top (the city)
}

var divisionCode = regexp.MustCompile(`^(\d{6}|\d{9}|\d{12})$`)

// Validate checks a jurisdiction's own fields (the stores check that the parent exists and that the
// tree has no cycle).
func (j Jurisdiction) Validate() error {
	if err := checkTexts(recordLabel{"jurisdiction", j.Name}, "jurisdiction",
		field{"name", j.Name}, field{"code", j.Code}); err != nil {
		return err
	}
	switch {
	case blank(j.Name):
		return Invalidf("jurisdiction: the name is missing")
	case j.Code != "" && !divisionCode.MatchString(j.Code):
		return Invalidf("jurisdiction %q: code %q is not an administrative division code (6, 9 or 12 digits)", j.Name, j.Code)
	case j.ID != uuid.Nil && j.ParentID == j.ID:
		return Invalidf("jurisdiction %q is its own parent", j.Name)
	}
	return nil
}

// MaxJurisdictionDepth bounds walks up the jurisdiction tree.
const MaxJurisdictionDepth = 16

// JurisdictionPath returns id and its ancestors in the tree given by list, nearest first (empty for
// uuid.Nil). A cycle or an unknown parent ends the path.
func JurisdictionPath(list []Jurisdiction, id uuid.UUID) []uuid.UUID {
	parent := make(map[uuid.UUID]uuid.UUID, len(list))
	for _, j := range list {
		parent[j.ID] = j.ParentID
	}
	return JurisdictionPathOf(parent, id)
}

// JurisdictionPathOf is JurisdictionPath over a parent map.
func JurisdictionPathOf(parent map[uuid.UUID]uuid.UUID, id uuid.UUID) []uuid.UUID {
	var path []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for cur := id; cur != uuid.Nil && !seen[cur] && len(path) < MaxJurisdictionDepth; cur = parent[cur] {
		seen[cur] = true
		path = append(path, cur)
	}
	return path
}

// JurisdictionOf returns the jurisdiction of agency id: its own, or else its nearest ancestor's
// (uuid.Nil: the city level). byID gives the agencies.
func JurisdictionOf(byID map[uuid.UUID]Agency, id uuid.UUID) uuid.UUID {
	seen := map[uuid.UUID]bool{}
	for cur := id; cur != uuid.Nil && !seen[cur] && len(seen) < 64; {
		seen[cur] = true
		a, ok := byID[cur]
		if !ok {
			return uuid.Nil
		}
		if a.JurisdictionID != uuid.Nil {
			return a.JurisdictionID
		}
		cur = a.ParentID
	}
	return uuid.Nil
}

// CreateJurisdiction adds a node to the jurisdiction tree. The permission hook sees the parent as
// Request.JurisdictionID.
func (g *Register) CreateJurisdiction(ctx context.Context, j *Jurisdiction) (Changes, error) {
	if err := j.Validate(); err != nil {
		return Changes{}, err
	}
	req := Request{Op: OpCreate, Entity: EntityJurisdiction, JurisdictionID: j.ParentID}
	if err := g.allow(ctx, req); err != nil {
		return Changes{}, err
	}
	if err := g.store.CreateJurisdiction(ctx, j); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// UpdateJurisdiction replaces a node's fields (moving it moves its subtree: the scopes of grants on
// it and above change with it).
func (g *Register) UpdateJurisdiction(ctx context.Context, j *Jurisdiction) (Changes, error) {
	if err := j.Validate(); err != nil {
		return Changes{}, err
	}
	req := Request{Op: OpUpdate, Entity: EntityJurisdiction, ID: j.ID, JurisdictionID: j.ParentID}
	if err := g.allow(ctx, req); err != nil {
		return Changes{}, err
	}
	if err := g.store.UpdateJurisdiction(ctx, j); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}
