package contract

import (
	"strings"
	"time"
)

// The Procurement Act 2023 notices are published on the Central Digital Platform (Find a
// Tender), whose data is OCDS 1.1.5 with the UK profile's extensions. The types below are
// the shape of one notice's release: the same parties, award and contract as the open data
// (BuildRelease), with the tender's procedure, CPV codes and values the Act's notices carry,
// and a document whose noticeType says which UK notice the release is (UK7, UK9, UK10,
// UK11). They are separate from Release so the open data's content-hashed ids never move.

// NoticeType is one of the Act's notices after award.
type NoticeType string

const (
	NoticeContractDetails     NoticeType = "contract_details"
	NoticeContractChange      NoticeType = "contract_change"
	NoticeContractTermination NoticeType = "contract_termination"
	NoticeContractPerformance NoticeType = "contract_performance"
)

// NoticeTypes is every notice type in the order a contract meets them.
var NoticeTypes = []NoticeType{NoticeContractDetails, NoticeContractPerformance, NoticeContractChange, NoticeContractTermination}

// Label is the notice as the Act and Find a Tender name it.
func (t NoticeType) Label() string {
	switch t {
	case NoticeContractDetails:
		return "Contract details notice"
	case NoticeContractChange:
		return "Contract change notice"
	case NoticeContractTermination:
		return "Contract termination notice"
	case NoticeContractPerformance:
		return "Contract performance notice"
	}
	return string(t)
}

// Name is the notice's name within a sentence ("record the contract details notice").
func (t NoticeType) Name() string { return strings.ToLower(t.Label()) }

// UKCode is the notice's form on the Central Digital Platform.
func (t NoticeType) UKCode() string {
	switch t {
	case NoticeContractDetails:
		return "UK7"
	case NoticeContractPerformance:
		return "UK9"
	case NoticeContractChange:
		return "UK10"
	case NoticeContractTermination:
		return "UK11"
	}
	return ""
}

// releaseTag is the OCDS releaseTag codelist's word for what the notice tells: a contract
// (details), its implementation (performance), an amendment (change) or its end.
func (t NoticeType) releaseTag() string {
	switch t {
	case NoticeContractPerformance:
		return "implementation"
	case NoticeContractChange:
		return "contractAmendment"
	case NoticeContractTermination:
		return "contractTermination"
	}
	return "contract"
}

// NoticeRelease is one notice as an OCDS release.
type NoticeRelease struct {
	ReleaseHeader
	Tender    NoticeTender     `json:"tender"`
	Awards    []Award          `json:"awards"`
	Contracts []NoticeContract `json:"contracts"`
}

// NoticeTender is the procedure the contract was awarded by, its CPV codes and its
// estimated value. SpecialRegime is the UK profile's extension: "lightTouch" for a
// light-touch contract, whose notice deadline is longer.
type NoticeTender struct {
	ID                        string           `json:"id"`
	Title                     string           `json:"title"`
	Status                    string           `json:"status"`
	ProcurementMethod         string           `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails  string           `json:"procurementMethodDetails,omitempty"`
	MainProcurementCategory   string           `json:"mainProcurementCategory"`
	Classification            *Classification  `json:"classification,omitempty"`
	AdditionalClassifications []Classification `json:"additionalClassifications,omitempty"`
	Value                     *OCDSValue       `json:"value,omitempty"`
	SpecialRegime             []string         `json:"specialRegime,omitempty"`
}

// Classification is a CPV code.
type Classification struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// NoticeContract is the contract as the notice describes it.
type NoticeContract struct {
	OCDSContract
	Documents []NoticeDocument `json:"documents"`
}

// NoticeDocument is the notice itself: noticeType is the UK profile's field naming the form.
type NoticeDocument struct {
	ID           string `json:"id"`
	DocumentType string `json:"documentType"`
	NoticeType   string `json:"noticeType"`
	Title        string `json:"title"`
	Language     string `json:"language"`
}

// NoticeInput is what a notice's release is built from: the contract's release input (its
// parties and variations), the notice, and for a change the variation it is about and for
// performance the assessment.
type NoticeInput struct {
	ReleaseInput
	NoticeID   string
	Type       NoticeType
	Variation  *Variation
	Assessment *PerformanceAssessment
	Now        time.Time
}

// procurementMethod maps the Act's procedure to the OCDS method codelist: open and
// below-threshold procedures are open, the competitive flexible procedure and a call-off
// selective, a direct award direct.
func procurementMethod(p Procedure) string {
	switch p {
	case ProcedureOpen, ProcedureBelowThreshold:
		return "open"
	case ProcedureCompetitiveFlexible, ProcedureCallOff:
		return "selective"
	case ProcedureDirectAward:
		return "direct"
	}
	return ""
}

// BuildNoticeRelease makes a notice's release. It reuses the open data's parties, award and
// contract (BuildRelease), so both say the same; the notice adds the tender's procedure,
// CPV codes and estimated value, the maximum value as the contract's value, and the UK
// notice document. A change notice carries only its own variation as the amendment; a
// termination notice the day and reason the contract ended; a performance notice the
// assessment as a milestone. Its id is the ocid, the UK code and the notice's own id, so
// it is stable across drafts and distinct from every open-data release.
func BuildNoticeRelease(in NoticeInput) NoticeRelease {
	base := in.ReleaseInput
	base.Returns = nil
	base.Documents = nil
	if in.Variation != nil {
		base.Variations = []Variation{*in.Variation}
	} else {
		base.Variations = nil
	}
	rel := BuildRelease(base)
	c := in.Contract
	oc := rel.Contracts[0]
	oc.Documents = nil
	if c.MaximumValuePence != nil && in.Type != NoticeContractChange {
		oc.Value = &OCDSValue{Amount: pounds(*c.MaximumValuePence + c.VariationsPence), Currency: "GBP"}
	}
	if in.Type == NoticeContractChange && in.Variation != nil {
		a := &oc.Amendments[0]
		a.Rationale = "Value changed by £" + string(pounds(in.Variation.ValueChangePence)) + "; the contract's value is now £" +
			string(pounds(c.CurrentValuePence()))
	}
	if in.Type == NoticeContractTermination && c.TerminatedOn != nil {
		oc.Period.EndDate = dateTime(*c.TerminatedOn)
		oc.Period.DurationInDays = int(dateOf(*c.TerminatedOn).Sub(dateOf(c.StartDate)).Hours() / 24)
	}
	if in.Type == NoticeContractPerformance && in.Assessment != nil {
		a := in.Assessment
		oc.Implementation = &Implementation{Milestones: []Milestone{{ID: a.ID, Title: "Performance assessment", Type: "assessment",
			Description: a.Summary, DueDate: dateTime(a.AssessedOn), DateMet: dateTime(a.AssessedOn), Status: "met"}}}
	}
	tender := NoticeTender{ID: c.Reference, Title: c.Title, Status: "complete", MainProcurementCategory: "services",
		ProcurementMethod: procurementMethod(c.Procedure), ProcurementMethodDetails: c.Procedure.Label()}
	for i, code := range c.CPVCodes {
		cl := Classification{Scheme: "CPV", ID: code[:8]}
		if i == 0 {
			tender.Classification = &cl
		} else {
			tender.AdditionalClassifications = append(tender.AdditionalClassifications, cl)
		}
	}
	if c.EstimatedValuePence != nil {
		tender.Value = &OCDSValue{Amount: pounds(*c.EstimatedValuePence), Currency: "GBP"}
	}
	if c.LightTouch {
		tender.SpecialRegime = []string{"lightTouch"}
	}
	code := in.Type.UKCode()
	head := rel.ReleaseHeader
	head.ID, head.Date, head.Tag = rel.OCID+"-"+code+"-"+in.NoticeID, instant(in.Now), []string{in.Type.releaseTag()}
	return NoticeRelease{
		ReleaseHeader: head, Tender: tender, Awards: rel.Awards,
		Contracts: []NoticeContract{{OCDSContract: oc, Documents: []NoticeDocument{{ID: in.NoticeID, DocumentType: "contractNotice",
			NoticeType: code, Title: in.Type.Label(), Language: "en"}}}},
	}
}
