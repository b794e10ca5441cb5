package quality

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// visitColumns read a visit with its provider's name and how many of its actions are still
// to do and overdue on the date given as $1.
const visitColumns = `v.id, v.organisation_id, v.visited_on, v.announced, v.areas, v.findings, v.grade, v.created_by_name,
	v.created_at, v.updated_at, v.version, coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name,
	(SELECT count(*) FROM qa_actions a WHERE a.visit_id = v.id AND a.status IN ('open','in_progress')) AS open_actions,
	(SELECT count(*) FROM qa_actions a WHERE a.visit_id = v.id AND a.status IN ('open','in_progress') AND a.due_on < $1) AS overdue_actions`

const visitFrom = ` FROM qa_visits v JOIN organisations o ON o.id = v.organisation_id`

// VisitByID returns a visit with its officers, or NotFound. Callers check the reader may see
// the provider's visits.
func VisitByID(ctx context.Context, q sqlx.QueryerContext, id string, today time.Time) (*Visit, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Visit not found")
	}
	var v Visit
	err := sqlx.GetContext(ctx, q, &v, `SELECT `+visitColumns+visitFrom+` WHERE v.id = $2`, today, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Visit not found")
	}
	if err != nil {
		return nil, fmt.Errorf("visit: %w", err)
	}
	if err := sqlx.SelectContext(ctx, q, &v.Officers, `SELECT vo.user_id AS id, vo.officer_name AS name, u.email
		FROM qa_visit_officers vo JOIN users u ON u.id = vo.user_id WHERE vo.visit_id = $1 ORDER BY vo.officer_name, vo.user_id`, id); err != nil {
		return nil, fmt.Errorf("visit officers: %w", err)
	}
	return &v, nil
}

// Visits lists one page of a provider's visits, latest first, and how many there are.
func Visits(ctx context.Context, q sqlx.QueryerContext, orgID string, today time.Time, limit, offset int) ([]Visit, int, error) {
	var rows []struct {
		Visit
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+visitColumns+`, count(*) OVER () AS total`+visitFrom+`
		WHERE v.organisation_id = $2 ORDER BY v.visited_on DESC, v.created_at DESC, v.id LIMIT $3 OFFSET $4`, today, orgID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("visits: %w", err)
	}
	out := make([]Visit, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Visit, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		err = sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM qa_visits WHERE organisation_id = $1`, orgID)
	}
	return out, total, err
}

const actionColumns = `a.id, a.visit_id, a.organisation_id, a.description, a.owner_name, a.owner_email, a.due_on, a.status,
	a.closing_note, a.closed_by_name, a.closed_at, a.created_by_name, a.created_at, a.updated_at, a.version, v.visited_on,
	coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name`

const actionFrom = ` FROM qa_actions a JOIN qa_visits v ON v.id = a.visit_id JOIN organisations o ON o.id = a.organisation_id`

// ActionByID returns an action, or NotFound. Callers check the reader may see it.
func ActionByID(ctx context.Context, q sqlx.QueryerContext, id string, today time.Time) (*Action, error) {
	return actionWhere(ctx, q, today, `a.id = $1`, id)
}

func actionWhere(ctx context.Context, q sqlx.QueryerContext, today time.Time, where, id string) (*Action, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Action not found")
	}
	var a Action
	err := sqlx.GetContext(ctx, q, &a, `SELECT `+actionColumns+actionFrom+` WHERE `+where, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Action not found")
	}
	if err != nil {
		return nil, fmt.Errorf("action: %w", err)
	}
	a.Today = today
	return &a, nil
}

// lockAction reads an action FOR UPDATE, so changes to it are serialised.
func lockAction(ctx context.Context, tx *sqlx.Tx, id string, today time.Time) (*Action, error) {
	return actionWhere(ctx, tx, today, `a.id = $1 FOR UPDATE OF a`, id)
}

// ActionFilter selects actions for a list.
type ActionFilter struct {
	OrganisationID string
	VisitID        string
	// OverdueOnly lists only actions not completed or closed whose due date has passed.
	OverdueOnly bool
	Limit       int
	Offset      int
}

// Actions lists one page of actions and how many match: outstanding ones first, by due
// date, then the rest, newest due first. Overdue is judged on today.
func Actions(ctx context.Context, q sqlx.QueryerContext, f ActionFilter, today time.Time) ([]Action, int, error) {
	conds := []string{"true"}
	var args []any
	if f.OrganisationID != "" {
		if !db.IsUUID(f.OrganisationID) {
			return nil, 0, nil
		}
		args = append(args, f.OrganisationID)
		conds = append(conds, fmt.Sprintf("a.organisation_id = $%d", len(args)))
	}
	if f.VisitID != "" {
		if !db.IsUUID(f.VisitID) {
			return nil, 0, nil
		}
		args = append(args, f.VisitID)
		conds = append(conds, fmt.Sprintf("a.visit_id = $%d", len(args)))
	}
	if f.OverdueOnly {
		args = append(args, today)
		conds = append(conds, fmt.Sprintf("a.status IN ('open','in_progress') AND a.due_on < $%d", len(args)))
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM qa_actions a WHERE `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count actions: %w", err)
	}
	args = append(args, f.Limit, f.Offset)
	var out []Action
	err := sqlx.SelectContext(ctx, q, &out, fmt.Sprintf(`SELECT `+actionColumns+actionFrom+` WHERE %s
		ORDER BY (a.status IN ('open','in_progress')) DESC,
			CASE WHEN a.status IN ('open','in_progress') THEN a.due_on END ASC,
			a.due_on DESC, a.created_at, a.id
		LIMIT $%d OFFSET $%d`, where, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("actions: %w", err)
	}
	for i := range out {
		out[i].Today = today
	}
	return out, total, nil
}

// Responses lists a provider's responses to an action, oldest first, with the names of
// their evidence files.
func Responses(ctx context.Context, q sqlx.QueryerContext, actionID string) ([]Response, error) {
	var out []Response
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.id, r.action_id, r.response, r.status, r.evidence_document_id,
		d.filename AS evidence_filename, r.by_name, r.at
		FROM qa_action_responses r LEFT JOIN documents d ON d.id = r.evidence_document_id
		WHERE r.action_id = $1 ORDER BY r.at, r.id LIMIT 500`, actionID)
	if err != nil {
		return nil, fmt.Errorf("action responses: %w", err)
	}
	return out, nil
}

// Officers lists the commissioning officers who can be named on a visit.
func Officers(ctx context.Context, q sqlx.QueryerContext) ([]Officer, error) {
	var out []Officer
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, name, email FROM users
		WHERE 'officer' = ANY(roles) AND disabled_at IS NULL ORDER BY name, email LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("officers: %w", err)
	}
	return out, nil
}

// History lists one page of a provider's quality events, newest first, and how many there are.
func History(ctx context.Context, q sqlx.QueryerContext, orgID string, limit, offset int) ([]HistoryEntry, int, error) {
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM audit_events
		WHERE object_type = 'organisation' AND object_id = $1 AND action LIKE 'quality.%'`, orgID); err != nil {
		return nil, 0, fmt.Errorf("count quality history: %w", err)
	}
	var out []HistoryEntry
	err := sqlx.SelectContext(ctx, q, &out, `SELECT at, action, actor_email, coalesce(summary->>'detail', '') AS summary
		FROM audit_events WHERE object_type = 'organisation' AND object_id = $1 AND action LIKE 'quality.%'
		ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3`, orgID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("quality history: %w", err)
	}
	return out, total, nil
}

// Contact is a person on the provider's record who can own an action.
type Contact struct {
	Name, Role, Email string
}

// Contacts are the provider's key contact and other contacts, from the approved record or,
// before approval, the working one.
func Contacts(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]Contact, error) {
	rec, err := provider.SectionRecordByKey(ctx, q, orgID, provider.SectionContacts)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil // no contacts given yet: an empty list
	}
	if err != nil {
		return nil, err
	}
	def, _ := provider.SectionByKey(string(provider.SectionContacts))
	answers, err := rec.Approved(def)
	if apperr.Is(err, apperr.NotFound) {
		answers, err = rec.Answers(def)
	}
	if err != nil {
		return nil, err
	}
	ca, ok := answers.(*provider.ContactsAnswers)
	if !ok {
		return nil, nil
	}
	var out []Contact
	seen := map[string]bool{}
	add := func(name, role, email string) {
		key := strings.ToLower(strings.TrimSpace(email))
		if name == "" || key == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Contact{Name: name, Role: role, Email: strings.TrimSpace(email)})
	}
	add(ca.KeyContactName, ca.KeyContactRole, ca.KeyContactEmail)
	for _, c := range ca.Others {
		add(c.Name, c.Role, c.Email)
	}
	return out, nil
}

// visitOfficerEmails are the addresses to tell of a provider's response: the visiting
// officers and whoever recorded the visit, if still active.
func visitOfficerEmails(ctx context.Context, q sqlx.QueryerContext, visitID string) ([]string, error) {
	var out []string
	err := sqlx.SelectContext(ctx, q, &out, `SELECT DISTINCT u.email::text FROM users u
		WHERE u.disabled_at IS NULL AND (u.id IN (SELECT user_id FROM qa_visit_officers WHERE visit_id = $1)
			OR u.id = (SELECT created_by FROM qa_visits WHERE id = $1)) ORDER BY 1`, visitID)
	if err != nil {
		return nil, fmt.Errorf("visit officers' emails: %w", err)
	}
	return out, nil
}
