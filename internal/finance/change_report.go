package finance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/export"
	"github.com/jmoiron/sqlx"
)

// ReportEntry is one change to master data in the monthly report: a bank-detail request
// (whatever became of it: every attempt is reported, even when no money moved) or a change
// to a provider's key contact accepted or declined by an officer.
type ReportEntry struct {
	At               time.Time
	OrganisationID   string
	OrganisationName string
	SupplierRef      string
	// Subject is "Bank details" or "Key contact".
	Subject        string
	What           string
	Outcome        string
	RequestedBy    string
	RequestedAt    time.Time
	VerifiedBy     string
	DecidedBy      string
	SuspectedFraud bool
	ChangeID       string
	// Warnings are the provider's signs of mandate fraud as the report is made: its account
	// or a phone number on file shared with another supplier.
	Warnings []string
}

// ParseMonth reads "2026-05" as the first of that month; empty is the current month.
func (s *Service) ParseMonth(v string) (time.Time, error) {
	if v == "" {
		t := s.Today()
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse("2006-01", v)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, apperr.InvalidFields(map[string]string{"month": "Enter the month as a year and month, like 2026-05"})
	}
	return t, nil
}

// ChangeReport lists every change to payment details and key contacts in the month
// starting at month (UK time), oldest first.
func ChangeReport(ctx context.Context, q sqlx.QueryerContext, month time.Time) ([]ReportEntry, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, london)
	to := from.AddDate(0, 1, 0)
	bank, err := bankChangesIn(ctx, q, from, to)
	if err != nil {
		return nil, err
	}
	contacts, err := keyContactChangesIn(ctx, q, from, to)
	if err != nil {
		return nil, err
	}
	out := append(bank, contacts...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	orgs := make([]string, 0, len(out))
	for _, e := range out {
		orgs = append(orgs, e.OrganisationID)
	}
	flags, err := FraudFlags(ctx, q, orgs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, f := range flags[out[i].OrganisationID] {
			out[i].Warnings = append(out[i].Warnings, f.Message())
		}
	}
	return out, nil
}

// bankChangesIn reports the requests made, or closed, in [from, to).
func bankChangesIn(ctx context.Context, q sqlx.QueryerContext, from, to time.Time) ([]ReportEntry, error) {
	var rows []Change
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+changeColumns+changeFrom+`
		WHERE (c.requested_at >= $1 AND c.requested_at < $2) OR (c.closed_at >= $1 AND c.closed_at < $2)
		   OR (c.closed_at IS NULL AND c.expires_at >= $1 AND c.expires_at < $2 AND c.expires_at <= now())
		ORDER BY c.requested_at, c.id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("bank changes in month: %w", err)
	}
	out := make([]ReportEntry, 0, len(rows))
	for _, c := range rows {
		e := ReportEntry{At: c.RequestedAt, OrganisationID: c.OrganisationID, OrganisationName: c.OrganisationName,
			SupplierRef: c.SupplierRef, Subject: "Bank details", Outcome: c.Status.Label(), RequestedBy: c.RequestedByName,
			RequestedAt: c.RequestedAt, VerifiedBy: deref(c.VerifiedByName), SuspectedFraud: c.SuspectedFraud, ChangeID: c.ID,
			What: fmt.Sprintf("%s: account ending %s, sort code ending %s", c.Kind.Label(), c.AccountLast4, c.SortCodeLast2)}
		switch {
		case c.ClosedAt != nil:
			e.At = *c.ClosedAt
		case c.Status == StatusExpired:
			e.At = c.ExpiresAt
		}
		switch c.Status {
		case StatusApproved:
			e.DecidedBy = deref(c.ApprovedByName)
			if c.EffectiveFrom != nil {
				e.Outcome += ", in force from " + c.EffectiveFrom.Format("2 January 2006")
			}
		case StatusRejected:
			e.DecidedBy = deref(c.RejectedByName)
		}
		out = append(out, e)
	}
	return out, nil
}

// keyContactChangesIn reports the officers' decisions in [from, to) on changes to the
// contacts section that touched the key contact, with who made the change: from the audit
// trail, where the provider's save records the fields changed and the officer's decision
// follows it.
func keyContactChangesIn(ctx context.Context, q sqlx.QueryerContext, from, to time.Time) ([]ReportEntry, error) {
	var rows []struct {
		At               time.Time `db:"at"`
		Action           string    `db:"action"`
		OrganisationID   string    `db:"organisation_id"`
		OrganisationName string    `db:"organisation_name"`
		SupplierRef      string    `db:"supplier_ref"`
		DecidedBy        string    `db:"decided_by"`
		RequestedAt      time.Time `db:"requested_at"`
		RequestedBy      string    `db:"requested_by"`
		Changes          []byte    `db:"changes"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT d.at, d.action, o.id AS organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name, o.supplier_ref,
		       coalesce(du.name, d.actor_email) AS decided_by, s.at AS requested_at, coalesce(su.name, s.actor_email) AS requested_by,
		       coalesce(s.summary->'changes', '{}'::jsonb) AS changes
		FROM audit_events d
		JOIN organisations o ON o.id::text = d.object_id
		LEFT JOIN users du ON du.id = d.actor_id
		JOIN LATERAL (
			SELECT e.at, e.actor_id, e.actor_email, e.summary FROM audit_events e
			WHERE e.action = 'provider.section.saved' AND e.object_type = 'organisation' AND e.object_id = d.object_id
			  AND e.summary->>'section' = 'contacts' AND e.id < d.id
			ORDER BY e.id DESC LIMIT 1) s ON true
		LEFT JOIN users su ON su.id = s.actor_id
		WHERE d.action IN ('provider.section_change.accepted', 'provider.section_change.declined')
		  AND d.object_type = 'organisation' AND d.summary->>'section' = 'contacts'
		  AND d.at >= $1 AND d.at < $2
		ORDER BY d.at, d.id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("key contact changes in month: %w", err)
	}
	var out []ReportEntry
	for _, r := range rows {
		what, ok := keyContactChanges(r.Changes)
		if !ok {
			continue
		}
		outcome := "Accepted"
		if strings.HasSuffix(r.Action, "declined") {
			outcome = "Not accepted"
		}
		out = append(out, ReportEntry{At: r.At, OrganisationID: r.OrganisationID, OrganisationName: r.OrganisationName,
			SupplierRef: r.SupplierRef, Subject: "Key contact", What: what, Outcome: outcome, RequestedBy: r.RequestedBy,
			RequestedAt: r.RequestedAt, DecidedBy: r.DecidedBy})
	}
	return out, nil
}

// keyContactLabels name the key contact's fields as people say them.
var keyContactLabels = map[string]string{
	"key_contact_name":  "name",
	"key_contact_role":  "role",
	"key_contact_email": "email",
	"key_contact_phone": "telephone",
}

// keyContactChanges describes the key contact fields in a section diff ("email: a → b"),
// and reports whether there were any.
func keyContactChanges(diff []byte) (string, bool) {
	var changes map[string]json.RawMessage
	if err := json.Unmarshal(diff, &changes); err != nil {
		return "", false
	}
	var keys []string
	for k := range changes {
		if _, ok := keyContactLabels[k]; ok {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "", false
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		var ft struct {
			From any `json:"from"`
			To   any `json:"to"`
		}
		if err := json.Unmarshal(changes[k], &ft); err != nil {
			parts = append(parts, keyContactLabels[k]+" changed")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %s → %s", keyContactLabels[k], text(ft.From), text(ft.To)))
	}
	return "Key contact " + strings.Join(parts, "; "), true
}

func text(v any) string {
	if v == nil {
		return "(none)"
	}
	if s, ok := v.(string); ok {
		if s == "" {
			return "(none)"
		}
		return s
	}
	return fmt.Sprint(v)
}

// reportColumns are the change report's CSV columns.
var reportColumns = []export.Column{
	{Header: "When", Kind: export.KindInstant}, {Header: "Supplier reference"}, {Header: "Provider"}, {Header: "Subject"}, {Header: "What changed"},
	{Header: "Outcome"}, {Header: "Suspected fraud"}, {Header: "Requested by"}, {Header: "Requested at", Kind: export.KindInstant},
	{Header: "Verified by"}, {Header: "Approved or decided by"}, {Header: "Warnings", Width: 60},
}

// ChangeReportExport prepares the month's change report as CSV. It holds no account in full
// (only the last digits the screen shows), and is audited like every export.
func (s *Service) ChangeReportExport(ctx context.Context, month time.Time) (*Export, error) {
	e := &Export{
		Filename:    "master-data-changes-" + month.Format("2006-01") + ".csv",
		ContentType: "text/csv; charset=utf-8",
		kind:        "change_report",
		filters:     map[string]any{"month": month.Format("2006-01")},
	}
	e.write = func(ctx context.Context, out io.Writer) (int, error) {
		entries, err := ChangeReport(ctx, s.DB, month)
		if err != nil {
			return 0, err
		}
		w, err := export.NewCSV(out, export.CSVOptions{BOM: true})
		if err != nil {
			return 0, err
		}
		if err := w.Header(reportColumns); err != nil {
			return 0, err
		}
		for _, r := range entries {
			fraud := ""
			if r.SuspectedFraud {
				fraud = "Yes"
			}
			if err := w.Row([]export.Cell{export.Instant(r.At), export.Text(r.SupplierRef), export.Text(r.OrganisationName),
				export.Text(r.Subject), export.Text(r.What), export.Text(r.Outcome), export.Text(fraud), export.Text(r.RequestedBy),
				export.Instant(r.RequestedAt), export.Text(r.VerifiedBy), export.Text(r.DecidedBy), export.Text(strings.Join(r.Warnings, "; "))}); err != nil {
				return 0, err
			}
		}
		return len(entries), w.Close()
	}
	return s.start(ctx, e)
}
