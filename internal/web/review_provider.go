package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// reviewProviderPage is an officer's view of one provider record: every section's answers
// (approved and proposed side by side where a change waits for review), the history, the
// documents, and the decisions open in the record's status.
type reviewProviderPage struct {
	Page
	Org       *provider.Organisation
	Sections  []reviewSection
	History   []historyRow
	Documents []reviewDocument
	// Values are what the officer typed (comments and reasons, by field name), kept when a
	// decision is refused so nothing has to be typed again.
	Values map[string]string
	// Conflict says why a decision was refused because the record moved on.
	Conflict string
	// Compliance is the provider's rating today, with every reason (internal/quality).
	Compliance *CompliancePanel
}

// reviewSection is one section's card.
type reviewSection struct {
	Def     provider.Definition
	Status  provider.TaskStatus
	Version int
	// Rows are the working answers: for a change waiting for review, the proposed ones.
	Rows []provider.SummaryRow
	// Approved are the answers in force, shown beside Rows when Pending.
	Approved []provider.SummaryRow
	Pending  bool
	Comments []provider.SectionComment
	// ShowChanges is set for a held change and for a section of a resubmission: the card
	// leads with Changes, what differs from the last decision, and keeps every answer in a
	// details element.
	ShowChanges bool
	Changes     []provider.FieldChange
	// Accepted says an officer accepted the section in this review; CanAccept offers it.
	Accepted   *provider.SectionRecord
	CanAccept  bool
	AcceptedBy string
}

// ChangeTagOf is the tag class of a kind of change; the tag says the kind in words too.
func (reviewProviderPage) ChangeTagOf(k provider.ChangeKind) string {
	switch k {
	case provider.ChangeAdded:
		return "govuk-tag--green"
	case provider.ChangeRemoved:
		return "govuk-tag--red"
	}
	return "govuk-tag--yellow"
}

// CommentField names the section's comment at review; it is also the id the error summary
// links to.
func (r reviewSection) CommentField() string { return "comment-" + string(r.Def.Key) }

// ReasonField names the reason for declining the section's change.
func (r reviewSection) ReasonField() string { return "reason-" + string(r.Def.Key) }

// historyRow is a status change with the status it came from named as people say it.
type historyRow struct {
	provider.StatusChange
	FromLabel string
}

// reviewDocument is a file the record refers to, downloaded through /documents/:id.
type reviewDocument struct {
	ID, Name, Label string
	Proposed        bool
}

// reviewFieldOrder lists the review form's fields in page order, for the error summary.
func reviewFieldOrder() []string {
	var out []string
	for _, def := range provider.Sections {
		out = append(out, "comment-"+string(def.Key), "reason-"+string(def.Key))
	}
	return append(out, "reason")
}

// reviewProvider shows a provider record to an officer.
func (s *Server) reviewProvider(c *fiber.Ctx) error {
	return s.renderReview(c, fiber.StatusOK, c.Params("id"), nil, nil, "")
}

// renderReview builds the officer's page from the record as stored now. Showing the
// safeguarding section is an officer's view of criminal offence data, so every rendering,
// including one after a refused decision, is audited first.
func (s *Server) renderReview(c *fiber.Ctx, status int, orgID string, values, errs map[string]string, conflict string) error {
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	tasks, err := provider.Tasks(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	recs, err := provider.SectionRecords(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	history, err := provider.History(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	p := s.page(c, org.DisplayName())
	p.Back = "/review"
	p.Errors = fieldErrors(reviewFieldOrder(), errs)
	if values == nil {
		values = map[string]string{}
	}
	data := reviewProviderPage{Page: p, Org: org, Values: values, Conflict: conflict}
	if data.Compliance, err = s.compliancePanel(c, orgID, true); err != nil {
		return err
	}
	for _, h := range history {
		row := historyRow{StatusChange: h}
		if h.From != nil {
			row.FromLabel = provider.Status(*h.From).Label()
		}
		data.History = append(data.History, row)
	}
	comments, err := provider.ReviewComments(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	// A resubmission is compared with the answers at the last decision. A record decided
	// before those were kept has none, and shows every answer as before.
	decidedBefore := false
	for _, rec := range recs {
		decidedBefore = decidedBefore || len(rec.DecidedData) > 0
	}
	resubmitted := org.Status == provider.StatusResubmitted && decidedBefore
	seen := map[string]bool{}
	for _, t := range tasks {
		if err := s.auditRestrictedView(c, t.Definition, orgID); err != nil {
			return err
		}
		sec := reviewSection{Def: t.Definition, Status: t.Status, Version: t.Version}
		for _, cm := range comments {
			if cm.Section == string(t.Key) {
				sec.Comments = append(sec.Comments, cm)
			}
		}
		if rec := recs[t.Key]; rec != nil {
			answers, err := rec.Answers(t.Definition)
			if err != nil {
				return err
			}
			sec.Rows, sec.Pending = answers.Summary(), rec.PendingReview
			var approved provider.Answers
			if rec.PendingReview {
				if approved, err = rec.Approved(t.Definition); err != nil && !apperr.Is(err, apperr.NotFound) {
					return err
				}
				if approved != nil {
					sec.Approved = approved.Summary()
				}
			}
			if rec.PendingReview || resubmitted {
				baseline, err := rec.ReviewBaseline(t.Definition)
				if err != nil {
					return err
				}
				sec.ShowChanges, sec.Changes = true, provider.SectionChanges(baseline, answers)
			}
			if rec.AcceptedAt != nil {
				sec.Accepted = rec
				if rec.AcceptedByName != nil {
					sec.AcceptedBy = *rec.AcceptedByName
				}
			}
			sec.CanAccept = org.Status.AwaitingReview() && rec.AcceptedAt == nil
			data.Documents = appendDocuments(data.Documents, seen, approved, false)
			data.Documents = appendDocuments(data.Documents, seen, answers, rec.PendingReview)
		}
		data.Sections = append(data.Sections, sec)
	}
	return render(c, status, "review/provider", data)
}

// appendDocuments adds the certificates a section's answers refer to, once each. proposed
// marks those of a change not yet accepted.
func appendDocuments(docs []reviewDocument, seen map[string]bool, a provider.Answers, proposed bool) []reviewDocument {
	ins, ok := a.(*provider.InsuranceAnswers)
	if !ok || ins == nil {
		return docs
	}
	for _, kind := range provider.PolicyKinds {
		pol := ins.Policy(kind.Value)
		if pol.CertificateID == "" || seen[pol.CertificateID] {
			continue
		}
		seen[pol.CertificateID] = true
		docs = append(docs, reviewDocument{ID: pol.CertificateID, Name: pol.CertificateName, Label: kind.Label + " certificate", Proposed: proposed})
	}
	return docs
}
