package floorplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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

// group returns a group with code and categories of the given codes, each named.
func group(code string, cats ...string) CategoryGroup {
	g := CategoryGroup{Code: code, Name: "组" + code, NameEN: "Group " + code}
	for _, c := range cats {
		g.Categories = append(g.Categories, Category{Code: c, Name: "类" + c, NameEN: "Kind " + c})
	}
	return g
}

func TestClassificationValidate(t *testing.T) {
	noEN := group("o", "o.1")
	noEN.Categories[0].NameEN = " "
	tests := []struct {
		name string
		c    Classification
		want string // empty: valid
	}{
		{"empty", Classification{}, ""},
		{"a deployment's own", Classification{Groups: []CategoryGroup{group("o", "o.1", "o.2")}}, ""},
		{"duplicate category", Classification{Groups: []CategoryGroup{group("a", "a.x"), group("b", "a.x")}}, `code "a.x" is used twice`},
		{"category code equal to a group code", Classification{Groups: []CategoryGroup{group("a", "a")}}, `code "a" is used twice`},
		{"duplicate group", Classification{Groups: []CategoryGroup{group("a", "a.1"), group("a", "a.2")}}, `code "a" is used twice`},
		{"group without code", Classification{Groups: []CategoryGroup{{Name: "甲", NameEN: "A"}}}, "group 1 has no code"},
		{"group without name", Classification{Groups: []CategoryGroup{{Code: "a", NameEN: "A"}}}, `group "a" has no name`},
		{"category without name", Classification{Groups: []CategoryGroup{
			{Code: "a", Name: "甲", NameEN: "A", Categories: []Category{{Code: "a.1", NameEN: "One"}}}}}, `category "a.1" has no name`},
		{"category without English name", Classification{Groups: []CategoryGroup{noEN}}, `category "o.1" has no name_en`},
		{"category outside its group's prefix", Classification{Groups: []CategoryGroup{group("office", "housing.flat")}},
			`category "housing.flat" of group "office": its code must be the group's code, a dot and more`},
		{"category code only the prefix", Classification{Groups: []CategoryGroup{group("office", "office.")}}, `category "office."`},
		{"code with spaces", Classification{Groups: []CategoryGroup{group("office", " office.x")}}, "spaces"},
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

func TestParseClassification(t *testing.T) {
	builtin, err := json.Marshal(BuiltinClassification())
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseClassification(bytes.NewReader(builtin))
	if err != nil {
		t.Fatalf("the built-in list as JSON: %v", err)
	}
	if !reflect.DeepEqual(c, BuiltinClassification()) {
		t.Errorf("the built-in list does not survive JSON: %+v", c)
	}
	own := `{"groups": [{"code": "office", "name": "办公用房", "name_en": "Office", "categories": [
  {"code": "office.a01", "name": "党政机关办公用房", "name_en": "Party and government offices"}]}]}`
	c, err = ParseClassification(strings.NewReader(own))
	if err != nil {
		t.Fatalf("a deployment's own list: %v", err)
	}
	if cat, g, ok := c.Lookup("office.a01"); !ok || g.Code != "office" || cat.NameEN != "Party and government offices" {
		t.Errorf("Lookup(office.a01) = %+v, %+v, %v", cat, g, ok)
	}
	if _, _, ok := c.Lookup("office.turnover"); ok {
		t.Error("a category of the built-in list is in force beside the file's")
	}
	tests := []struct{ name, json, want string }{
		{"not JSON", `groups: office`, "not a classification in JSON"},
		{"an unknown field", `{"groups": [], "kinds": []}`, "kinds"},
		{"two values", own + own, "more than one JSON value"},
		{"no groups", `{"groups": []}`, "no groups"},
		{"a group without categories", `{"groups": [{"code": "shop", "name": "商业", "name_en": "Shops", "categories": []}]}`, `group "shop" has no categories`},
		{"a bad entry", strings.Replace(own, `"office.a01"`, `"housing.a01"`, 1), `category "housing.a01" of group "office"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseClassification(strings.NewReader(tt.json))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseClassification = %v, want an ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLoadClassification(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "kinds.json")
	if err := os.WriteFile(bad, []byte(`{"groups": [{"code": "office", "name": "", "name_en": "Office", "categories": [{"code": "office.a", "name": "甲", "name_en": "A"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadClassification(bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), bad) ||
		!strings.Contains(err.Error(), `group "office" has no name`) {
		t.Errorf("a bad file: %v; want the file and the bad entry named", err)
	}
	missing := filepath.Join(dir, "none.json")
	if _, err := LoadClassification(missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing file: %v", err)
	}
}

func TestClassificationCheckBuilding(t *testing.T) {
	c := BuiltinClassification()
	for _, code := range []string{"", "residential.housing"} {
		if err := c.CheckBuilding(Building{Name: "宿舍楼", Category: code}); err != nil {
			t.Errorf("category %q: %v", code, err)
		}
	}
	for _, code := range []string{"residential", "residential.castle", "Residential.housing"} {
		err := c.CheckBuilding(Building{Name: "宿舍楼", Category: code})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "category" || !strings.Contains(err.Error(), code) {
			t.Errorf("category %q: %v; want a field error naming category and the code", code, err)
		}
	}
}

func TestSiteTitleExpiry(t *testing.T) {
	site := func(issued, expires time.Time) Site {
		return Site{Name: "行政中心", Category: "office.party_government", Ownership: OwnershipRegistered,
			Records: []OwnershipRecord{{Kind: "不动产权证", Number: "1", IssuedOn: issued, ExpiresOn: expires}}}
	}
	c := BuiltinClassification()
	for _, tt := range []struct {
		name             string
		issued, expires  time.Time
		wantErr, mention string
	}{
		{"no expiry", Day(2020, 5, 12), time.Time{}, "", ""},
		{"expiry without issue", time.Time{}, Day(2060, 5, 11), "", ""},
		{"expiry after issue", Day(2020, 5, 12), Day(2060, 5, 11), "", ""},
		{"expiry on the day of issue", Day(2020, 5, 12), Day(2020, 5, 12), "", ""},
		{"expiry before issue", Day(2020, 5, 12), Day(2020, 5, 11), "records[0].expires_on", "2020-05-11"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := site(tt.issued, tt.expires).Validate(c)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.wantErr || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("Validate = %v, want a field error on %s mentioning %s", err, tt.wantErr, tt.mention)
			}
		})
	}
}
