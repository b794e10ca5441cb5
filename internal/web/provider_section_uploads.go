package web

import (
	"fmt"
	"slices"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// attachUploads stores the certificates uploaded with the insurance section and puts their
// ids into the answers. It returns a message per file that was refused (wrong type, too
// large, empty); a refused file stores nothing.
func (s *Server) attachUploads(c *fiber.Ctx, orgID string, def provider.Definition, answers provider.Answers) map[string]string {
	errs := map[string]string{}
	ins, ok := answers.(*provider.InsuranceAnswers)
	if !ok || def.Key != provider.SectionInsurance {
		return errs
	}
	seen := map[string]bool{}
	for i := range ins.Policies {
		kind := ins.Policies[i].Kind
		known := slices.ContainsFunc(provider.PolicyKinds, func(o provider.Option) bool { return o.Value == kind })
		if !known || seen[kind] {
			continue // a crafted form's extra policy is dropped by validation: storing its file would orphan it
		}
		seen[kind] = true
		if ins.ELExempt == "yes" && kind == provider.PolicyEmployersLiability {
			continue // an exempt organisation has no employer's liability certificate to keep
		}
		field := fmt.Sprintf("policies-%d-certificate", i)
		file, msg := readDocument(c, field)
		if msg != "" {
			errs[field] = msg
			continue
		}
		if file == nil {
			continue // no new file: the stored certificate is kept
		}
		doc, err := s.documents.Put(c.UserContext(), s.db, orgID, document.KindInsuranceCertificate+":"+ins.Policies[i].Kind, file.Name, file.Content)
		if err != nil {
			errs[field] = apperr.MessageOf(err)
			continue
		}
		ins.Policies[i].CertificateID, ins.Policies[i].CertificateName = doc.ID, doc.Filename
	}
	return errs
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

// discardUploads deletes certificates uploaded with a save that failed, so a failed request
// leaves nothing behind (the form asks for the file again, as file inputs always do). The
// answers are shown again, so each policy whose new file was discarded shows the certificate
// still on file, if any, instead of the discarded one.
func (s *Server) discardUploads(c *fiber.Ctx, answers provider.Answers) {
	ins, ok := answers.(*provider.InsuranceAnswers)
	if !ok {
		return
	}
	ctx := c.UserContext()
	discarded := false
	for i := range ins.Policies {
		p := &ins.Policies[i]
		if p.CertificateID == "" {
			continue
		}
		deleted, err := s.providers.DiscardUnusedCertificate(ctx, s.documents, p.CertificateID)
		if err != nil {
			s.requestLogger(c).Warn("discard upload", "document_id", p.CertificateID, "error", err)
			continue
		}
		if deleted {
			p.CertificateID, p.CertificateName, discarded = "", "", true
		}
	}
	if !discarded {
		return
	}
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return
	}
	rec, err := provider.SectionRecordByKey(ctx, s.db, orgID, provider.SectionInsurance)
	if err != nil {
		return // not started, or unreadable: no certificate on file to show
	}
	def, _ := provider.SectionByKey(string(provider.SectionInsurance))
	if stored, err := rec.Answers(def); err == nil {
		ins.KeepFrom(stored)
	}
}
