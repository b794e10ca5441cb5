// Package privacy holds what the portal promises people about their data: the privacy
// notices and who acknowledged which version (and, with the data protection work, subject
// access, retention, and the sharing and breach registers).
package privacy

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// AudienceProvider is the notice for care providers and their staff.
const AudienceProvider = "provider"

// Notice is one version of a privacy notice.
type Notice struct {
	ID              string     `db:"id"`
	Audience        string     `db:"audience"`
	Version         int        `db:"version"`
	Title           string     `db:"title"`
	BodyMarkdown    string     `db:"body_markdown"`
	EffectiveFrom   time.Time  `db:"effective_from"`
	Status          string     `db:"status"`
	PublishedByName string     `db:"published_by_name"`
	PublishedAt     *time.Time `db:"published_at"`
}

// noticeColumns reads a draft's missing version number as 0: drafts are numbered when
// published (PublishDraft), so Version is 0 exactly when Status is "draft".
const noticeColumns = `id, audience, coalesce(version, 0) AS version, title, body_markdown, effective_from, status, published_by_name, published_at`

// Current returns the notice in force for an audience: the highest published version whose
// effective date has come.
func Current(ctx context.Context, q sqlx.QueryerContext, audience string) (*Notice, error) {
	var n Notice
	err := sqlx.GetContext(ctx, q, &n, `SELECT `+noticeColumns+` FROM privacy_notices
		WHERE audience = $1 AND status = 'published' AND effective_from <= current_date
		ORDER BY version DESC LIMIT 1`, audience)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "No privacy notice has been published")
	}
	if err != nil {
		return nil, fmt.Errorf("current notice: %w", err)
	}
	return &n, nil
}

// NoticeByID returns one notice version.
func NoticeByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Notice, error) {
	var n Notice
	err := sqlx.GetContext(ctx, q, &n, `SELECT `+noticeColumns+` FROM privacy_notices WHERE id::text = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Notice not found")
	}
	if err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	return &n, nil
}

// policy allows the Markdown a notice needs (headings, lists, links, emphasis) and nothing
// that could run script, whoever wrote the notice.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	return p
}()

// RetentionPlaceholder stands, on a line of its own in a notice's body, for the section on
// how long information is kept, which is written from the retention rules in force when the
// notice is shown (retention.NoticeSection), so the notice and the rules cannot disagree.
const RetentionPlaceholder = "{retention}"

// HTML renders the notice body with the council's details and the retention section
// (Markdown, in place of RetentionPlaceholder) filled in, sanitised, and with GOV.UK classes
// on the elements, so it looks like the rest of the service. The caller passes the retention
// section because it comes from a package above this one.
func (n *Notice) HTML(c config.Council, retention string) (template.HTML, error) {
	body := strings.NewReplacer(
		RetentionPlaceholder, strings.TrimSpace(retention),
		"{council_name}", c.Name,
		"{council_address}", strings.Join(c.AddressLines(), "  \n"),
		"{council_email}", c.Email,
		"{dpo_email}", c.DPOEmail,
		"{council_phone}", c.Phone,
		"{ico_registration}", c.ICORegistration,
	).Replace(n.BodyMarkdown)
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(body), &buf); err != nil {
		return "", fmt.Errorf("render notice: %w", err)
	}
	safe := policy.Sanitize(buf.String())
	safe = strings.NewReplacer(
		"<h2>", `<h2 class="govuk-heading-m">`, "<h3>", `<h3 class="govuk-heading-s">`,
		"<p>", `<p class="govuk-body">`, "<ul>", `<ul class="govuk-list govuk-list--bullet">`,
		"<ol>", `<ol class="govuk-list govuk-list--number">`, "<a ", `<a class="govuk-link" `,
	).Replace(safe)
	return template.HTML(safe), nil // sanitised above by bluemonday
}

// Acknowledge records that userID read notice noticeID at the given time (when a visitor
// read it before their account existed) or now.
func Acknowledge(ctx context.Context, q sqlx.ExtContext, userID, noticeID string, at *time.Time) error {
	when := time.Now()
	if at != nil {
		when = *at
	}
	res, err := q.ExecContext(ctx, `INSERT INTO notice_acknowledgements (user_id, notice_id, acknowledged_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, userID, noticeID, when)
	if err != nil {
		return fmt.Errorf("acknowledge notice: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // acknowledged already (a double click): one record, one audit event
	}
	return audit.Record(ctx, q, audit.Event{Action: "privacy_notice.acknowledged", ObjectType: "privacy_notice", ObjectID: noticeID,
		Summary: map[string]any{"user_id": userID}})
}

// Acknowledgement is when a user acknowledged a notice version.
type Acknowledgement struct {
	NoticeID       string    `db:"notice_id"`
	Version        int       `db:"version"`
	AcknowledgedAt time.Time `db:"acknowledged_at"`
}

// LatestAcknowledgement returns the newest version the user has acknowledged, or an
// apperr.NotFound when they have acknowledged none.
func LatestAcknowledgement(ctx context.Context, q sqlx.QueryerContext, userID, audience string) (*Acknowledgement, error) {
	var a Acknowledgement
	err := sqlx.GetContext(ctx, q, &a, `SELECT a.notice_id, n.version, a.acknowledged_at
		FROM notice_acknowledgements a JOIN privacy_notices n ON n.id = a.notice_id
		WHERE a.user_id = $1 AND n.audience = $2 ORDER BY n.version DESC LIMIT 1`, userID, audience)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "This person has not acknowledged a privacy notice")
	}
	if err != nil {
		return nil, fmt.Errorf("latest acknowledgement: %w", err)
	}
	return &a, nil
}

// NeedsAcknowledgement reports whether the user has not yet acknowledged the current notice.
func NeedsAcknowledgement(ctx context.Context, q sqlx.QueryerContext, userID, audience string) (bool, *Notice, error) {
	n, err := Current(ctx, q, audience)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	var done bool
	err = sqlx.GetContext(ctx, q, &done, `SELECT EXISTS (SELECT 1 FROM notice_acknowledgements WHERE user_id = $1 AND notice_id = $2)`, userID, n.ID)
	if err != nil {
		return false, nil, fmt.Errorf("notice acknowledged: %w", err)
	}
	return !done, n, nil
}

// Publish adds a new published version of a notice, effective from the given date. The
// data protection officer's screen comes with the data protection work; until then the
// `portal notices publish` command calls this.
func Publish(ctx context.Context, d *sqlx.DB, audience, title, body string, effective time.Time, publishedBy string) (*Notice, error) {
	if strings.TrimSpace(title) == "" || strings.TrimSpace(body) == "" {
		return nil, apperr.New(apperr.Invalid, "A notice needs a title and a body")
	}
	var n Notice
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('privacy_notices:' || $1))`, audience); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &n, `INSERT INTO privacy_notices (audience, version, title, body_markdown, effective_from, status, published_by_name, published_at)
			VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM privacy_notices WHERE audience = $1), $2, $3, $4, 'published', $5, now())
			RETURNING `+noticeColumns, audience, title, body, effective, publishedBy)
		if err != nil {
			return fmt.Errorf("publish notice: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy_notice.published", ObjectType: "privacy_notice", ObjectID: n.ID,
			Summary: map[string]any{"audience": audience, "version": n.Version, "effective_from": effective.Format("2006-01-02")}})
	})
	return &n, err
}
