package floorplan

import "strings"

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

// Validate checks that every group and category has a code and a Chinese name, and that no code is used
// twice (group and category codes share one namespace). Errors wrap ErrInvalid.
func (c Classification) Validate() error {
	seen := make(map[string]bool)
	use := func(code, what string) error {
		if strings.TrimSpace(code) == "" {
			return Invalidf("classification: a %s has no code", what)
		}
		if seen[code] {
			return Invalidf("classification: code %q is used twice", code)
		}
		seen[code] = true
		return nil
	}
	for _, g := range c.Groups {
		if err := use(g.Code, "group"); err != nil {
			return err
		}
		if strings.TrimSpace(g.Name) == "" {
			return Invalidf("classification: group %q has no name", g.Code)
		}
		for _, cat := range g.Categories {
			if err := use(cat.Code, "category of group "+g.Code); err != nil {
				return err
			}
			if strings.TrimSpace(cat.Name) == "" {
				return Invalidf("classification: category %q has no name", cat.Code)
			}
		}
	}
	return nil
}
