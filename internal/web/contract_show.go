package web

import (
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// contractPage is a contract with everything hanging off it: its KPIs with their latest
// value, its returns waiting for someone, its variations and documents. Officers and the
// provider see the same page; the provider's has no actions but its returns.
type contractPage struct {
	Page
	Contract   *contract.Contract
	KPIs       []kpiRow
	Waiting    []contract.MonitoringReturn
	Variations []contract.Variation
	Documents  []contract.Document
	ForOfficer bool
	// KPIShortfall says, to officers, what section 52 asks of the contract that it lacks.
	KPIShortfall []string
	// Assessments are the confirmed performance assessments, which the provider sees too:
	// nothing is stored before an officer confirms, so there are no drafts to hide.
	Assessments []contract.Assessment
	// AssessmentDue is when the next one is due (officers); CanAssess offers the button.
	AssessmentDue *contract.AssessmentDue
	CanAssess     bool
	// OCID is the contract's Open Contracting ID, for the link to its open data record.
	OCID string
	// Base is where the page's links to KPIs and returns start: "" for officers, "/provider" for the provider.
	Base string
}

// kpiRow is a KPI with its latest value and how many of its returns are overdue.
type kpiRow struct {
	contract.KPI
	Latest  *contract.MonitoringReturn
	Overdue int
}

// contractShow is an officer's view of a contract.
func (s *Server) contractShow(c *fiber.Ctx) error {
	ct, err := s.contracts.Contract(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	settings, err := s.contracts.OCDSSettings(c.UserContext())
	if err != nil {
		return err
	}
	data := contractPage{Contract: ct, ForOfficer: true, OCID: contract.OCID(settings.OCIDPrefix, ct.ID)}
	data.Page = s.page(c, ct.Title)
	data.Page.Back = "/contracts"
	return s.renderContract(c, data, contract.ReturnFilter{AwaitingReview: true})
}

// providerContract is the provider's read-only view of one of their own contracts.
func (s *Server) providerContract(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	ct, err := s.contracts.ProviderContract(c.UserContext(), orgID, c.Params("id"))
	if err != nil {
		return err
	}
	data := contractPage{Contract: ct, Base: "/provider"}
	data.Page = s.page(c, ct.Title)
	data.Page.Back = "/provider/contracts"
	return s.renderContract(c, data, contract.ReturnFilter{AwaitingProvider: true})
}

// renderContract reads what hangs off the contract. waiting selects the returns the reader
// has to act on: officers those to review, the provider those to make or answer.
func (s *Server) renderContract(c *fiber.Ctx, data contractPage, waiting contract.ReturnFilter) error {
	ctx := c.UserContext()
	svc := s.contracts
	today := svc.Today()
	id := data.Contract.ID
	kpis, err := contract.KPIs(ctx, s.db, id)
	if err != nil {
		return err
	}
	for _, k := range kpis {
		row := kpiRow{KPI: k}
		latest, _, err := contract.Returns(ctx, s.db, contract.ReturnFilter{KPIID: k.ID, Accepted: true, Today: today, Newest: true, Limit: 1})
		if err != nil {
			return err
		}
		if len(latest) > 0 {
			row.Latest = &latest[0]
		}
		if _, row.Overdue, err = contract.Returns(ctx, s.db, contract.ReturnFilter{KPIID: k.ID, Overdue: true, Today: today, Limit: 1}); err != nil {
			return err
		}
		data.KPIs = append(data.KPIs, row)
	}
	if data.ForOfficer {
		data.KPIShortfall = contract.KPIShortfall(data.Contract, kpis)
		if data.AssessmentDue, err = contract.NextAssessmentDue(ctx, s.db, id, today); err != nil {
			return err
		}
		data.CanAssess = data.Contract.Stored != contract.StatusDraft && len(kpis) > 0
	}
	if data.Assessments, err = contract.Assessments(ctx, s.db, id); err != nil {
		return err
	}
	waiting.ContractID, waiting.Today, waiting.Limit = id, today, 50
	if data.Waiting, _, err = contract.Returns(ctx, s.db, waiting); err != nil {
		return err
	}
	if data.Variations, err = contract.Variations(ctx, s.db, id); err != nil {
		return err
	}
	if data.Documents, err = contract.Documents(ctx, s.db, id); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "contracts/show", data)
}
