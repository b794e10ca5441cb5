package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// sarNewPage registers a subject access request.
type sarNewPage struct {
	Page
	In      sarRegistrationForm
	Methods []provider.Option
}

// sarRegistrationForm is the registration form's fields.
type sarRegistrationForm struct {
	Name           string         `form:"requester_name" label:"the requester's name"`
	Email          string         `form:"requester_email" label:"the requester's email address"`
	Phone          string         `form:"requester_phone" label:"the requester's telephone number"`
	IdentityMethod string         `form:"identity_method" label:"how you checked who they are"`
	IdentityNotes  string         `form:"identity_notes" multiline:"true" label:"the notes"`
	ReceivedOn     form.DateInput `form:"received_on" label:"the date the request was received"`
}

var sarRegistrationFields = []string{"requester_name", "requester_email", "requester_phone", "identity_method", "identity_notes", "received_on"}

func (s *Server) sarNewForm(c *fiber.Ctx) error {
	return s.renderSARNew(c, fiber.StatusOK, sarRegistrationForm{}, nil)
}

func (s *Server) renderSARNew(c *fiber.Ctx, status int, in sarRegistrationForm, errs map[string]string) error {
	p := s.page(c, "Register a subject access request")
	p.Back = "/dpo/sar"
	p.Errors = fieldErrors(sarRegistrationFields, errs)
	return render(c, status, "dpo/sar/new", sarNewPage{Page: p, In: in, Methods: subject.IdentityMethods})
}

// sarCreate registers the request, with its due date, and opens it.
func (s *Server) sarCreate(c *fiber.Ctx) error {
	var in sarRegistrationForm
	errs := decodeForm(c, &in)
	reg := subject.Registration{Name: in.Name, Email: in.Email, Phone: in.Phone, IdentityMethod: in.IdentityMethod, IdentityNotes: in.IdentityNotes}
	if _, bad := errs["received_on"]; !bad && !in.ReceivedOn.IsEmpty() {
		var msg string
		if reg.ReceivedOn, msg = in.ReceivedOn.Time("the date the request was received"); msg != "" {
			errs["received_on"] = msg
		}
	}
	if len(errs) == 0 {
		u := userOf(c)
		r, err := subject.Register(c.UserContext(), s.db, reg, subject.Staff{ID: u.ID, Name: u.Name})
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/sar/"+r.ID, "Request "+r.Reference+" registered. The response is due by "+r.DueOn.Format("2 January 2006")+".")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderSARNew(c, fiber.StatusUnprocessableEntity, in, errs)
}
