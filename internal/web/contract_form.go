package web

import (
	"errors"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// contractFormPage is the form that creates or edits a contract.
type contractFormPage struct {
	Page
	Form       contract.ContractForm
	Action     string
	Contract   *contract.Contract // nil when creating
	Version    int
	Categories []provider.Option
	Routes     []provider.Option
	Statuses   []provider.Option
	// Procedures, YesNo and Exemptions are the options of the Procurement Act questions.
	Procedures, YesNo, Exemptions []provider.Option
	Manager                       contractSelect
	// Conflict lists what someone else saved that differs from what was typed.
	Conflict []conflictRow
}

func (s *Server) renderContractForm(c *fiber.Ctx, status int, data contractFormPage, errs map[string]string) error {
	managers, err := contract.Officers(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	title, back := "Add a contract", "/contracts"
	if data.Contract != nil {
		title, back = "Edit contract "+data.Contract.Reference, "/contracts/"+data.Contract.ID
	}
	data.Page = s.page(c, title)
	data.Page.Back = back
	data.Page.Errors = fieldErrors(contract.ContractFormOrder, errs)
	if len(data.Conflict) > 0 {
		data.Page.Errors = append([]FieldError{{Field: "conflict",
			Message: "Someone else changed this contract while you were editing it. Check their changes below, then save again"}}, data.Page.Errors...)
	}
	data.Categories, data.Routes, data.Statuses = provider.ServiceCategories, contract.Routes, contract.StoredStatuses
	data.Procedures, data.YesNo, data.Exemptions = contract.Procedures, contract.YesNo, contract.KPIExemptions
	data.Manager = contractSelect{ID: "manager", Label: "Contract manager", Hint: "The commissioning officer responsible for this contract",
		Empty: "Select an officer", Value: data.Form.ManagerID, Options: managers, Error: errs["manager"]}
	return render(c, status, "contracts/form", data)
}

// contractNewForm starts a contract. ?provider=ID (from a provider's page) fills in the
// provider's supplier reference; the signed-in officer is the manager until changed.
func (s *Server) contractNewForm(c *fiber.Ctx) error {
	f := contract.ContractForm{ManagerID: userOf(c).ID, Status: string(contract.StatusActive)}
	if id := c.Query("provider"); db.IsUUID(id) {
		if org, err := provider.OrganisationByID(c.UserContext(), s.db, id); err == nil {
			f.Provider = org.SupplierRef
		}
	}
	return s.renderContractForm(c, fiber.StatusOK, contractFormPage{Form: f, Action: "/contracts"}, nil)
}

func (s *Server) contractCreate(c *fiber.Ctx) error {
	var f contract.ContractForm
	errs := decodeForm(c, &f)
	data := contractFormPage{Form: f, Action: "/contracts"}
	if len(errs) > 0 {
		return s.renderContractForm(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	created, err := s.contracts.CreateContract(c.UserContext(), f)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderContractForm(c, fiber.StatusUnprocessableEntity, data, fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/contracts/"+created.ID, "Contract "+created.Reference+" added. Add its KPIs next.")
}

func (s *Server) contractEditForm(c *fiber.Ctx) error {
	ct, err := s.contracts.Contract(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderContractForm(c, fiber.StatusOK, contractFormPage{Form: contract.ContractFormOf(ct), Contract: ct,
		Version: ct.Version, Action: "/contracts/" + ct.ID}, nil)
}

// contractUpdate saves an edit. A conflict shows the form again with what was typed, the
// fields the other person changed, and their version, so a second save is a decision.
func (s *Server) contractUpdate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var f contract.ContractForm
	errs := decodeForm(c, &f)
	data := contractFormPage{Form: f, Contract: ct, Version: formInt(c, "version"), Action: "/contracts/" + ct.ID}
	if len(errs) > 0 {
		return s.renderContractForm(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	err = s.contracts.UpdateContract(ctx, ct.ID, data.Version, f)
	var conflict *contract.ConflictError
	switch {
	case errors.As(err, &conflict):
		data.Contract, data.Version = conflict.Current, conflict.Current.Version
		data.Conflict = formDifferences(contract.ContractFormOf(conflict.Current), f)
		return s.renderContractForm(c, fiber.StatusConflict, data, nil)
	case apperr.FieldsOf(err) != nil:
		return s.renderContractForm(c, fiber.StatusUnprocessableEntity, data, apperr.FieldsOf(err))
	case err != nil:
		return err
	}
	return s.redirectWithFlash(c, "/contracts/"+ct.ID, "Contract "+f.Reference+" saved.")
}
