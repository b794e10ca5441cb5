package privacy

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// The states of a notice version. A draft can be edited and has no version number; a
// published version never changes, so what people acknowledged stays what they read.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Limits on a draft, so a notice stays something people can read and the page stays fast.
const (
	MaxTitleLength = 200
	MaxBodyBytes   = 100_000
)

// Draft is what the data protection officer writes for a new version of a notice.
type Draft struct {
	Title         string
	Body          string
	EffectiveFrom time.Time
}

// Validate checks a draft against today's date, returning a message per form field
// ("title", "body", "effective_from"). A notice may not take effect before today: people
// acknowledge the version in force when they read it, and a date in the past would claim
// they were told something before it was written.
func (d Draft) Validate(today time.Time) map[string]string {
	errs := map[string]string{}
	switch title := strings.TrimSpace(d.Title); {
	case title == "":
		errs["title"] = "Enter a title"
	case utf8.RuneCountInString(title) > MaxTitleLength:
		errs["title"] = fmt.Sprintf("The title must be %d characters or fewer", MaxTitleLength)
	}
	switch body := cleanBody(d.Body); {
	case body == "":
		errs["body"] = "Enter the text of the notice"
	case len(body) > MaxBodyBytes:
		errs["body"] = "The text of the notice must be 100,000 characters or fewer"
	case !utf8.ValidString(body):
		errs["body"] = "The text of the notice contains characters that cannot be read. Type them again rather than pasting them"
	case strings.ContainsFunc(body, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		errs["body"] = "The text of the notice contains characters that are not allowed"
	}
	if d.EffectiveFrom.IsZero() {
		errs["effective_from"] = "Enter the date the notice takes effect"
	} else if dateOnly(d.EffectiveFrom).Before(dateOnly(today)) {
		errs["effective_from"] = "The date the notice takes effect must be today or in the future"
	}
	return errs
}

// cleanBody is a notice's Markdown as stored: Unix line ends, no surrounding space.
func cleanBody(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the database's date, the one Current compares effective dates with, so a
// notice checked as "today or later" is in force by the same clock. Deadlines elsewhere
// (subject access) count by it too.
func Today(ctx context.Context, q sqlx.QueryerContext) (time.Time, error) {
	var t time.Time
	if err := sqlx.GetContext(ctx, q, &t, `SELECT current_date`); err != nil {
		return time.Time{}, fmt.Errorf("today: %w", err)
	}
	return t, nil
}

// NoticeVersion is a version in the officer's list, with how many people acknowledged it.
type NoticeVersion struct {
	Notice
	Acknowledgements int `db:"acknowledgements"`
}

// Versions lists every version of an audience's notice, the draft (if any) first and then
// the published versions newest first.
func Versions(ctx context.Context, q sqlx.QueryerContext, audience string) ([]NoticeVersion, error) {
	var out []NoticeVersion
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+noticeColumns+`,
		(SELECT count(*) FROM notice_acknowledgements a WHERE a.notice_id = n.id) AS acknowledgements
		FROM privacy_notices n WHERE audience = $1
		ORDER BY status = 'draft' DESC, version DESC`, audience)
	if err != nil {
		return nil, fmt.Errorf("notice versions: %w", err)
	}
	return out, nil
}

// CurrentDraft returns the audience's draft, or an apperr.NotFound when there is none.
func CurrentDraft(ctx context.Context, q sqlx.QueryerContext, audience string) (*Notice, error) {
	var n Notice
	err := sqlx.GetContext(ctx, q, &n, `SELECT `+noticeColumns+` FROM privacy_notices WHERE audience = $1 AND status = 'draft'`, audience)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "There is no draft notice")
	}
	if err != nil {
		return nil, fmt.Errorf("draft notice: %w", err)
	}
	return &n, nil
}

// errDraftExists is returned when a second draft is started: there is one draft at a time,
// so two people cannot each publish their own idea of the next version.
var errDraftExists = apperr.New(apperr.Conflict, "There is already a draft of the next version. Edit that draft instead.")

// CreateDraft saves a new draft version of an audience's notice. Nobody sees it until it is
// published.
func CreateDraft(ctx context.Context, d *sqlx.DB, audience string, in Draft) (*Notice, error) {
	var n Notice
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		day, err := Today(ctx, tx)
		if err != nil {
			return err
		}
		if errs := in.Validate(day); len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		err = tx.GetContext(ctx, &n, `INSERT INTO privacy_notices (audience, version, title, body_markdown, effective_from, status)
			VALUES ($1, NULL, $2, $3, $4, 'draft') RETURNING `+noticeColumns,
			audience, strings.TrimSpace(in.Title), cleanBody(in.Body), dateOnly(in.EffectiveFrom))
		if db.IsCode(err, db.CodeUniqueViolation) {
			return errDraftExists
		}
		if err != nil {
			return fmt.Errorf("create draft notice: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy_notice.drafted", ObjectType: "privacy_notice", ObjectID: n.ID,
			Summary: map[string]any{"audience": audience, "effective_from": n.EffectiveFrom.Format(time.DateOnly)}})
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// lockDraft reads a notice for update and refuses anything but a draft.
func lockDraft(ctx context.Context, tx *sqlx.Tx, id string) (*Notice, error) {
	var n Notice
	err := tx.GetContext(ctx, &n, `SELECT `+noticeColumns+` FROM privacy_notices WHERE id::text = $1 FOR UPDATE`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Notice not found")
	}
	if err != nil {
		return nil, fmt.Errorf("lock notice: %w", err)
	}
	if n.Status != StatusDraft {
		return nil, apperr.New(apperr.Conflict, "Version %d has been published and can no longer be changed. Start a new draft instead.", n.Version)
	}
	return &n, nil
}

// UpdateDraft changes a draft's title, text and effective date, recording which changed.
func UpdateDraft(ctx context.Context, d *sqlx.DB, id string, in Draft) (*Notice, error) {
	var n Notice
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		old, err := lockDraft(ctx, tx, id)
		if err != nil {
			return err
		}
		day, err := Today(ctx, tx)
		if err != nil {
			return err
		}
		if errs := in.Validate(day); len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		title, body, effective := strings.TrimSpace(in.Title), cleanBody(in.Body), dateOnly(in.EffectiveFrom)
		err = tx.GetContext(ctx, &n, `UPDATE privacy_notices SET title = $2, body_markdown = $3, effective_from = $4, updated_at = now()
			WHERE id = $1 RETURNING `+noticeColumns, old.ID, title, body, effective)
		if err != nil {
			return fmt.Errorf("update draft notice: %w", err)
		}
		var changed []string
		if title != old.Title {
			changed = append(changed, "title")
		}
		if body != old.BodyMarkdown {
			changed = append(changed, "body")
		}
		if !effective.Equal(dateOnly(old.EffectiveFrom)) {
			changed = append(changed, "effective_from")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy_notice.draft_updated", ObjectType: "privacy_notice", ObjectID: n.ID,
			Summary: map[string]any{"changed": changed, "effective_from": effective.Format(time.DateOnly)}})
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// PublishDraft publishes a draft as the next version of its audience's notice. It is
// numbered here, under the same lock as Publish, so versions run 1, 2, 3 without gaps. It
// must take effect today or later, and no earlier than a version already published to take
// effect later: Current picks the highest version in force, so an earlier date on a higher
// version would mean the other one is never shown.
func PublishDraft(ctx context.Context, d *sqlx.DB, id, publishedByID, publishedByName string) (*Notice, error) {
	var n Notice
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		var audience string
		err := tx.GetContext(ctx, &audience, `SELECT audience FROM privacy_notices WHERE id::text = $1`, id)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "Notice not found")
		}
		if err != nil {
			return fmt.Errorf("notice audience: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('privacy_notices:' || $1))`, audience); err != nil {
			return err
		}
		draft, err := lockDraft(ctx, tx, id)
		if err != nil {
			return err
		}
		day, err := Today(ctx, tx)
		if err != nil {
			return err
		}
		if errs := (Draft{Title: draft.Title, Body: draft.BodyMarkdown, EffectiveFrom: draft.EffectiveFrom}).Validate(day); len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		var latest struct {
			Version       int       `db:"version"`
			EffectiveFrom time.Time `db:"effective_from"`
		}
		err = tx.GetContext(ctx, &latest, `SELECT version, effective_from FROM privacy_notices
			WHERE audience = $1 AND status = 'published' ORDER BY version DESC LIMIT 1`, audience)
		if err != nil && !db.IsNoRows(err) {
			return fmt.Errorf("latest notice: %w", err)
		}
		if err == nil && dateOnly(draft.EffectiveFrom).Before(dateOnly(latest.EffectiveFrom)) {
			return apperr.InvalidFields(map[string]string{"effective_from": fmt.Sprintf(
				"The date the notice takes effect must be on or after %s, when version %d takes effect",
				latest.EffectiveFrom.Format("2 January 2006"), latest.Version)})
		}
		var by any
		if publishedByID != "" {
			by = publishedByID
		}
		err = tx.GetContext(ctx, &n, `UPDATE privacy_notices SET status = 'published',
				version = (SELECT coalesce(max(version), 0) + 1 FROM privacy_notices WHERE audience = $2),
				published_at = now(), published_by = $3, published_by_name = $4, updated_at = now()
			WHERE id = $1 RETURNING `+noticeColumns, draft.ID, audience, by, publishedByName)
		if err != nil {
			return fmt.Errorf("publish notice: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy_notice.published", ObjectType: "privacy_notice", ObjectID: n.ID,
			Summary: map[string]any{"audience": audience, "version": n.Version, "effective_from": n.EffectiveFrom.Format(time.DateOnly)}})
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// Acknowledger is a person who acknowledged a notice version, and when.
type Acknowledger struct {
	UserID         string    `db:"user_id"`
	Name           string    `db:"name"`
	Email          string    `db:"email"`
	Organisations  string    `db:"organisations"`
	AcknowledgedAt time.Time `db:"acknowledged_at"`
	Disabled       bool      `db:"disabled"`
}

// organisationsOf is a subquery naming the organisations a user (u.id) acts for.
const organisationsOf = `coalesce((SELECT string_agg(coalesce(nullif(o.legal_name, ''), o.name), ', ' ORDER BY o.name)
	FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = u.id), '')`

// Acknowledgers lists who acknowledged a notice version, most recent first, a page at a
// time, with the total.
func Acknowledgers(ctx context.Context, q sqlx.QueryerContext, noticeID string, limit, offset int) ([]Acknowledger, int, error) {
	var rows []struct {
		Acknowledger
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT u.id AS user_id, u.name, u.email::text AS email, `+organisationsOf+` AS organisations,
			a.acknowledged_at, u.disabled_at IS NOT NULL AS disabled, count(*) OVER () AS total
		FROM notice_acknowledgements a JOIN users u ON u.id = a.user_id
		WHERE a.notice_id::text = $1
		ORDER BY a.acknowledged_at DESC, u.name, u.id LIMIT $2 OFFSET $3`, noticeID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("acknowledgements: %w", err)
	}
	out, total := make([]Acknowledger, len(rows)), 0
	for i, r := range rows {
		out[i], total = r.Acknowledger, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		err = sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM notice_acknowledgements WHERE notice_id::text = $1`, noticeID)
	}
	return out, total, err
}

// Unacknowledged is a provider user who has not acknowledged the notice in force, with the
// last version they did acknowledge, if any.
type Unacknowledged struct {
	UserID             string     `db:"user_id"`
	Name               string     `db:"name"`
	Email              string     `db:"email"`
	Organisations      string     `db:"organisations"`
	LastVersion        *int       `db:"last_version"`
	LastAcknowledgedAt *time.Time `db:"last_acknowledged_at"`
}

// NotAcknowledged lists the active provider users who have not acknowledged notice
// noticeID (the one in force), a page at a time, with the total. They will be asked to
// read it at their next visit (the notice gate in the web layer).
func NotAcknowledged(ctx context.Context, q sqlx.QueryerContext, noticeID string, limit, offset int) ([]Unacknowledged, int, error) {
	const from = ` FROM users u
		LEFT JOIN LATERAL (SELECT n.version, a.acknowledged_at
			FROM notice_acknowledgements a JOIN privacy_notices n ON n.id = a.notice_id
			WHERE a.user_id = u.id AND n.audience = (SELECT audience FROM privacy_notices WHERE id::text = $1)
			ORDER BY n.version DESC LIMIT 1) last ON true
		WHERE 'provider' = ANY (u.roles) AND u.disabled_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM notice_acknowledgements a WHERE a.user_id = u.id AND a.notice_id::text = $1)`
	var rows []struct {
		Unacknowledged
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT u.id AS user_id, u.name, u.email::text AS email, `+organisationsOf+` AS organisations,
			last.version AS last_version, last.acknowledged_at AS last_acknowledged_at, count(*) OVER () AS total`+
		from+`
		ORDER BY u.name, u.id LIMIT $2 OFFSET $3`, noticeID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("users yet to acknowledge: %w", err)
	}
	out, total := make([]Unacknowledged, len(rows)), 0
	for i, r := range rows {
		out[i], total = r.Unacknowledged, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		err = sqlx.GetContext(ctx, q, &total, `SELECT count(*)`+from, noticeID)
	}
	return out, total, err
}
