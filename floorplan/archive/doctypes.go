package archive

import (
	"fmt"
	"slices"
	"strings"
)

// DocType is a kind of document in a property's archive.
type DocType struct {
	Code   string `json:"code"`
	Name   string `json:"name"` // zh-CN
	NameEN string `json:"name_en"`
}

// Document type codes shipped by default.
const (
	DocTitleCertificate   = "title_certificate"   // 不动产权证 / 房屋所有权证
	DocLandCertificate    = "land_certificate"    // 土地使用权证
	DocCompletionDrawings = "completion_drawings" // 竣工图
	DocFloorPlan          = "floor_plan"          // 平面图
	DocFilingConfirmation = "filing_confirmation" // 权属确认意见 (财政、不动产登记中心)
	DocPublicNotice       = "public_notice"       // 公示
	DocFilingDocument     = "filing_document"     // 备案文件 (规范性文件或会议纪要)
	DocContract           = "contract"            // 合同 (租赁、购置、物业服务)
	DocMaintenanceRecord  = "maintenance_record"  // 维修记录
	DocAcceptance         = "acceptance"          // 竣工验收
	DocPhoto              = "photo"               // 照片
	DocOther              = "other"               // 其他
)

// DefaultDocTypes are the document types a deployment starts with, in display order.
func DefaultDocTypes() []DocType {
	return []DocType{
		{DocTitleCertificate, "不动产权证书/房屋所有权证", "Title certificate"},
		{DocLandCertificate, "土地使用权证", "Land use certificate"},
		{DocCompletionDrawings, "竣工图", "Completion drawings"},
		{DocFloorPlan, "平面图", "Floor plan"},
		{DocFilingConfirmation, "权属确认意见", "Title confirmation"},
		{DocPublicNotice, "公示材料", "Public notice"},
		{DocFilingDocument, "备案文件", "Filing document"},
		{DocContract, "合同", "Contract"},
		{DocMaintenanceRecord, "维修记录", "Maintenance record"},
		{DocAcceptance, "竣工验收材料", "Completion acceptance"},
		{DocPhoto, "照片", "Photo"},
		{DocOther, "其他", "Other"},
	}
}

// Expectation is one line of a checklist: a document type a property of some kind should have, when its
// registration state is one of States (any state when empty).
type Expectation struct {
	DocType string   `json:"doc_type"`
	States  []string `json:"states,omitempty"`
}

// Checklist says, per kind of property (a classification group code such as "office", or a category code
// such as "office.party_government", which wins over its group), which documents its archive should hold.
// A missing one is a finding of the archive (缺档).
type Checklist map[string][]Expectation

// DefaultChecklist is the checklist a deployment starts with: every property has its title certificate
// once registered, or the three papers of the filing path once filed (confirmation, notice, filing
// document); office buildings also their completion drawings and floor plans.
func DefaultChecklist() Checklist {
	title := []Expectation{
		{DocType: DocTitleCertificate, States: []string{"registered"}},
		{DocType: DocFilingConfirmation, States: []string{"filed"}},
		{DocType: DocPublicNotice, States: []string{"filed"}},
		{DocType: DocFilingDocument, States: []string{"filed"}},
	}
	return Checklist{
		"office":      append(slices.Clone(title), Expectation{DocType: DocCompletionDrawings}, Expectation{DocType: DocFloorPlan}),
		"residential": slices.Clone(title),
		"commercial":  slices.Clone(title),
	}
}

// Expected returns the document types a property of category (a category code "group.kind") in
// registration state should hold: the category's own list when the checklist has one, else its group's.
func (c Checklist) Expected(category, state string) []string {
	list, ok := c[category]
	if !ok {
		group, _, _ := strings.Cut(category, ".")
		list = c[group]
	}
	var out []string
	for _, e := range list {
		if len(e.States) == 0 || slices.Contains(e.States, state) {
			out = append(out, e.DocType)
		}
	}
	return out
}

// Missing returns the expected document types (Expected) that have no document in held, in the
// checklist's order.
func (c Checklist) Missing(category, state string, held []string) []string {
	var out []string
	for _, t := range c.Expected(category, state) {
		if !slices.Contains(held, t) {
			out = append(out, t)
		}
	}
	return out
}

// Validate checks that every type the checklist names is one of types.
func (c Checklist) Validate(types []DocType) error {
	for kind, list := range c {
		for _, e := range list {
			if !slices.ContainsFunc(types, func(t DocType) bool { return t.Code == e.DocType }) {
				return fmt.Errorf("archive: checklist of %q names the unknown document type %q", kind, e.DocType)
			}
		}
	}
	return nil
}
