package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// attachUploads stores the certificates uploaded with the insurance section and puts their
// ids into the answers. A file that passes its own checks is kept as a pending upload of the
// organisation even if something else on the page is wrong, and the page shows it as
// uploaded (posting its id back), so nobody uploads the same file twice. It returns a message
// per file that was refused (wrong type, too large, empty) or that is no longer kept.
func (s *Server) attachUploads(c *fiber.Ctx, orgID string, def provider.Definition, answers provider.Answers) map[string]string {
	errs := map[string]string{}
	ins, ok := answers.(*provider.InsuranceAnswers)
	if !ok || def.Key != provider.SectionInsurance {
		return errs
	}
	ctx := c.UserContext()
	seen := map[string]bool{}
	for i := range ins.Policies {
		p := &ins.Policies[i]
		known := slices.ContainsFunc(provider.PolicyKinds, func(o provider.Option) bool { return o.Value == p.Kind })
		if !known || seen[p.Kind] {
			continue // a crafted form's extra policy is dropped by validation: storing its file would orphan it
		}
		seen[p.Kind] = true
		field := fmt.Sprintf("policies-%d-certificate", i)
		file, msg := readDocument(c, field)
		switch {
		case msg != "":
			errs[field] = msg
		case file != nil:
			up, err := s.providers.KeepUpload(ctx, s.documents, orgID, p.Kind, file.Name, file.Content)
			if err != nil {
				errs[field] = apperr.MessageOf(err)
				continue
			}
			p.CertificateID, p.CertificateName, p.Pending = up.DocumentID, up.Filename, true
			continue
		}
		if p.UploadedID == "" || p.CertificateID != "" {
			continue // no file this time: the stored certificate, if any, is kept
		}
		up, err := provider.PendingUploadOf(ctx, s.db, orgID, p.UploadedID)
		switch {
		case err == nil && up.PolicyKind == p.Kind:
			p.CertificateID, p.CertificateName, p.Pending = up.DocumentID, up.Filename, true
		case err == nil || apperr.Is(err, apperr.NotFound):
			// Not a pending upload of this organisation: the id is the certificate already on
			// file (KeepFrom restores it), or it is stale or crafted and is ignored.
		default:
			errs[field] = apperr.MessageOf(err)
		}
	}
	return errs
}

// removeUpload handles a "Remove" button beside a file uploaded earlier on this page:
// the pending upload is deleted and the page shows the certificate on file again, if any.
func (s *Server) removeUpload(c *fiber.Ctx, orgID string, answers provider.Answers, action string) (bool, error) {
	ins, ok := answers.(*provider.InsuranceAnswers)
	n, err := strconv.Atoi(strings.TrimPrefix(action, "remove-certificate-"))
	if !ok || !strings.HasPrefix(action, "remove-certificate-") || err != nil || n < 0 || n >= len(ins.Policies) {
		return false, nil
	}
	p := &ins.Policies[n]
	if p.UploadedID != "" {
		if err := s.providers.RemoveUpload(c.UserContext(), s.documents, orgID, p.UploadedID); err != nil {
			return true, err
		}
	}
	p.UploadedID, p.CertificateID, p.CertificateName, p.Pending = "", "", "", false
	return true, nil
}

// auditRestrictedView records an officer's view of a restricted section (DBS data is
// criminal offence data): who looked at which provider's staff records, when.
func (s *Server) auditRestrictedView(c *fiber.Ctx, def provider.Definition, orgID string) error {
	u := userOf(c)
	if !def.Restricted || u == nil || !u.IsStaff() {
		return nil
	}
	return audit.Record(c.UserContext(), s.db, audit.Event{Action: "provider.dbs.viewed", ObjectType: "organisation", ObjectID: orgID,
		Summary: map[string]any{"section": string(def.Key)}})
}
