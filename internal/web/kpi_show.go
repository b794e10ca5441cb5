package web

import (
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// kpiPage is a KPI with its trend chart and every period started so far.
type kpiPage struct {
	Page
	Contract *contract.Contract
	KPI      *contract.KPI
	Chart    contract.TrendChart
	Returns  []contract.MonitoringReturn
	// Base starts the links to returns: "" for officers, "/provider" for the provider.
	Base       string
	ForOfficer bool
}

// kpiShow is an officer's view of a KPI.
func (s *Server) kpiShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := contract.KPIByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	ct, err := s.contracts.Contract(ctx, k.ContractID)
	if err != nil {
		return err
	}
	return s.renderKPI(c, kpiPage{Contract: ct, KPI: k, ForOfficer: true})
}

// providerKPI is the provider's view of a KPI of one of their own contracts.
func (s *Server) providerKPI(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	k, err := contract.KPIByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	ct, err := s.contracts.ProviderContract(ctx, orgID, k.ContractID)
	if err != nil {
		return err // another organisation's KPI is not found, like one that does not exist
	}
	return s.renderKPI(c, kpiPage{Contract: ct, KPI: k, Base: "/provider"})
}

// kpiReturnsShown bounds the periods one KPI page lists: 40 years of monthly returns.
const kpiReturnsShown = 480

func (s *Server) renderKPI(c *fiber.Ctx, data kpiPage) error {
	svc := s.contracts
	var err error
	data.Returns, _, err = contract.Returns(c.UserContext(), s.db, contract.ReturnFilter{KPIID: data.KPI.ID, Started: true,
		Today: svc.Today(), Limit: kpiReturnsShown})
	if err != nil {
		return err
	}
	data.Chart = contract.NewTrendChart("kpi-chart", data.KPI, data.Returns)
	data.Page = s.page(c, data.KPI.Name)
	data.Page.Back = data.Base + "/contracts/" + data.Contract.ID
	return render(c, fiber.StatusOK, "kpis/show", data)
}
