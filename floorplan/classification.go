package floorplan

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/uuid"
)

// Category is one kind of property (房产类别), e.g. 党政机关办公用房. Site.Category holds its Code.
type Category struct {
	Code   string `json:"code"` // stable identifier, e.g. "office.party_government"
	Name   string `json:"name"` // zh-CN
	NameEN string `json:"name_en"`
}

// CategoryGroup is a group of categories: office, residential, commercial.
type CategoryGroup struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	NameEN     string     `json:"name_en"`
	Categories []Category `json:"categories"`
}

// Classification is a deployment's list of property categories. Administrations classify their
// properties their own way (Changzhou files 226 properties under 15 office, 7 residential and 7
// commercial kinds), so the list is data: a deployment supplies its own, and BuiltinClassification is a
// starting point.
type Classification struct {
	Groups []CategoryGroup `json:"groups"`
}

// BuiltinClassification returns a small default classification in three groups: office (办公用房),
// residential (住宅) and commercial (商业).
func BuiltinClassification() Classification {
	return Classification{Groups: []CategoryGroup{
		{Code: "office", Name: "办公用房", NameEN: "Office", Categories: []Category{
			{Code: "office.party_government", Name: "党政机关办公用房", NameEN: "Party and government offices"},
			{Code: "office.public_institution", Name: "事业单位办公用房", NameEN: "Public institution offices"},
			{Code: "office.technical", Name: "业务技术用房", NameEN: "Technical and operational premises"},
			{Code: "office.turnover", Name: "周转办公用房", NameEN: "Temporary (turnover) offices"},
			{Code: "office.other", Name: "其他办公用房", NameEN: "Other office premises"},
		}},
		{Code: "residential", Name: "住宅", NameEN: "Residential", Categories: []Category{
			{Code: "residential.housing", Name: "住宅", NameEN: "Housing"},
			{Code: "residential.turnover", Name: "周转房", NameEN: "Turnover housing"},
			{Code: "residential.apartment", Name: "公寓", NameEN: "Apartments"},
			{Code: "residential.other", Name: "其他住宅", NameEN: "Other residential"},
		}},
		{Code: "commercial", Name: "商业", NameEN: "Commercial", Categories: []Category{
			{Code: "commercial.shop", Name: "商铺", NameEN: "Shops"},
			{Code: "commercial.office_building", Name: "写字楼", NameEN: "Office buildings for lease"},
			{Code: "commercial.hotel", Name: "酒店", NameEN: "Hotels"},
			{Code: "commercial.other", Name: "其他商业", NameEN: "Other commercial"},
		}},
	}}
}

// Lookup returns the category with the given code and its group.
func (c Classification) Lookup(code string) (Category, CategoryGroup, bool) {
	for _, g := range c.Groups {
		for _, cat := range g.Categories {
			if cat.Code == code {
				return cat, g, true
			}
		}
	}
	return Category{}, CategoryGroup{}, false
}

// Validate checks that every group and category has a code, a Chinese and an English name, that every
// category's code starts with its group's code and a dot ("office.turnover" in group "office"), and that
// no code is used twice (group and category codes share one namespace). Errors wrap ErrInvalid and name
// the bad entry.
func (c Classification) Validate() error {
	seen := make(map[string]bool)
	use := func(code, what string) error {
		if strings.TrimSpace(code) == "" {
			return Invalidf("classification: %s has no code", what)
		}
		if code != strings.TrimSpace(code) {
			return Invalidf("classification: code %q (%s) has spaces around it", code, what)
		}
		if seen[code] {
			return Invalidf("classification: code %q is used twice", code)
		}
		seen[code] = true
		return nil
	}
	named := func(what, name, nameEN string) error {
		if strings.TrimSpace(name) == "" {
			return Invalidf("classification: %s has no name", what)
		}
		if strings.TrimSpace(nameEN) == "" {
			return Invalidf("classification: %s has no name_en", what)
		}
		return nil
	}
	for gi, g := range c.Groups {
		if err := use(g.Code, fmt.Sprintf("group %d", gi+1)); err != nil {
			return err
		}
		if err := named(fmt.Sprintf("group %q", g.Code), g.Name, g.NameEN); err != nil {
			return err
		}
		for ci, cat := range g.Categories {
			if err := use(cat.Code, fmt.Sprintf("category %d of group %q", ci+1, g.Code)); err != nil {
				return err
			}
			if !strings.HasPrefix(cat.Code, g.Code+".") || len(cat.Code) == len(g.Code)+1 {
				return Invalidf("classification: category %q of group %q: its code must be the group's code, a dot and more (%s.…)",
					cat.Code, g.Code, g.Code)
			}
			if err := named(fmt.Sprintf("category %q", cat.Code), cat.Name, cat.NameEN); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxClassificationBytes bounds a classification file.
const maxClassificationBytes = 1 << 20

// ParseClassification reads a classification from JSON ({"groups": [{"code", "name", "name_en",
// "categories": [{"code", "name", "name_en"}]}]}), as MarshalIndent of a Classification writes it, and
// validates it: unknown fields, trailing data, no group or a group without categories are refused too.
// Errors wrap ErrInvalid.
func ParseClassification(r io.Reader) (Classification, error) {
	var c Classification
	dec := json.NewDecoder(io.LimitReader(r, maxClassificationBytes+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Classification{}, Invalidf("classification: not a classification in JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Classification{}, Invalidf("classification: more than one JSON value, or more than %d bytes", maxClassificationBytes)
	}
	if len(c.Groups) == 0 {
		return Classification{}, Invalidf("classification: no groups")
	}
	for _, g := range c.Groups {
		if len(g.Categories) == 0 {
			return Classification{}, Invalidf("classification: group %q has no categories", g.Code)
		}
	}
	if err := c.Validate(); err != nil {
		return Classification{}, err
	}
	return c, nil
}

// LoadClassification reads and validates the classification file at path (ParseClassification); the
// error names the file.
func LoadClassification(path string) (Classification, error) {
	f, err := os.Open(path)
	if err != nil {
		return Classification{}, fmt.Errorf("classification file: %w", err)
	}
	defer f.Close()
	c, err := ParseClassification(f)
	if err != nil {
		return Classification{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// CheckBuilding checks a building's own category: empty (the site's kind) or a category of c. Errors wrap
// ErrInvalid.
func (c Classification) CheckBuilding(b Building) error {
	if b.Category == "" {
		return nil
	}
	if _, _, ok := c.Lookup(b.Category); !ok {
		return fieldError(label("building", b.Name), "category", FieldOutOfRange, "%q is not a category of the classification in force", b.Category)
	}
	return nil
}

// Unclassified is a site or building whose category is not in the classification in force (one
// written under another list): still readable, reported so that the operator can fix the list or the record.
type Unclassified struct {
	Entity   Entity    `json:"entity"` // site or building
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	Category string    `json:"category"`
}

// UnclassifiedRecords lists the live sites and buildings of r whose category c does not hold.
func UnclassifiedRecords(ctx context.Context, r Reader, c Classification) ([]Unclassified, error) {
	sites, err := r.Sites(ctx)
	if err != nil {
		return nil, err
	}
	var out []Unclassified
	for _, s := range sites {
		if _, _, ok := c.Lookup(s.Category); !ok {
			out = append(out, Unclassified{Entity: EntitySite, ID: s.ID, Name: s.Name, Category: s.Category})
		}
	}
	buildings, err := r.Buildings(ctx, uuid.Nil)
	if err != nil {
		return nil, err
	}
	for _, b := range buildings {
		if _, _, ok := c.Lookup(b.Category); b.Category != "" && !ok {
			out = append(out, Unclassified{Entity: EntityBuilding, ID: b.ID, Name: b.Name, Category: b.Category})
		}
	}
	return out, nil
}
