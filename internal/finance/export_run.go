package finance

import (
	"context"
	"fmt"
	"io"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/export"
	"github.com/jmoiron/sqlx"
)

// Export is a file ready to stream: its name and type for the download, and what writes it.
// Preparing it records that the export started; writing it records that it finished, with
// the number of rows, the filters and the SHA-256 of exactly the bytes sent.
type Export struct {
	Filename    string
	ContentType string
	kind        string
	filters     map[string]any
	write       func(ctx context.Context, w io.Writer) (int, error)
	// finish, when set, runs in the transaction that records a whole file's completion
	// (the payment file's baseline for the next changes file).
	finish func(ctx context.Context, tx *sqlx.Tx, rows int) error
}

// Result is what an export wrote.
type Result struct {
	Rows   int
	Bytes  int64
	SHA256 string
}

// start records the export's start, so an export is in the audit trail even if the
// connection drops before it finishes.
func (s *Service) start(ctx context.Context, e *Export) (*Export, error) {
	if err := audit.Record(ctx, s.DB, audit.Event{Action: "finance.export.started", ObjectType: "export", ObjectID: e.kind,
		Summary: map[string]any{"filters": e.filters, "filename": e.Filename}}); err != nil {
		return nil, err
	}
	return e, nil
}

// WriteTo streams the file to w and records the outcome (finance.export.completed, or
// finance.export.failed with the rows written before the failure). The audit row is
// written before WriteTo returns, so it is in place by the time the reader sees the end.
func (s *Service) WriteTo(ctx context.Context, e *Export, w io.Writer) (Result, error) {
	tally := export.NewTally(w)
	rows, err := e.write(ctx, tally)
	res := Result{Rows: rows, Bytes: tally.Bytes(), SHA256: tally.SHA256()}
	summary := map[string]any{"filters": e.filters, "filename": e.Filename, "rows": res.Rows, "bytes": res.Bytes, "sha256": res.SHA256}
	action := "finance.export.completed"
	if err != nil {
		action = "finance.export.failed"
		summary["error"] = err.Error()
	}
	event := audit.Event{Action: action, ObjectType: "export", ObjectID: e.kind, Summary: summary}
	var aerr error
	if err == nil && e.finish != nil {
		aerr = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
			if err := e.finish(ctx, tx, rows); err != nil {
				return err
			}
			return audit.Record(ctx, tx, event)
		})
		if aerr != nil {
			// The file was sent but what it changes was not recorded: say so in the trail.
			summary["error"] = aerr.Error()
			if ferr := audit.Record(ctx, s.DB, audit.Event{Action: "finance.export.failed", ObjectType: "export", ObjectID: e.kind,
				Summary: summary}); ferr != nil {
				aerr = fmt.Errorf("%w (and recording the failure: %v)", aerr, ferr)
			}
		}
	} else {
		aerr = audit.Record(ctx, s.DB, event)
	}
	if aerr != nil && err == nil {
		err = aerr
	}
	if err != nil {
		return res, fmt.Errorf("export %s: %w", e.kind, err)
	}
	return res, nil
}
