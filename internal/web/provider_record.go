package web

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// recordCheckPage is the whole-record "Check your answers" before submitting.
type recordCheckPage struct {
	Page
	Org        *provider.Organisation
	Sections   []provider.SectionCopy
	CanSubmit  bool
	Editable   bool
	ReviewDays int
}

// providerRecordCheck shows every section's answers on one page, each with its change link,
// and the submit button when everything is complete: the last look before sending.
func (s *Server) providerRecordCheck(c *fiber.Ctx) error {
	org, tasks, err := s.recordOfCurrentOrg(c)
	if err != nil {
		return err
	}
	sections, err := provider.RecordInWords(c.UserContext(), s.db, org.ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Check your answers before sending your record")
	p.Back = "/provider"
	return render(c, fiber.StatusOK, "provider/record_check", recordCheckPage{Page: p, Org: org, Sections: sections,
		CanSubmit: provider.CanSubmit(org.Status, tasks), Editable: org.Status.Editable(), ReviewDays: provider.ReviewWorkingDays})
}

// recordCopyPage is the printable copy of the record as it was last sent.
type recordCopyPage struct {
	Page
	Org  *provider.Organisation
	Copy *provider.RecordCopy
}

// providerRecordCopy shows the record exactly as it was last sent for review (what, when,
// by whom), laid out to print, with a PDF of the same.
func (s *Server) providerRecordCopy(c *fiber.Ctx) error {
	org, copy, err := s.submittedRecord(c)
	if errors.Is(err, errNotSentYet) {
		return s.redirectWithFlash(c, "/provider/check", "You have not sent your record yet. This is your record so far.")
	}
	if err != nil {
		return err
	}
	p := s.page(c, "Your record as sent")
	p.Back = "/provider"
	return render(c, fiber.StatusOK, "provider/record", recordCopyPage{Page: p, Org: org, Copy: copy})
}

// providerRecordPDF downloads the same copy as a PDF, and records that it was taken.
func (s *Server) providerRecordPDF(c *fiber.Ctx) error {
	org, copy, err := s.submittedRecord(c)
	if errors.Is(err, errNotSentYet) {
		return s.redirectWithFlash(c, "/provider/check", "You have not sent your record yet, so there is no copy to download. This is your record so far.")
	}
	if err != nil {
		return err
	}
	doc := export.PDFDocument{Title: "Supplier record: " + org.DisplayName(), Created: copy.SentAt,
		Lines: []string{
			fmt.Sprintf("Supplier reference %s", org.SupplierRef),
			fmt.Sprintf("%s on %s by %s", copy.As.Label(), copy.SentAt.Local().Format("2 January 2006 at 3:04pm"), copy.SentBy),
			"This is the record as it was sent to the council for review. Bank account numbers are shown masked.",
		}}
	for _, sec := range copy.Sections {
		ps := export.PDFSection{Heading: sec.Title, Empty: "Not given"}
		for _, r := range sec.Rows {
			ps.Rows = append(ps.Rows, [2]string{r.Key, r.Value})
		}
		doc.Sections = append(doc.Sections, ps)
	}
	var out bytes.Buffer
	if err := export.WritePDF(&out, doc); err != nil {
		return err
	}
	if err := audit.Record(c.UserContext(), s.db, audit.Event{Action: "provider.record.downloaded", ObjectType: "organisation",
		ObjectID: org.ID, Summary: map[string]any{"format": "pdf", "sent_at": copy.SentAt}}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="supplier-record-%s.pdf"`, org.SupplierRef))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(out.Bytes())
}

// submittedRecord is the signed-in provider's organisation and its record as last sent.
func (s *Server) submittedRecord(c *fiber.Ctx) (*provider.Organisation, *provider.RecordCopy, error) {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return nil, nil, err
	}
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return nil, nil, err
	}
	copy, err := provider.LatestSubmission(ctx, s.db, orgID)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil, errNotSentYet
	}
	return org, copy, err
}

// errNotSentYet says the provider has no sent record to copy; they are shown it so far.
var errNotSentYet = errors.New("record not sent yet")
