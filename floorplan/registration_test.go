package floorplan

import (
	"errors"
	"testing"

	"github.com/google/uuid"
)

// TestCheckStepOrder: each step of the filing path against the steps recorded, the field named.
func TestCheckStepOrder(t *testing.T) {
	confirmed := FilingStep{Step: StepConfirmation, Date: Day(2024, 7, 1)}
	noticed := FilingStep{Step: StepNotice, Start: Day(2024, 7, 5), End: Day(2024, 7, 20)}
	filed := FilingStep{Step: StepFilingDocument, Date: Day(2024, 8, 1), Number: "1"}
	reg := func(steps ...FilingStep) Registration { return Registration{Steps: steps} }
	for _, tc := range []struct {
		name  string
		reg   Registration
		step  FilingStep
		field string // "" when allowed
	}{
		{"the first confirmation", reg(), confirmed, ""},
		{"a notice without a confirmation", reg(), noticed, "step"},
		{"a filing document without a notice", reg(confirmed), filed, "step"},
		{"a notice on the confirmation's day", reg(confirmed), FilingStep{Step: StepNotice, Start: Day(2024, 7, 1), End: Day(2024, 7, 2)}, ""},
		{"a notice before the confirmation", reg(confirmed), FilingStep{Step: StepNotice, Start: Day(2024, 6, 30), End: Day(2024, 7, 2)}, "start"},
		{"a filing document on the notice's last day", reg(confirmed, noticed), FilingStep{Step: StepFilingDocument, Date: Day(2024, 7, 20)}, ""},
		{"a filing document before the notice ends", reg(confirmed, noticed), FilingStep{Step: StepFilingDocument, Date: Day(2024, 7, 19)}, "date"},
		{"a confirmation again, after the notice started", reg(confirmed, noticed), FilingStep{Step: StepConfirmation, Date: Day(2024, 7, 6)}, "date"},
		{"a notice again, ending after the filing document", reg(confirmed, noticed, filed), FilingStep{Step: StepNotice, Start: Day(2024, 7, 5), End: Day(2024, 8, 2)}, "end"},
		{"a confirmation again, earlier", reg(confirmed, noticed, filed), FilingStep{Step: StepConfirmation, Date: Day(2024, 6, 1)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefusalOf(t, CheckStepOrder(tc.reg, tc.step), tc.field)
		})
	}
}

// TestFilingStepValidate: the dates and fields each step needs.
func TestFilingStepValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		step  FilingStep
		field string
	}{
		{"a confirmation", FilingStep{Step: StepConfirmation, Date: Day(2024, 7, 1)}, ""},
		{"a confirmation without a day", FilingStep{Step: StepConfirmation}, "date"},
		{"a notice", FilingStep{Step: StepNotice, Start: Day(2024, 7, 5), End: Day(2024, 7, 5)}, ""},
		{"a notice ending before it starts", FilingStep{Step: StepNotice, Start: Day(2024, 7, 5), End: Day(2024, 7, 4)}, "end"},
		{"a notice with a date", FilingStep{Step: StepNotice, Date: Day(2024, 7, 5), Start: Day(2024, 7, 5), End: Day(2024, 7, 6)}, "date"},
		{"a filing document without a number", FilingStep{Step: StepFilingDocument, Date: Day(2024, 8, 1)}, "number"},
		{"a filing document of an unknown form", FilingStep{Step: StepFilingDocument, Date: Day(2024, 8, 1), Number: "1", Form: "letter"}, "form"},
		{"a number on a confirmation", FilingStep{Step: StepConfirmation, Date: Day(2024, 7, 1), Number: "1"}, "number"},
		{"a document named twice", FilingStep{Step: StepConfirmation, Date: Day(2024, 7, 1), DocumentIDs: []uuid.UUID{uuid.Max, uuid.Max}}, "document_ids"},
		{"an unknown step", FilingStep{Step: "survey", Date: Day(2024, 7, 1)}, "step"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefusalOf(t, tc.step.Validate(), tc.field)
		})
	}
}

// wantRefusalOf checks that err is nil for field "" and otherwise a FieldError naming field.
func wantRefusalOf(t *testing.T, err error, field string) {
	t.Helper()
	var fe *FieldError
	switch {
	case field == "" && err != nil:
		t.Errorf("refused: %v", err)
	case field != "" && (!errors.As(err, &fe) || fe.Field != field):
		t.Errorf("%v; want a refusal naming %s", err, field)
	}
}
