package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// kpiFormPage is the form that adds a KPI to a contract or edits one.
type kpiFormPage struct {
	Page
	Contract    *contract.Contract
	KPI         *contract.KPI // nil when adding
	Form        contract.KPIForm
	Action      string
	Version     int
	Directions  []provider.Option
	Frequencies []provider.Option
	Measures    []provider.Option
	// MostMaterial is the box marking one of the three most material KPIs.
	MostMaterial []provider.Option
}

func (s *Server) renderKPIForm(c *fiber.Ctx, status int, data kpiFormPage, errs map[string]string) error {
	title, back := "Add a KPI", "/contracts/"+data.Contract.ID
	if data.KPI != nil {
		title, back = "Edit KPI", "/kpis/"+data.KPI.ID
	}
	data.Page = s.page(c, title)
	data.Page.Back = back
	data.Page.Errors = fieldErrors(contract.KPIFormOrder, errs)
	data.Directions, data.Frequencies, data.Measures = contract.KPIDirections, contract.Frequencies, contract.Measures
	data.MostMaterial = contract.MostMaterialOptions
	return render(c, status, "kpis/form", data)
}

func (s *Server) kpiNewForm(c *fiber.Ctx) error {
	ct, err := s.contracts.Contract(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderKPIForm(c, fiber.StatusOK, kpiFormPage{Contract: ct, Action: "/contracts/" + ct.ID + "/kpis",
		Form: contract.KPIForm{Direction: string(contract.HigherIsBetter), Frequency: string(contract.Monthly)}}, nil)
}

// kpiCreate adds a KPI; its periods' returns are made at once, counted from the contract's start.
func (s *Server) kpiCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var f contract.KPIForm
	errs := decodeForm(c, &f)
	data := kpiFormPage{Contract: ct, Form: f, Action: "/contracts/" + ct.ID + "/kpis"}
	if len(errs) == 0 {
		k, err := s.contracts.CreateKPI(ctx, ct.ID, f)
		if err == nil {
			return s.redirectWithFlash(c, "/contracts/"+ct.ID+"#kpis", "KPI "+k.Name+" added.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderKPIForm(c, fiber.StatusUnprocessableEntity, data, errs)
}

func (s *Server) kpiEditForm(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := contract.KPIByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	ct, err := s.contracts.Contract(ctx, k.ContractID)
	if err != nil {
		return err
	}
	return s.renderKPIForm(c, fiber.StatusOK, kpiFormPage{Contract: ct, KPI: k, Form: contract.KPIFormOf(k), Version: k.Version,
		Action: "/kpis/" + k.ID}, nil)
}

func (s *Server) kpiUpdate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	k, err := contract.KPIByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	ct, err := s.contracts.Contract(ctx, k.ContractID)
	if err != nil {
		return err
	}
	var f contract.KPIForm
	errs := decodeForm(c, &f)
	data := kpiFormPage{Contract: ct, KPI: k, Form: f, Version: formInt(c, "version"), Action: "/kpis/" + k.ID}
	if len(errs) == 0 {
		err := s.contracts.UpdateKPI(ctx, k.ID, data.Version, f)
		if err == nil {
			return s.redirectWithFlash(c, "/kpis/"+k.ID, "KPI saved.")
		}
		if apperr.Is(err, apperr.Conflict) {
			data.Version = k.Version
			errs = map[string]string{"name": apperr.MessageOf(err) + ". Your changes are below: save again to keep them"}
			return s.renderKPIForm(c, fiber.StatusConflict, data, errs)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderKPIForm(c, fiber.StatusUnprocessableEntity, data, errs)
}
