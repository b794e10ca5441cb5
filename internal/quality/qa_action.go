package quality

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// OwnerOther is the owner choice for someone who is not a contact on the provider's record.
const OwnerOther = "other"

// ActionInput is the action form as typed. On an officer's edit it also carries the status.
type ActionInput struct {
	Description string `form:"description" multiline:"true" label:"the description"`
	// OwnerContact is the email of a contact on the provider's record, or OwnerOther.
	OwnerContact string         `form:"owner_contact" label:"the owner"`
	OwnerName    string         `form:"owner_name" label:"the owner's name"`
	DueOn        form.DateInput `form:"due_on" label:"the due date"`
	Status       string         `form:"status" label:"the status"`
}

// ActionFieldOrder is the action form's fields in page order, for the error summary.
var ActionFieldOrder = []string{"description", "owner_contact", "owner_name", "due_on", "status"}

// ActionInputOf fills the form from a stored action, for editing.
func ActionInputOf(a *Action) ActionInput {
	in := ActionInput{Description: a.Description, DueOn: form.DateInputOf(&a.DueOn), Status: string(a.Status), OwnerContact: OwnerOther,
		OwnerName: a.OwnerName}
	if a.OwnerEmail != nil && *a.OwnerEmail != "" {
		in.OwnerContact, in.OwnerName = *a.OwnerEmail, ""
	}
	return in
}

// EditableStatuses are the statuses an officer may set on the edit form; closing has its
// own button, with a note.
var EditableStatuses = ActionStatuses[:3]

type actionFields struct {
	description string
	ownerName   string
	ownerEmail  *string
	dueOn       time.Time
	status      ActionStatus
}

// check validates the form. The owner is a contact on the provider's record (so a crafted
// form cannot name an arbitrary address) or a name typed in; the due date is on or after the
// visit and within five years of it. withStatus checks the status an officer's edit sets.
func (in ActionInput) check(contacts []Contact, visitedOn time.Time, withStatus bool) (actionFields, map[string]string) {
	var out actionFields
	errs := map[string]string{}
	out.description = strings.TrimSpace(in.Description)
	switch {
	case out.description == "":
		errs["description"] = "Enter what needs to be done"
	case len(out.description) > 2000:
		errs["description"] = "The description must be 2000 characters or fewer"
	}
	switch in.OwnerContact {
	case "", OwnerOther:
		out.ownerName = strings.TrimSpace(in.OwnerName)
		switch {
		case out.ownerName == "" && len(contacts) > 0 && in.OwnerContact == "":
			errs["owner_contact"] = "Select who owns the action, or choose someone else and enter their name"
		case out.ownerName == "":
			errs["owner_name"] = "Enter the name and role of the person who owns the action"
		case len(out.ownerName) > 200:
			errs["owner_name"] = "The owner's name must be 200 characters or fewer"
		}
	default:
		found := false
		for _, c := range contacts {
			if strings.EqualFold(c.Email, in.OwnerContact) {
				email := c.Email
				out.ownerName, out.ownerEmail, found = c.Name, &email, true
				break
			}
		}
		if !found {
			errs["owner_contact"] = "Select an owner from the list"
		}
	}
	d, msg := in.DueOn.Time("the due date")
	switch {
	case msg != "":
		errs["due_on"] = msg
	case d.Before(visitedOn):
		errs["due_on"] = fmt.Sprintf("The due date must be on or after the visit, %s", displayDate(visitedOn))
	case d.After(visitedOn.AddDate(5, 0, 0)):
		errs["due_on"] = "The due date must be within 5 years of the visit"
	}
	out.dueOn = d
	if withStatus {
		if !isOption(EditableStatuses, in.Status) {
			errs["status"] = "Select the status of the action"
		}
		out.status = ActionStatus(in.Status)
	}
	return out, errs
}

// AddAction adds an action arising from a visit and tells the provider. It returns the new
// action's id, or an Invalid error with one message per field.
func (s *Service) AddAction(ctx context.Context, visitID string, in ActionInput) (string, error) {
	today := s.Today()
	var id string
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		v, err := VisitByID(ctx, tx, visitID, today)
		if err != nil {
			return err
		}
		contacts, err := Contacts(ctx, tx, v.OrganisationID)
		if err != nil {
			return err
		}
		f, errs := in.check(contacts, v.VisitedOn, false)
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		who, err := currentActor(ctx, tx)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO qa_actions (visit_id, organisation_id, description, owner_name, owner_email, due_on, created_by, created_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			visitID, v.OrganisationID, f.description, f.ownerName, f.ownerEmail, f.dueOn, who.ID, who.Name)
		if err != nil {
			return fmt.Errorf("add action: %w", err)
		}
		if err := record(ctx, tx, "quality.action.added", v.OrganisationID,
			fmt.Sprintf("Action from the visit on %s, due %s, owned by %s", displayDate(v.VisitedOn), displayDate(f.dueOn), f.ownerName),
			map[string]any{"visit_id": visitID, "action_id": id, "due_on": f.dueOn.Format(time.DateOnly)}); err != nil {
			return err
		}
		subject := "An action from the council's quality assurance visit"
		body := fmt.Sprintf("The council's quality assurance visit on %s found something that needs doing:\n\n%s\n\nOwner: %s\nDue by: %s\n\n"+
			"Tell us what you have done, with any evidence, in the Provider Portal:\n%s\n",
			displayDate(v.VisitedOn), f.description, f.ownerName, displayDate(f.dueOn), s.link("/provider/quality/actions/"+id))
		if err := s.tellProvider(ctx, tx, v.OrganisationID, "quality_action", subject, body, f.ownerEmail); err != nil {
			return err
		}
		return RefreshProvider(ctx, tx, v.OrganisationID, today)
	})
	return id, err
}

// UpdateAction changes an action's description, owner, due date or status. version is the
// one the editor read. Setting the status of a closed action reopens it.
func (s *Service) UpdateAction(ctx context.Context, actionID string, version int, in ActionInput) error {
	today := s.Today()
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		a, err := lockAction(ctx, tx, actionID, today)
		if err != nil {
			return err
		}
		contacts, err := Contacts(ctx, tx, a.OrganisationID)
		if err != nil {
			return err
		}
		f, errs := in.check(contacts, a.VisitedOn, true)
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		if a.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this action since you opened it. Look at it again before you change it")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qa_actions SET description = $2, owner_name = $3, owner_email = $4, due_on = $5, status = $6,
			closed_at = NULL, closed_by = NULL, closed_by_name = '', version = version + 1, updated_at = now() WHERE id = $1`,
			actionID, f.description, f.ownerName, f.ownerEmail, f.dueOn, string(f.status)); err != nil {
			return fmt.Errorf("update action: %w", err)
		}
		changes := map[string]any{}
		diff := func(name string, from, to any) {
			if fmt.Sprint(from) != fmt.Sprint(to) {
				changes[name] = map[string]any{"from": from, "to": to}
			}
		}
		diff("description", a.Description, f.description)
		diff("owner", a.Owner(), (&Action{OwnerName: f.ownerName, OwnerEmail: f.ownerEmail}).Owner())
		diff("due_on", a.DueOn.Format(time.DateOnly), f.dueOn.Format(time.DateOnly))
		diff("status", string(a.Status), string(f.status))
		detail := fmt.Sprintf("Action due %s changed", displayDate(f.dueOn))
		if a.Status != f.status {
			detail = fmt.Sprintf("Action due %s changed from %s to %s", displayDate(f.dueOn), strings.ToLower(a.Status.Label()), strings.ToLower(f.status.Label()))
		}
		if err := record(ctx, tx, "quality.action.updated", a.OrganisationID, detail,
			map[string]any{"visit_id": a.VisitID, "action_id": actionID, "changes": changes}); err != nil {
			return err
		}
		return RefreshProvider(ctx, tx, a.OrganisationID, today)
	})
}

// CloseAction closes an action once the officer is satisfied, with an optional note the
// provider sees, and tells the provider. version is the one the officer read.
func (s *Service) CloseAction(ctx context.Context, actionID string, version int, note string) error {
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		return apperr.InvalidFields(map[string]string{"closing_note": "The note must be 2000 characters or fewer"})
	}
	today := s.Today()
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		a, err := lockAction(ctx, tx, actionID, today)
		if err != nil {
			return err
		}
		if a.Status == ActionClosed {
			return apperr.New(apperr.Conflict, "This action is already closed")
		}
		if a.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this action since you opened it. Look at it again before you close it")
		}
		who, err := currentActor(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qa_actions SET status = 'closed', closing_note = $2, closed_at = now(), closed_by = $3,
			closed_by_name = $4, version = version + 1, updated_at = now() WHERE id = $1`, actionID, note, who.ID, who.Name); err != nil {
			return fmt.Errorf("close action: %w", err)
		}
		if err := record(ctx, tx, "quality.action.closed", a.OrganisationID,
			fmt.Sprintf("Action due %s closed by %s", displayDate(a.DueOn), who.Name),
			map[string]any{"visit_id": a.VisitID, "action_id": actionID, "from": string(a.Status), "note": note}); err != nil {
			return err
		}
		body := fmt.Sprintf("The council has closed this action from its quality assurance visit on %s:\n\n%s\n", displayDate(a.VisitedOn), a.Description)
		if note != "" {
			body += "\nThe officer's note: " + note + "\n"
		}
		body += "\n" + s.link("/provider/quality/actions/"+actionID) + "\n"
		if err := s.tellProvider(ctx, tx, a.OrganisationID, "quality_action", "A quality assurance action is closed", body, a.OwnerEmail); err != nil {
			return err
		}
		return RefreshProvider(ctx, tx, a.OrganisationID, today)
	})
}

// Evidence is a file a provider sends with a response.
type Evidence struct {
	Filename string
	Content  []byte
}

// ResponseInput is a provider's response as typed.
type ResponseInput struct {
	Response string `form:"response" multiline:"true" label:"your response"`
	Status   string `form:"status" label:"where the action is"`
}

// ResponseFieldOrder is the response form's fields in page order, for the error summary.
var ResponseFieldOrder = []string{"response", "status", "evidence"}

func (in ResponseInput) check() map[string]string {
	errs := map[string]string{}
	switch r := strings.TrimSpace(in.Response); {
	case r == "":
		errs["response"] = "Enter what you have done or are doing about the action"
	case len(r) > 5000:
		errs["response"] = "Your response must be 5000 characters or fewer"
	}
	if !isOption(ResponseStatuses, in.Status) {
		errs["status"] = "Select whether you are working on the action or have completed it"
	}
	return errs
}

// Respond records a provider's response to one of its organisation's actions, with evidence
// if given, and tells the visiting officers. An action of another organisation is NotFound;
// a closed one cannot be answered; version is the one the provider read.
func (s *Service) Respond(ctx context.Context, orgID, actionID string, version int, in ResponseInput, evidence *Evidence) error {
	errs := in.check()
	if evidence != nil && s.Documents == nil {
		return fmt.Errorf("respond: no document store")
	}
	today := s.Today()
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		a, err := lockAction(ctx, tx, actionID, today)
		if err != nil {
			return err
		}
		if a.OrganisationID != orgID {
			return apperr.New(apperr.NotFound, "Action not found")
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		if a.Status == ActionClosed {
			return apperr.New(apperr.Conflict, "The council has closed this action, so it cannot take a response. Contact your commissioning officer if it needs more work")
		}
		if a.Version != version {
			return apperr.New(apperr.Conflict, "This action changed since you opened it. Read it again before you respond")
		}
		who, err := currentActor(ctx, tx)
		if err != nil {
			return err
		}
		var docID *string
		if evidence != nil {
			doc, err := s.Documents.Put(ctx, tx, orgID, document.KindQAEvidence, evidence.Filename, evidence.Content)
			if err != nil {
				if apperr.KindOf(err) == apperr.Invalid {
					return apperr.InvalidFields(map[string]string{"evidence": apperr.MessageOf(err)})
				}
				return err
			}
			docID = &doc.ID
		}
		status := ActionStatus(in.Status)
		if _, err := tx.ExecContext(ctx, `INSERT INTO qa_action_responses (action_id, organisation_id, response, status, evidence_document_id, by_user, by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, actionID, orgID, strings.TrimSpace(in.Response), string(status), docID, who.ID, who.Name); err != nil {
			return fmt.Errorf("record response: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qa_actions SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`,
			actionID, string(status)); err != nil {
			return fmt.Errorf("update action status: %w", err)
		}
		summary := map[string]any{"visit_id": a.VisitID, "action_id": actionID, "from": string(a.Status), "to": string(status)}
		if docID != nil {
			summary["evidence_document_id"] = *docID
		}
		if err := record(ctx, tx, "quality.action.responded", orgID,
			fmt.Sprintf("%s responded to the action due %s: %s", who.Name, displayDate(a.DueOn), strings.ToLower(status.Label())), summary); err != nil {
			return err
		}
		officers, err := visitOfficerEmails(ctx, tx, a.VisitID)
		if err != nil {
			return err
		}
		body := fmt.Sprintf("%s of %s responded to the action from the visit on %s:\n\n%s\n\nThey say it is: %s.\n\n%s\n",
			who.Name, a.OrganisationName, displayDate(a.VisitedOn), a.Description, strings.ToLower(status.Label()), s.link("/quality/actions/"+actionID))
		for _, addr := range officers {
			if err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Kind: "quality_response",
				Subject: "A provider responded to a quality assurance action – " + a.OrganisationName, Body: body}); err != nil {
				return err
			}
		}
		return RefreshProvider(ctx, tx, orgID, today)
	})
}

// tellProvider emails the provider's users and key contact, and the action's owner when they
// are a contact on file, once per address.
func (s *Service) tellProvider(ctx context.Context, tx *sqlx.Tx, orgID, kind, subject, body string, owner *string) error {
	to, err := provider.Recipients(ctx, tx, orgID)
	if err != nil {
		return err
	}
	if owner != nil && *owner != "" {
		to = append(to, strings.ToLower(*owner))
	}
	seen := map[string]bool{}
	for _, addr := range to {
		if seen[addr] {
			continue
		}
		seen[addr] = true
		if err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Kind: kind, Subject: subject, Body: body}); err != nil {
			return err
		}
	}
	return nil
}
