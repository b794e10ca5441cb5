package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

type contractDocumentPage struct {
	Page
	Contract *contract.Contract
	Form     contract.DocumentForm
	Types    []provider.Option
}

func (s *Server) renderContractDocumentForm(c *fiber.Ctx, status int, data contractDocumentPage, errs map[string]string) error {
	data.Page = s.page(c, "Add a document")
	data.Page.Back = "/contracts/" + data.Contract.ID
	data.Page.Errors = fieldErrors(contract.DocumentFormOrder, errs)
	data.Types = contract.DocumentTypes
	return render(c, status, "contracts/document_form", data)
}

func (s *Server) contractDocumentForm(c *fiber.Ctx) error {
	ct, err := s.contracts.Contract(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderContractDocumentForm(c, fiber.StatusOK, contractDocumentPage{Contract: ct}, nil)
}

// contractDocumentUpload keeps a contract document. It is stored as the provider's, so the
// provider's users download it from their contract page through the audited document route.
func (s *Server) contractDocumentUpload(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var f contract.DocumentForm
	errs := decodeForm(c, &f)
	file, msg := contractUpload(c, "file")
	if msg != "" {
		errs["file"] = msg
	}
	data := contractDocumentPage{Contract: ct, Form: f}
	if len(errs) == 0 {
		err = s.contracts.AddDocument(ctx, ct.ID, f, file)
		if err == nil {
			return s.redirectWithFlash(c, "/contracts/"+ct.ID+"#documents", "Document added.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	} else if file == nil && errs["file"] == "" {
		errs["file"] = "Select a file"
	}
	return s.renderContractDocumentForm(c, fiber.StatusUnprocessableEntity, data, errs)
}
