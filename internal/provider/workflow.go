package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Task is a section as the task list shows it.
type Task struct {
	Definition
	Status   TaskStatus
	Version  int
	Comments []SectionComment
}

// SectionComment is an officer's comment on a section at review.
type SectionComment struct {
	ID         int64      `db:"id"`
	Section    string     `db:"section"`
	Comment    string     `db:"comment"`
	ByName     string     `db:"by_name"`
	At         time.Time  `db:"at"`
	ResolvedAt *time.Time `db:"resolved_at"`
	// Replies are the provider's answers to the comment, oldest first.
	Replies []CommentReply `db:"-"`
}

// Tasks returns the task list: each section with its status and open review comments.
func Tasks(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]Task, error) {
	recs, err := SectionRecords(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	comments, err := OpenComments(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, 0, len(Sections))
	for _, def := range Sections {
		t := Task{Definition: def, Status: TaskNotStarted}
		if r := recs[def.Key]; r != nil {
			t.Version = r.Version
			switch {
			case r.HasDraft():
				t.Status = TaskInProgress // a draft is never checked, reviewed or submitted
			case r.PendingReview:
				t.Status = TaskChangesPending
			case r.Completed:
				t.Status = TaskCompleted
			default:
				t.Status = TaskInProgress
			}
		}
		if t.Status == TaskNotStarted {
			for _, dep := range def.After {
				if r := recs[dep]; r == nil || !(r.Completed || r.PendingReview) {
					t.Status = TaskCannotStartYet
					break
				}
			}
		}
		for _, c := range comments {
			if c.Section == string(def.Key) {
				t.Comments = append(t.Comments, c)
			}
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// OpenComments lists unresolved officer comments on an organisation's sections.
func OpenComments(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]SectionComment, error) {
	var out []SectionComment
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, section, comment, by_name, at, resolved_at FROM provider_section_comments
		WHERE organisation_id = $1 AND resolved_at IS NULL ORDER BY at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("section comments: %w", err)
	}
	return out, withReplies(ctx, q, orgID, out)
}

// StatusChange is one entry of a record's status history.
type StatusChange struct {
	From   *string   `db:"from_status"`
	To     Status    `db:"to_status"`
	Reason string    `db:"reason"`
	ByName string    `db:"by_name"`
	At     time.Time `db:"at"`
}

// History lists every status change of a record, oldest first.
func History(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]StatusChange, error) {
	var out []StatusChange
	err := sqlx.SelectContext(ctx, q, &out, `SELECT from_status, to_status, reason, by_name, at FROM provider_status_history
		WHERE organisation_id = $1 ORDER BY at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("status history: %w", err)
	}
	return out, nil
}

// transition moves a record from one of the allowed statuses to the next, checking the
// version the actor saw, recording history and audit. A second click of the same button finds
// the status already moved and is refused, so a double submission makes one.
func transition(ctx context.Context, tx *sqlx.Tx, orgID string, version int, allowed []Status, to Status, reason string) (*Organisation, error) {
	org, err := lockOrganisation(ctx, tx, orgID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(allowed, org.Status) {
		return nil, apperr.New(apperr.Conflict, "This record is %s, so that cannot be done now", lower(org.Status.Label()))
	}
	if org.Version != version {
		return nil, apperr.New(apperr.Conflict, "This record changed since you opened it. Look at it again before you decide")
	}
	set := ""
	switch to {
	case StatusSubmitted, StatusResubmitted:
		set = ", submitted_at = now()"
	case StatusApproved, StatusRejected, StatusChangesRequested:
		set = ", decided_at = now()"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE organisations SET status = $2, version = version + 1, updated_at = now()`+set+` WHERE id = $1`, orgID, string(to)); err != nil {
		return nil, fmt.Errorf("change status: %w", err)
	}
	actor := audit.ActorFrom(ctx)
	var by any
	if actor.UserID != "" {
		by = actor.UserID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO provider_status_history (organisation_id, from_status, to_status, reason, by_user, by_name)
		VALUES ($1, $2, $3, $4, $5, $6)`, orgID, string(org.Status), string(to), reason, by, auth.ActorName(ctx, tx, actor)); err != nil {
		return nil, fmt.Errorf("status history: %w", err)
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "provider.status." + string(to), ObjectType: "organisation", ObjectID: orgID,
		Summary: map[string]any{"from": string(org.Status), "to": string(to), "reason": reason}}); err != nil {
		return nil, err
	}
	org.Status = to
	return org, nil
}

// ReviewWorkingDays is how long the commissioning team aims to take to decide on a record
// sent for review; providers are told it when they send it.
const ReviewWorkingDays = 10

// Submit sends a complete record for review: every section must be completed.
func (s *Service) Submit(ctx context.Context, orgID string, version int) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		tasks, err := Tasks(ctx, tx, orgID)
		if err != nil {
			return err
		}
		var missing []string
		for _, t := range tasks {
			if t.Status != TaskCompleted {
				missing = append(missing, t.Title)
			}
		}
		if len(missing) > 0 {
			return apperr.New(apperr.Invalid, "Complete every section before you submit: %s", strings.Join(missing, ", "))
		}
		org, err := lockOrganisation(ctx, tx, orgID)
		if err != nil {
			return err
		}
		to := StatusSubmitted
		if org.Status == StatusChangesRequested {
			to = StatusResubmitted
		}
		// The statuses CanSubmit allows (Status.Submittable).
		if _, err := transition(ctx, tx, orgID, version, []Status{StatusDraft, StatusChangesRequested}, to, ""); err != nil {
			return err
		}
		if err := keepSubmittedCopy(ctx, tx, orgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE provider_section_comments SET resolved_at = now() WHERE organisation_id = $1 AND resolved_at IS NULL`, orgID); err != nil {
			return err
		}
		return s.tellProvider(ctx, tx, orgID, "We have received your registration",
			fmt.Sprintf("Thank you. Your supplier record has been sent to the commissioning team, who will review it and let you know the outcome, usually within %d working days.", ReviewWorkingDays))
	})
}

// RequestChanges sends the record back with a comment on each section that needs work.
func (s *Service) RequestChanges(ctx context.Context, orgID string, version int, comments map[SectionKey]string) error {
	var listed []string
	for _, def := range Sections {
		if c := strings.TrimSpace(comments[def.Key]); c != "" {
			listed = append(listed, def.Title+": "+c)
		}
	}
	if len(listed) == 0 {
		return apperr.InvalidFields(map[string]string{"comment-" + string(Sections[0].Key): "Write a comment on at least one section saying what needs to change"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := transition(ctx, tx, orgID, version, []Status{StatusSubmitted, StatusResubmitted}, StatusChangesRequested, strings.Join(listed, "\n")); err != nil {
			return err
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		// Sections accepted and not commented on stay accepted into the resubmission, until
		// the provider changes them.
		if err := snapshotDecision(ctx, tx, orgID, true); err != nil {
			return err
		}
		name := auth.ActorName(ctx, tx, audit.ActorFrom(ctx))
		for _, def := range Sections {
			c := strings.TrimSpace(comments[def.Key])
			if c == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO provider_section_comments (organisation_id, section, comment, by_user, by_name)
				VALUES ($1, $2, $3, NULLIF($4, '')::uuid, $5)`, orgID, string(def.Key), c, audit.ActorFrom(ctx).UserID, name); err != nil {
				return fmt.Errorf("section comment: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE provider_sections SET completed = false, version = version + 1,
				accepted_at = NULL, accepted_by = NULL, accepted_by_name = NULL
				WHERE organisation_id = $1 AND section = $2`, orgID, string(def.Key)); err != nil {
				return err
			}
		}
		return s.tellProvider(ctx, tx, orgID, "Changes are needed to your registration",
			"The commissioning team has reviewed your supplier record and asks you to change the following before they can approve it:\n\n"+
				strings.Join(listed, "\n\n")+"\n\nSign in to make the changes and submit the record again.")
	})
}

// Approve accepts the record: every section's answers become the approved ones, those an
// officer did not accept one by one included (the audit event names them).
func (s *Service) Approve(ctx context.Context, orgID string, version int) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := transition(ctx, tx, orgID, version, []Status{StatusSubmitted, StatusResubmitted}, StatusApproved, ""); err != nil {
			return err
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		var withApproval []string
		if err := tx.SelectContext(ctx, &withApproval, `SELECT section FROM provider_sections
			WHERE organisation_id = $1 AND accepted_at IS NULL ORDER BY section`, orgID); err != nil {
			return fmt.Errorf("sections not accepted: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "provider.sections.accepted_with_approval", ObjectType: "organisation",
			ObjectID: orgID, Summary: map[string]any{"sections": withApproval}}); err != nil {
			return err
		}
		if err := snapshotDecision(ctx, tx, orgID, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE provider_sections SET approved_data = data, pending_review = false WHERE organisation_id = $1`, orgID); err != nil {
			return fmt.Errorf("approve sections: %w", err)
		}
		if err := followApprovedLegalName(ctx, tx, orgID); err != nil {
			return err
		}
		if err := s.approvedChanged(ctx, tx, orgID); err != nil {
			return err
		}
		return s.tellProvider(ctx, tx, orgID, "Your registration has been approved",
			"The commissioning team has approved your supplier record. You can now be offered contracts.\n\n"+
				"Keep your record up to date: changes you make are checked by the team before they take effect.")
	})
}

// Reject refuses the record, with the reason the provider is told.
func (s *Service) Reject(ctx context.Context, orgID string, version int, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return apperr.InvalidFields(map[string]string{"reason": "Enter the reason for rejecting the registration"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := transition(ctx, tx, orgID, version, []Status{StatusSubmitted, StatusResubmitted}, StatusRejected, reason); err != nil {
			return err
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		if err := snapshotDecision(ctx, tx, orgID, false); err != nil {
			return err
		}
		return s.tellProvider(ctx, tx, orgID, "Your registration has not been approved",
			"The commissioning team has not approved your supplier record, for this reason:\n\n"+reason)
	})
}

// Suspend stops an approved provider being used, with a reason; Reinstate undoes it.
func (s *Service) Suspend(ctx context.Context, orgID string, version int, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return apperr.InvalidFields(map[string]string{"reason": "Enter the reason for suspending the provider"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := transition(ctx, tx, orgID, version, []Status{StatusApproved}, StatusSuspended, reason); err != nil {
			return err
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		return s.tellProvider(ctx, tx, orgID, "Your supplier record has been suspended",
			"The commissioning team has suspended your supplier record, for this reason:\n\n"+reason)
	})
}

// Reinstate returns a suspended provider to approved.
func (s *Service) Reinstate(ctx context.Context, orgID string, version int, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return apperr.InvalidFields(map[string]string{"reason": "Enter the reason for reinstating the provider"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := transition(ctx, tx, orgID, version, []Status{StatusSuspended}, StatusApproved, reason); err != nil {
			return err
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		return s.tellProvider(ctx, tx, orgID, "Your supplier record has been reinstated",
			"The commissioning team has reinstated your supplier record:\n\n"+reason)
	})
}

// AcceptSectionChange puts a change made after approval into force. version is the
// section's version the officer reviewed: a change edited again since is refused as a
// conflict, so nothing the officer has not seen comes into force.
func (s *Service) AcceptSectionChange(ctx context.Context, orgID string, key SectionKey, version int) error {
	return s.decideSectionChange(ctx, orgID, key, version, true, "")
}

// DeclineSectionChange discards a change made after approval; the approved answers stay.
// version is checked as for AcceptSectionChange.
func (s *Service) DeclineSectionChange(ctx context.Context, orgID string, key SectionKey, version int, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return apperr.InvalidFields(map[string]string{"reason": "Enter the reason for not accepting the change"})
	}
	return s.decideSectionChange(ctx, orgID, key, version, false, reason)
}

func (s *Service) decideSectionChange(ctx context.Context, orgID string, key SectionKey, version int, accept bool, reason string) error {
	def, ok := SectionByKey(string(key))
	if !ok {
		return apperr.New(apperr.NotFound, "No such section")
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := lockOrganisation(ctx, tx, orgID); err != nil {
			return err
		}
		rec, err := SectionRecordByKey(ctx, tx, orgID, key)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if rec == nil || !rec.PendingReview {
			return apperr.New(apperr.Conflict, "There is no change waiting for review in this section")
		}
		if rec.Version != version {
			return apperr.New(apperr.Conflict, "The provider changed this section again since you opened it. Look at the change again before you decide")
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		if actor := audit.ActorFrom(ctx); rec.UpdatedBy != nil && actor.UserID != "" && *rec.UpdatedBy == actor.UserID {
			return apperr.New(apperr.Forbidden, "You made this change, so another officer must review it")
		}
		action, subject, body := "accepted", "Your change has been accepted",
			fmt.Sprintf("The commissioning team has accepted your change to %s. It is now in force.", def.InSentence())
		if accept {
			_, err = tx.ExecContext(ctx, `UPDATE provider_sections SET approved_data = data, decided_data = data, pending_review = false, completed = true,
				version = version + 1 WHERE organisation_id = $1 AND section = $2`, orgID, string(key))
			if err == nil {
				var answers Answers
				if answers, err = rec.Answers(def); err == nil {
					err = updateSearchColumns(ctx, tx, orgID, answers)
				}
				if err == nil {
					err = followApprovedLegalName(ctx, tx, orgID)
				}
				if err == nil {
					err = s.approvedChanged(ctx, tx, orgID)
				}
			}
		} else {
			action, subject, body = "declined", "Your change has not been accepted",
				fmt.Sprintf("The commissioning team has not accepted your change to %s, for this reason:\n\n%s\n\nThe details approved before stay in force.", def.InSentence(), reason)
			_, err = tx.ExecContext(ctx, `UPDATE provider_sections SET data = approved_data, decided_data = approved_data, pending_review = false,
				completed = true, version = version + 1 WHERE organisation_id = $1 AND section = $2`, orgID, string(key))
		}
		if err != nil {
			return fmt.Errorf("decide section change: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "provider.section_change." + action, ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"section": string(key), "reason": reason}}); err != nil {
			return err
		}
		return s.tellProvider(ctx, tx, orgID, subject, body)
	})
}

// tellProvider emails the key contact and every user of the organisation, once per address.
func (s *Service) tellProvider(ctx context.Context, tx *sqlx.Tx, orgID, subject, body string) error {
	to, err := Recipients(ctx, tx, orgID)
	if err != nil {
		return err
	}
	org, err := OrganisationByID(ctx, tx, orgID)
	if err != nil {
		return err
	}
	link := s.BaseURL.JoinPath("/provider").String()
	for _, addr := range to {
		if err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Kind: "provider_decision",
			Subject: subject + " – " + org.DisplayName(),
			Body:    fmt.Sprintf("%s\n\nSupplier reference: %s\n\n%s\n", body, org.SupplierRef, link)}); err != nil {
			return err
		}
	}
	return nil
}

// Recipients are the addresses on file for an organisation: its users and its key contact.
func Recipients(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]string, error) {
	out, err := recipientsOf(ctx, q, []string{orgID}, false)
	return out[orgID], err
}

// RecipientsOf is Recipients for many organisations at once: for each, the key contact's
// address and every active user's, lower-cased, once each, in order. Organisations with
// nobody to tell are left out. A caller that tells many providers about one batch of changes
// reads their addresses in one query rather than one per provider.
func RecipientsOf(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string][]string, error) {
	return recipientsOf(ctx, q, orgIDs, false)
}

// EveryContactOf is RecipientsOf with every other contact on file too (a finance lead,
// say): a change of bank details is told to everyone who might spot that it was not theirs.
func EveryContactOf(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string][]string, error) {
	return recipientsOf(ctx, q, orgIDs, true)
}

func recipientsOf(ctx context.Context, q sqlx.QueryerContext, orgIDs []string, others bool) (map[string][]string, error) {
	out := make(map[string][]string, len(orgIDs))
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Org  string `db:"org"`
		Addr string `db:"addr"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT DISTINCT org, lower(addr) AS addr FROM (
			SELECT m.organisation_id AS org, u.email::text AS addr FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE m.organisation_id = ANY($1::uuid[]) AND u.disabled_at IS NULL
			UNION
			SELECT organisation_id, coalesce(approved_data, data)->>'key_contact_email' FROM provider_sections
			WHERE organisation_id = ANY($1::uuid[]) AND section = 'contacts'
			UNION
			SELECT s.organisation_id, o->>'email' FROM provider_sections s,
				jsonb_array_elements(CASE WHEN jsonb_typeof(coalesce(s.approved_data, s.data)->'contacts') = 'array'
					THEN coalesce(s.approved_data, s.data)->'contacts' ELSE '[]'::jsonb END) o
			WHERE $2 AND s.organisation_id = ANY($1::uuid[]) AND s.section = 'contacts'
		) a WHERE addr IS NOT NULL AND addr <> '' ORDER BY 1, 2`, pq.StringArray(orgIDs), others)
	if err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	for _, r := range rows {
		out[r.Org] = append(out[r.Org], r.Addr)
	}
	return out, nil
}

// QueueEntry is a record waiting for an officer's decision.
type QueueEntry struct {
	ID          string    `db:"id"`
	DisplayName string    `db:"display_name"`
	SupplierRef string    `db:"supplier_ref"`
	Status      Status    `db:"status"`
	SubmittedAt time.Time `db:"submitted_at"`
}

// AwaitingDecision lists one page of the records submitted or resubmitted, oldest
// submission first (the review queue), and how many there are in all.
func AwaitingDecision(ctx context.Context, q sqlx.QueryerContext, limit, offset int) ([]QueueEntry, int, error) {
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM organisations WHERE status IN ('submitted', 'resubmitted')`); err != nil {
		return nil, 0, fmt.Errorf("count review queue: %w", err)
	}
	var out []QueueEntry
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, coalesce(nullif(legal_name, ''), name) AS display_name, supplier_ref, status,
			coalesce(submitted_at, updated_at) AS submitted_at
		FROM organisations WHERE status IN ('submitted', 'resubmitted')
		ORDER BY coalesce(submitted_at, updated_at), id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("review queue: %w", err)
	}
	return out, total, nil
}

// PendingChange is a section an approved provider changed, waiting for an officer.
type PendingChange struct {
	OrganisationID string     `db:"organisation_id"`
	DisplayName    string     `db:"display_name"`
	SupplierRef    string     `db:"supplier_ref"`
	Status         Status     `db:"status"`
	Section        SectionKey `db:"section"`
	UpdatedAt      time.Time  `db:"updated_at"`
}

// SectionTitle names the changed section as the task list does.
func (p PendingChange) SectionTitle() string {
	if def, ok := SectionByKey(string(p.Section)); ok {
		return def.Title
	}
	return string(p.Section)
}

// PendingChanges lists one page of the section changes waiting for review, oldest first,
// and how many there are in all.
func PendingChanges(ctx context.Context, q sqlx.QueryerContext, limit, offset int) ([]PendingChange, int, error) {
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM provider_sections WHERE pending_review`); err != nil {
		return nil, 0, fmt.Errorf("count pending changes: %w", err)
	}
	var out []PendingChange
	err := sqlx.SelectContext(ctx, q, &out, `SELECT ps.organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS display_name,
			o.supplier_ref, o.status, ps.section, ps.updated_at
		FROM provider_sections ps JOIN organisations o ON o.id = ps.organisation_id
		WHERE ps.pending_review
		ORDER BY ps.updated_at, ps.organisation_id, ps.section LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("pending changes: %w", err)
	}
	return out, total, nil
}

// followApprovedLegalName makes the approved legal name the organisation's name, the one
// every page, list and email uses: the name typed at registration is only a first guess.
func followApprovedLegalName(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE organisations SET name = legal_name, updated_at = now()
		WHERE id = $1 AND coalesce(legal_name, '') <> '' AND name IS DISTINCT FROM legal_name`, orgID)
	if err != nil {
		return fmt.Errorf("follow legal name: %w", err)
	}
	return nil
}
