package floorplan_test

import (
	"encoding/json"
	"testing"
	"time"

	"officemap/floorplan"
)

// TestDefaultEffectiveInsert: a new record takes effect on its own valid_from (the top-level field of its
// image), else a room or building today and any other record from the beginning of time; an image without a
// readable date (none, malformed, a date only nested deeper) is treated as having none.
func TestDefaultEffectiveInsert(t *testing.T) {
	today := floorplan.Day(2026, 12, 6)
	for _, c := range []struct {
		entity floorplan.Entity
		image  string
		want   time.Time
	}{
		{floorplan.EntityRoom, `{"number":"301","valid_from":"2024-03-01","geometry":{"type":"Polygon"}}`, floorplan.Day(2024, 3, 1)},
		{floorplan.EntityRoom, `{"valid_from":"2024-03-01T00:00:00Z"}`, floorplan.Day(2024, 3, 1)},
		{floorplan.EntityPerson, `{"name":"张三","valid_from":"2023-07-15"}`, floorplan.Day(2023, 7, 15)},
		{floorplan.EntityRoom, `{"number":"301"}`, today},
		{floorplan.EntityBuilding, `{"name":"1号楼","valid_from":null}`, today},
		{floorplan.EntityRoom, `{"posts":[{"valid_from":"2020-01-01"}]}`, today},
		{floorplan.EntityRoom, `{"valid_from":"soon"}`, today},
		{floorplan.EntityRoom, `not json`, today},
		{floorplan.EntityPerson, `{"name":"张三"}`, floorplan.BeginningOfTime},
		{floorplan.EntityAssignment, ``, floorplan.BeginningOfTime},
	} {
		got := floorplan.DefaultEffective(c.entity, "insert", nil, json.RawMessage(c.image), today)
		if !got.Equal(c.want) {
			t.Errorf("%s %s: effective %s, want %s", c.entity, c.image, got.Format(floorplan.DateLayout),
				c.want.Format(floorplan.DateLayout))
		}
	}
}
