package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// ChangeKind says how one answer differs from the last decision.
type ChangeKind string

const (
	ChangeAdded   ChangeKind = "Added"
	ChangeRemoved ChangeKind = "Removed"
	ChangeChanged ChangeKind = "Changed"
)

// FieldChange is one answer that differs from the one decided on last, as the officer reads
// it: the question, what it was and what it is now. Values come from the sections' Summary,
// so secrets are masked here as everywhere else an answer is shown.
type FieldChange struct {
	Label  string
	Before string
	After  string
	Kind   ChangeKind
}

// HiddenValuesLabel names the line SectionChanges adds when a sealed value (sort code,
// account, roll or DBS certificate number) was typed again: its masked form may look the
// same, and the clear value is never shown, so the officer is told it was entered anew.
const HiddenValuesLabel = "Numbers shown only masked"

// SectionChanges lists, question by question, how after differs from before (nil before:
// everything is added). Answers are matched by their question; a question asked more than
// once (a member of staff, an address) is matched by its place among those with that name.
func SectionChanges(before, after Answers) []FieldChange {
	b, a := summaryOf(before), summaryOf(after)
	type slot struct {
		label string
		n     int
	}
	keyed := func(rows []SummaryRow) ([]slot, map[slot]string) {
		seen := map[string]int{}
		order := make([]slot, 0, len(rows))
		values := make(map[slot]string, len(rows))
		for _, r := range rows {
			k := slot{r.Key, seen[r.Key]}
			seen[r.Key]++
			order = append(order, k)
			values[k] = r.Value
		}
		return order, values
	}
	bOrder, bValues := keyed(b)
	aOrder, aValues := keyed(a)
	var out []FieldChange
	for _, k := range aOrder {
		old, had := bValues[k]
		switch {
		case !had:
			out = append(out, FieldChange{Label: k.label, After: aValues[k], Kind: ChangeAdded})
		case old != aValues[k]:
			out = append(out, FieldChange{Label: k.label, Before: old, After: aValues[k], Kind: ChangeChanged})
		}
	}
	for _, k := range bOrder {
		if _, still := aValues[k]; !still {
			out = append(out, FieldChange{Label: k.label, Before: bValues[k], Kind: ChangeRemoved})
		}
	}
	if isSet(before) && !slices.Equal(sealedValues(before), sealedValues(after)) {
		out = append(out, FieldChange{Label: HiddenValuesLabel, Before: "As at the last decision",
			After: "Entered again or changed: compare the last digits shown", Kind: ChangeChanged})
	}
	return out
}

func isSet(a Answers) bool { return a != nil && !reflect.ValueOf(a).IsNil() }

func summaryOf(a Answers) []SummaryRow {
	if !isSet(a) {
		return nil
	}
	return a.Summary()
}

// sealedValues are the ciphertexts a section holds, sorted: sealing uses a fresh nonce, so
// a number typed again differs here even when its last digits do not.
func sealedValues(a Answers) []string {
	if !isSet(a) {
		return nil
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && strings.HasSuffix(k, "_sealed") && s != "" {
					out = append(out, s)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(toMap(a))
	slices.Sort(out)
	return out
}

// ReviewBaseline is what a section is compared with at review: for a change held after
// approval, the answers in force; otherwise the answers at the last decision. It returns
// nil when there is none (a first submission, or a section new since).
func (r *SectionRecord) ReviewBaseline(def Definition) (Answers, error) {
	data := r.DecidedData
	if r.PendingReview {
		data = r.ApprovedData
	}
	if len(data) == 0 {
		return nil, nil
	}
	return decodeAnswers(def, data)
}

// ErrNotDecided is Decided's answer for a section no decision was made on yet.
var ErrNotDecided = apperr.New(apperr.NotFound, "No decision has been made on this section yet")

// Decided decodes the answers kept from the last decision, or returns ErrNotDecided (an
// apperr.NotFound). Subject access reads this copy as well as the other two.
func (r *SectionRecord) Decided(def Definition) (Answers, error) {
	if len(r.DecidedData) == 0 {
		return nil, ErrNotDecided
	}
	return decodeAnswers(def, r.DecidedData)
}

// checkNotOwnRecord enforces segregation of duties on an officer's decision: no one
// reviews a record of an organisation they belong to. Decisions made with no signed-in
// person (commands, jobs) are not people deciding about themselves.
func checkNotOwnRecord(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	actor := audit.ActorFrom(ctx)
	if actor.UserID == "" {
		return nil
	}
	var member bool
	if err := tx.GetContext(ctx, &member, `SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND organisation_id = $2)`,
		actor.UserID, orgID); err != nil {
		return fmt.Errorf("segregation check: %w", err)
	}
	if member {
		return apperr.New(apperr.Forbidden, "You belong to this provider organisation, so another officer must review its record")
	}
	return nil
}

// AcceptSection records that an officer has checked one section of a record under review
// and accepts it, so the next look at the record (or another officer's) need not read it
// again. version is the section's version the officer saw. The acceptance lasts until the
// provider changes the section, an officer comments on it, or the record is decided; the
// final approval accepts any section not accepted one by one.
func (s *Service) AcceptSection(ctx context.Context, orgID string, key SectionKey, version int) error {
	def, ok := SectionByKey(string(key))
	if !ok {
		return apperr.New(apperr.NotFound, "No such section")
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		org, err := lockOrganisation(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := checkNotOwnRecord(ctx, tx, orgID); err != nil {
			return err
		}
		if !org.Status.AwaitingReview() {
			return apperr.New(apperr.Conflict, "This record is %s, so its sections cannot be accepted now", lower(org.Status.Label()))
		}
		rec, err := SectionRecordByKey(ctx, tx, orgID, key)
		if err != nil {
			return err
		}
		if rec.Version != version {
			return apperr.New(apperr.Conflict, "This section changed since you opened it. Look at it again before you accept it")
		}
		if rec.AcceptedAt != nil {
			return apperr.New(apperr.Conflict, "%s was already accepted", def.Title)
		}
		actor := audit.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE provider_sections SET accepted_at = now(), accepted_by = NULLIF($3, '')::uuid,
			accepted_by_name = $4 WHERE organisation_id = $1 AND section = $2`,
			orgID, string(key), actor.UserID, auth.ActorName(ctx, tx, actor)); err != nil {
			return fmt.Errorf("accept section: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "provider.section.accepted", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"section": string(key), "section_version": version}})
	})
}

// snapshotDecision keeps every section's answers as they are at a decision on the record,
// so the next review shows what changed since, and ends the acceptances of this review.
func snapshotDecision(ctx context.Context, tx *sqlx.Tx, orgID string, keepAcceptances bool) error {
	clear := `, accepted_at = NULL, accepted_by = NULL, accepted_by_name = NULL`
	if keepAcceptances {
		clear = ""
	}
	if _, err := tx.ExecContext(ctx, `UPDATE provider_sections SET decided_data = data`+clear+` WHERE organisation_id = $1`, orgID); err != nil {
		return fmt.Errorf("keep decided answers: %w", err)
	}
	return nil
}

// CommentReply is a provider's reply to an officer's comment.
type CommentReply struct {
	CommentID int64     `db:"comment_id"`
	Reply     string    `db:"reply"`
	ByName    string    `db:"by_name"`
	At        time.Time `db:"at"`
}

// ReviewComments lists the comments of the latest round of review: those still open, and
// those the provider's latest submission answered, with the provider's replies, so the
// officer reading a resubmission sees what was asked and what the provider said.
func ReviewComments(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]SectionComment, error) {
	var out []SectionComment
	err := sqlx.SelectContext(ctx, q, &out, `SELECT c.id, c.section, c.comment, c.by_name, c.at, c.resolved_at
		FROM provider_section_comments c JOIN organisations o ON o.id = c.organisation_id
		WHERE c.organisation_id = $1 AND (c.resolved_at IS NULL OR c.resolved_at >= o.submitted_at)
		ORDER BY c.at, c.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("review comments: %w", err)
	}
	return out, withReplies(ctx, q, orgID, out)
}

// withReplies fills in each comment's replies, oldest first.
func withReplies(ctx context.Context, q sqlx.QueryerContext, orgID string, comments []SectionComment) error {
	if len(comments) == 0 {
		return nil
	}
	var replies []CommentReply
	if err := sqlx.SelectContext(ctx, q, &replies, `SELECT comment_id, reply, by_name, at FROM provider_section_comment_replies
		WHERE organisation_id = $1 ORDER BY at, id`, orgID); err != nil {
		return fmt.Errorf("comment replies: %w", err)
	}
	for i := range comments {
		for _, r := range replies {
			if r.CommentID == comments[i].ID {
				comments[i].Replies = append(comments[i].Replies, r)
			}
		}
	}
	return nil
}

// ReplyToComment adds the provider's reply to an officer's comment on a section of their
// own record. The comment must belong to orgID (so no id sent by anyone reaches another
// organisation's comments) and still be open: once the record is submitted again, the
// conversation is the officer's to read.
func (s *Service) ReplyToComment(ctx context.Context, orgID string, commentID int64, reply string) error {
	reply = strings.TrimSpace(reply)
	if reply == "" {
		return apperr.InvalidFields(map[string]string{"reply": "Enter your reply"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := lockOrganisation(ctx, tx, orgID); err != nil {
			return err
		}
		var c SectionComment
		err := tx.GetContext(ctx, &c, `SELECT id, section, comment, by_name, at, resolved_at FROM provider_section_comments
			WHERE id = $1 AND organisation_id = $2`, commentID, orgID)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "Comment not found")
		}
		if err != nil {
			return fmt.Errorf("comment: %w", err)
		}
		if c.ResolvedAt != nil {
			return apperr.New(apperr.Conflict, "You have submitted your record since this comment, so it can no longer be replied to")
		}
		actor := audit.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `INSERT INTO provider_section_comment_replies (comment_id, organisation_id, reply, by_user, by_name)
			VALUES ($1, $2, $3, NULLIF($4, '')::uuid, $5)`, commentID, orgID, reply, actor.UserID, auth.ActorName(ctx, tx, actor)); err != nil {
			return fmt.Errorf("reply: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "provider.section_comment.replied", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"section": c.Section, "comment_id": commentID}})
	})
}

// CommentByID returns one comment of an organisation with its replies, or NotFound.
func CommentByID(ctx context.Context, q sqlx.QueryerContext, orgID string, commentID int64) (*SectionComment, error) {
	var c SectionComment
	err := sqlx.GetContext(ctx, q, &c, `SELECT id, section, comment, by_name, at, resolved_at FROM provider_section_comments
		WHERE id = $1 AND organisation_id = $2`, commentID, orgID)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Comment not found")
	}
	if err != nil {
		return nil, fmt.Errorf("comment: %w", err)
	}
	list := []SectionComment{c}
	if err := withReplies(ctx, q, orgID, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}
