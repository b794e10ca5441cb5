package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/audit"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// auditRows collects a batch's per-supplier audit events, to append them in one statement.
// The rows are those audit.Record writes, for the same actor; the audit trail's trigger
// chains each one as it does any other.
type auditRows struct {
	action, objectType, objectID, summary []string
	err                                   error
}

func (a *auditRows) add(action, objectType, objectID string, summary map[string]any) {
	js, err := json.Marshal(summary)
	if err != nil && a.err == nil {
		a.err = fmt.Errorf("audit %s: encode summary: %w", action, err)
	}
	a.action = append(a.action, action)
	a.objectType = append(a.objectType, objectType)
	a.objectID = append(a.objectID, objectID)
	a.summary = append(a.summary, string(js))
}

func (a *auditRows) insert(ctx context.Context, tx *sqlx.Tx, who audit.Actor) error {
	if a.err != nil {
		return a.err
	}
	if len(a.action) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_events (actor_id, actor_email, actor_role, action, object_type, object_id,
			ip, request_id, summary)
		SELECT NULLIF($1, '')::uuid, $2, $3, u.action, u.object_type, u.object_id, $4, $5, u.summary::jsonb
		FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS u(action, object_type, object_id, summary, n)
		ORDER BY u.n`,
		who.UserID, who.Email, strings.Join(who.Roles, ","), who.IP, who.RequestID,
		pq.StringArray(a.action), pq.StringArray(a.objectType), pq.StringArray(a.objectID), pq.StringArray(a.summary))
	if err != nil {
		return fmt.Errorf("import: audit: %w", err)
	}
	return nil
}

// recordRun audits the run as a whole: what file (by digest), how it was run, what it found
// and did, and, for bank details imported as verified, the operator's confirmation of their
// source. A dry run and a refused import are recorded too: the file held bank details.
func (s *Service) recordRun(ctx context.Context, q sqlx.ExecerContext, rep Report, opts Options) error {
	action := "provider_import.imported"
	switch {
	case opts.DryRun:
		action = "provider_import.dry_run"
	case !rep.OK() && !rep.Committed:
		action = "provider_import.refused"
	}
	mode := opts.Mode
	if mode == "" {
		mode = AllOrNothing
	}
	summary := map[string]any{"file_sha256": rep.SHA256, "format": string(opts.Format), "mode": string(mode),
		"dry_run": opts.DryRun, "bank_verified": opts.BankVerified, "total": rep.Total, "failed": rep.Failed,
		"created": rep.Created, "updated": rep.Updated, "file_errors": len(rep.FileErrors)}
	if opts.BankVerified && rep.Committed {
		a := audit.ActorFrom(ctx)
		summary["bank_details_source"] = "finance system of record"
		summary["bank_details_confirmed_by"] = a.Email
	}
	return audit.Record(ctx, q, audit.Event{Action: action, ObjectType: "provider_import", ObjectID: rep.SHA256, Summary: summary})
}
