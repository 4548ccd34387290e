package imports_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/geo"
)

// bowTie is a room that crosses itself: geo.Validate refuses it with a *geo.ValidationError.
func bowTie(t *testing.T) error {
	t.Helper()
	err := geo.Validate(orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}})
	var ve *geo.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("geo.Validate of a bow tie = %v, want a *geo.ValidationError", err)
	}
	return err
}

func TestNoteIn(t *testing.T) {
	n := imports.Notef("%d rooms have no usage and were imported as office", 3)
	for _, tt := range []struct{ lang, want string }{
		{"en", "3 rooms have no usage and were imported as office"},
		{"en-GB", "3 rooms have no usage and were imported as office"},
		{"", "3 个房间未标明用途，已按办公室导入"},
		{"zh-CN", "3 个房间未标明用途，已按办公室导入"},
	} {
		if got := n.In(tt.lang); got != tt.want {
			t.Errorf("In(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if n.String() != n.In("en") {
		t.Errorf("String() = %q, In(en) = %q", n.String(), n.In("en"))
	}
	unknown := imports.Notef("a format nobody translated: %d", 7)
	if got := unknown.In("zh"); got != "a format nobody translated: 7" {
		t.Errorf("a note without Chinese = %q, want it in English", got)
	}
}

// An error given to a note as an argument is told in the note's language.
func TestNoteInTellsErrorArguments(t *testing.T) {
	ve := bowTie(t)
	n := imports.Notef("the feature is not a JSON object: %v", ve)
	zh := n.In("zh")
	if !strings.HasPrefix(zh, "该要素不是 JSON 对象：") || !strings.Contains(zh, "自相交") || strings.Contains(zh, "self-intersects") {
		t.Errorf("In(zh) = %q, want the Chinese note with the error's Chinese sentence", zh)
	}
	if en := n.In("en"); en != "the feature is not a JSON object: "+ve.Error() {
		t.Errorf("In(en) = %q", en)
	}
	wrapped := fmt.Errorf("level 3: %w", ve)
	if got := imports.ErrorIn(wrapped, "zh"); got != wrapped.Error() {
		t.Errorf("ErrorIn of an error with words around it = %q, want it as it is (%q)", got, wrapped.Error())
	}
}

func TestErrorIn(t *testing.T) {
	id := uuid.MustParse("6f1c2a3e-0000-4000-8000-000000000001")
	tests := []struct {
		name string
		err  error
		zh   string // in the Chinese text
	}{
		{"reason", imports.Reasonf("%s %q is not a whole floor number", "level", "2a"), `level 为 "2a"，不是整数楼层号`},
		{"validation", bowTie(t), "自相交"},
		{"overlap", &floorplan.OverlapError{OtherID: id, OtherNumber: "101", AreaM2: 1.5}, "与房间 101（" + id.String() + "）重叠 1.50 平方米"},
		{"rejection", imports.Errorf("x.geojson", "", "no features: the collection has no rooms"), "x.geojson：没有要素：该集合中没有房间"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := imports.ErrorIn(tt.err, "en"); got != tt.err.Error() {
				t.Errorf("ErrorIn(en) = %q, want Error() %q", got, tt.err.Error())
			}
			if got := imports.ErrorIn(tt.err, "zh-CN"); !strings.Contains(got, tt.zh) {
				t.Errorf("ErrorIn(zh-CN) = %q, want it to contain %q", got, tt.zh)
			}
		})
	}
	plain := errors.New("disk full")
	if got := imports.ErrorIn(plain, "zh"); got != "disk full" {
		t.Errorf("ErrorIn of another error = %q, want it in English as it is", got)
	}
}

func TestProblemIn(t *testing.T) {
	ve := bowTie(t)
	told := imports.Problem{Feature: "feature 2 (id b)", Number: "102", Reason: ve.Error(), Err: ve}
	zh := told.In("zh")
	if !strings.Contains(zh.Reason, "自相交") || zh.Feature != told.Feature || zh.Number != "102" || zh.Err != ve {
		t.Errorf("In(zh) = %+v, want the reason in Chinese and the rest as it was", zh)
	}
	if again := zh.In("zh"); again.Reason != zh.Reason {
		t.Errorf("In twice = %q, want %q", again.Reason, zh.Reason)
	}
	if en := told.In("en"); en.Reason != ve.Error() {
		t.Errorf("In(en) = %q", en.Reason)
	}
	if got, want := told.Text("zh"), "feature 2 (id b)（房间 102）："+zh.Reason; got != want {
		t.Errorf("Text(zh) = %q, want %q", got, want)
	}
	if told.String() != "feature 2 (id b) (room 102): "+ve.Error() {
		t.Errorf("String() = %q", told.String())
	}
	// A reason the importer composed around its error is not the error's: it stays as it is.
	composed := imports.Problem{Feature: "way/7", Reason: "cannot check the overlap with room 3: " + ve.Error(), Err: ve}
	if got := composed.In("zh"); got.Reason != composed.Reason {
		t.Errorf("a composed reason became %q", got.Reason)
	}
}

func TestRejectionIn(t *testing.T) {
	ve := bowTie(t)
	e := &imports.Error{File: "caserne.osm", Problems: []imports.Problem{
		{Feature: "way/1", Reason: "level 2a: " + ve.Error()},
		{Feature: "way/2", Number: "A12", Reason: ve.Error(), Err: ve},
	}}
	en := e.In("en")
	if en != e.Error() || !strings.HasPrefix(en, "caserne.osm: 2 problems: way/1: ") ||
		!strings.HasSuffix(en, " (--skip-invalid imports the rest and lists these)") {
		t.Errorf("In(en) = %q, Error() = %q", en, e.Error())
	}
	zh := e.In("zh")
	for _, want := range []string{"caserne.osm：2 个问题：way/1：level 2a: ", "；way/2（房间 A12）：", "自相交", "（--skip-invalid 可导入其余部分并列出这些问题）"} {
		if !strings.Contains(zh, want) {
			t.Errorf("In(zh) = %q, want it to contain %q", zh, want)
		}
	}
	many := &imports.Error{File: "big.osm"}
	for i := range 7 {
		many.Problems = append(many.Problems, imports.Problem{Feature: fmt.Sprintf("way/%d", i), Reason: "x"})
	}
	if zh := many.In("zh"); !strings.Contains(zh, "7 个问题") || !strings.Contains(zh, "；另有 2 个") || strings.Contains(zh, "way/5") {
		t.Errorf("seven problems in Chinese: %q", zh)
	}
	if got := (&imports.Error{File: "a.dxf"}).In("zh"); got != "a.dxf：无法导入" {
		t.Errorf("no problems in Chinese: %q", got)
	}
}
