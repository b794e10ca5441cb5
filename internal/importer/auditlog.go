package importer

import (
	"context"

	"github.com/council/provider-portal/internal/audit"
	"github.com/jmoiron/sqlx"
)

// recordRun audits the run as a whole: what file (by digest), how it was run, what it found
// and did, including how many bank-detail requests it opened for finance. A dry run and a
// refused import are recorded too: the file held bank details.
func (s *Service) recordRun(ctx context.Context, q sqlx.ExtContext, rep Report, opts Options) error {
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
		"dry_run": opts.DryRun, "total": rep.Total, "failed": rep.Failed, "created": rep.Created, "updated": rep.Updated,
		"bank_requests": rep.BankRequests, "file_errors": len(rep.FileErrors)}
	return audit.Record(ctx, q, audit.Event{Action: action, ObjectType: "provider_import", ObjectID: rep.SHA256, Summary: summary})
}
