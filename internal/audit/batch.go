package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RecordBatch appends events, in order, for the actor in ctx, inside the caller's
// transaction, in one statement. It is Record for callers that change many objects at once
// (an import of thousands of suppliers), where a statement per event would be most of the
// work. Each row still passes through the chain trigger on its own, in the order given, so
// the trail links and verifies exactly as if Record had been called once per event.
func RecordBatch(ctx context.Context, q sqlx.ExtContext, events []Event) error {
	return RecordBatchAs(ctx, q, ActorFrom(ctx), events)
}

// RecordBatchAs is RecordBatch for an explicit actor.
func RecordBatchAs(ctx context.Context, q sqlx.ExtContext, a Actor, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	action, objectType, objectID, summary := make([]string, len(events)), make([]string, len(events)),
		make([]string, len(events)), make([]string, len(events))
	for i, e := range events {
		s := e.Summary
		if s == nil {
			s = map[string]any{}
		}
		js, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("audit %s: encode summary: %w", e.Action, err)
		}
		action[i], objectType[i], objectID[i], summary[i] = e.Action, e.ObjectType, e.ObjectID, string(js)
	}
	// ORDER BY the ordinality makes the rows reach the trigger in the order given, so ids
	// and the chain follow the caller's order.
	rows, err := q.QueryxContext(ctx, `
		INSERT INTO audit_events (actor_id, actor_email, actor_role, action, object_type, object_id, ip, request_id, summary)
		SELECT NULLIF($1, '')::uuid, $2, $3, u.action, u.object_type, u.object_id, $4, $5, u.summary::jsonb
		FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS u(action, object_type, object_id, summary, n)
		ORDER BY u.n
		RETURNING id, hash`,
		a.UserID, a.Email, strings.Join(a.Roles, ","), a.IP, a.RequestID,
		pq.StringArray(action), pq.StringArray(objectType), pq.StringArray(objectID), pq.StringArray(summary))
	if err != nil {
		return fmt.Errorf("audit %d events (%s…): %w", len(events), events[0].Action, err)
	}
	defer rows.Close()
	ids, hashes := make([]int64, 0, len(events)), make([][]byte, 0, len(events))
	for rows.Next() {
		var id int64
		var hash []byte
		if err := rows.Scan(&id, &hash); err != nil {
			return fmt.Errorf("audit %d events: %w", len(events), err)
		}
		ids, hashes = append(ids, id), append(hashes, hash)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit %d events: %w", len(events), err)
	}
	rows.Close()
	return seal(ctx, q, ids, hashes)
}
