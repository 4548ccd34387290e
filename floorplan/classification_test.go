package floorplan

import (
	"errors"
	"strings"
	"testing"
)

func TestBuiltinClassification(t *testing.T) {
	c := BuiltinClassification()
	if err := c.Validate(); err != nil {
		t.Fatalf("the built-in classification is invalid: %v", err)
	}
	tests := []struct {
		code, name, group string
	}{
		{"office.party_government", "党政机关办公用房", "office"},
		{"office.public_institution", "事业单位办公用房", "office"},
		{"office.technical", "业务技术用房", "office"},
		{"office.turnover", "周转办公用房", "office"},
		{"office.other", "其他办公用房", "office"},
		{"residential.housing", "住宅", "residential"},
		{"residential.turnover", "周转房", "residential"},
		{"residential.apartment", "公寓", "residential"},
		{"residential.other", "其他住宅", "residential"},
		{"commercial.shop", "商铺", "commercial"},
		{"commercial.office_building", "写字楼", "commercial"},
		{"commercial.hotel", "酒店", "commercial"},
		{"commercial.other", "其他商业", "commercial"},
	}
	n := 0
	for _, g := range c.Groups {
		n += len(g.Categories)
	}
	if n != len(tests) {
		t.Errorf("%d categories, want %d", n, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			cat, g, ok := c.Lookup(tt.code)
			if !ok || cat.Name != tt.name || g.Code != tt.group || cat.NameEN == "" {
				t.Fatalf("Lookup = %+v in %s, %v", cat, g.Code, ok)
			}
		})
	}
	t.Run("unknown code", func(t *testing.T) {
		if _, _, ok := c.Lookup("office"); ok {
			t.Fatal("a group code was found as a category")
		}
	})
}

func TestClassificationValidate(t *testing.T) {
	tests := []struct {
		name string
		c    Classification
		want string // empty: valid
	}{
		{"empty", Classification{}, ""},
		{"a deployment's own", Classification{Groups: []CategoryGroup{{Code: "o", Name: "办公", Categories: []Category{
			{Code: "o.1", Name: "机关"}, {Code: "o.2", Name: "事业"}}}}}, ""},
		{"duplicate category", Classification{Groups: []CategoryGroup{
			{Code: "a", Name: "甲", Categories: []Category{{Code: "x", Name: "一"}}},
			{Code: "b", Name: "乙", Categories: []Category{{Code: "x", Name: "二"}}}}}, "twice"},
		{"category code equal to a group code", Classification{Groups: []CategoryGroup{
			{Code: "a", Name: "甲", Categories: []Category{{Code: "a", Name: "一"}}}}}, "twice"},
		{"group without code", Classification{Groups: []CategoryGroup{{Name: "甲"}}}, "no code"},
		{"category without name", Classification{Groups: []CategoryGroup{
			{Code: "a", Name: "甲", Categories: []Category{{Code: "a.1"}}}}}, "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want an ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}
