package retention

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// What a legal hold can be placed on.
const (
	HoldOrganisation = "organisation"
	HoldContract     = "contract"
)

// Hold is a legal hold: while it is active nothing of its provider or contract is destroyed.
type Hold struct {
	ID             string     `db:"id"`
	ObjectType     string     `db:"object_type"`
	ObjectID       string     `db:"object_id"`
	Reason         string     `db:"reason"`
	PlacedByName   string     `db:"placed_by_name"`
	PlacedAt       time.Time  `db:"placed_at"`
	ReleasedAt     *time.Time `db:"released_at"`
	ReleasedByName *string    `db:"released_by_name"`
	ReleaseReason  *string    `db:"release_reason"`
	// Label names what is held for people: a supplier reference and name, or a contract reference.
	Label string `db:"-"`
}

// Active reports whether the hold still stops destruction.
func (h Hold) Active() bool { return h.ReleasedAt == nil }

// held is the set of organisations and contracts under an active hold.
type held struct {
	organisations, contracts map[string]bool
}

func loadHeld(ctx context.Context, q sqlx.QueryerContext) (held, error) {
	h := held{organisations: map[string]bool{}, contracts: map[string]bool{}}
	var rows []struct {
		Type string `db:"object_type"`
		ID   string `db:"object_id"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT object_type, object_id::text AS object_id FROM legal_holds WHERE released_at IS NULL`); err != nil {
		return h, fmt.Errorf("legal holds: %w", err)
	}
	for _, r := range rows {
		if r.Type == HoldOrganisation {
			h.organisations[r.ID] = true
		} else {
			h.contracts[r.ID] = true
		}
	}
	return h, nil
}

// organisationIDs are the organisations under an active hold.
func (h held) organisationIDs() []string {
	out := make([]string, 0, len(h.organisations))
	for id := range h.organisations {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// objects are the organisations and contracts under an active hold, as audit events name them.
func (h held) objects() []audit.Object {
	out := make([]audit.Object, 0, len(h.organisations)+len(h.contracts))
	for _, id := range h.organisationIDs() {
		out = append(out, audit.Object{Type: HoldOrganisation, ID: id})
	}
	for id := range h.contracts {
		out = append(out, audit.Object{Type: HoldContract, ID: id})
	}
	return out
}

// covers reports whether a hold protects the item: one on its organisation or on its contract.
func (h held) covers(it Item) bool {
	return (it.OrganisationID != nil && h.organisations[*it.OrganisationID]) || (it.ContractID != nil && h.contracts[*it.ContractID])
}

// ValidateHold checks the form for a new hold, with a message per field.
func ValidateHold(objectType, ref, reason string) map[string]string {
	errs := map[string]string{}
	if objectType != HoldOrganisation && objectType != HoldContract {
		errs["object_type"] = "Select whether the hold is on a provider or a contract"
	}
	switch {
	case strings.TrimSpace(ref) == "":
		errs["reference"] = "Enter the supplier reference or the contract reference"
	case len(ref) > 100:
		errs["reference"] = "The reference must be 100 characters or fewer"
	}
	switch {
	case strings.TrimSpace(reason) == "":
		errs["reason"] = "Enter the reason for the hold, such as the claim or investigation it is for"
	case len(reason) > 2000:
		errs["reason"] = "The reason must be 2000 characters or fewer"
	}
	return errs
}

// resolve finds the id of the provider (by supplier reference or id) or contract (by
// reference or id) a hold is for, and its label.
func (s *Service) resolve(ctx context.Context, q sqlx.QueryerContext, objectType, ref string) (id, label string, err error) {
	ref = strings.TrimSpace(ref)
	if objectType == HoldOrganisation {
		var o struct {
			ID    string `db:"id"`
			Label string `db:"label"`
		}
		err := sqlx.GetContext(ctx, q, &o, `SELECT id::text AS id, supplier_ref || ' ' || coalesce(nullif(legal_name, ''), name) AS label
			FROM organisations WHERE upper(supplier_ref) = upper($1) OR id::text = $1 LIMIT 1`, ref)
		if db.IsNoRows(err) {
			return "", "", apperr.InvalidFields(map[string]string{"reference": "No provider has that supplier reference"})
		}
		if err != nil {
			return "", "", fmt.Errorf("find provider: %w", err)
		}
		return o.ID, o.Label, nil
	}
	id, err = contract.IDByReference(ctx, q, ref)
	if apperr.Is(err, apperr.NotFound) {
		return "", "", apperr.InvalidFields(map[string]string{"reference": "No contract has that reference"})
	}
	if err != nil {
		return "", "", err
	}
	return id, "Contract " + ref, nil
}

// PlaceHold puts a provider or contract under legal hold, with the reason. A second hold on
// something already held is a Conflict. Audited.
func (s *Service) PlaceHold(ctx context.Context, objectType, ref, reason string) (*Hold, error) {
	if errs := ValidateHold(objectType, ref, reason); len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	var h Hold
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		id, label, err := s.resolve(ctx, tx, objectType, ref)
		if err != nil {
			return err
		}
		a := audit.ActorFrom(ctx)
		err = tx.GetContext(ctx, &h, `INSERT INTO legal_holds (object_type, object_id, reason, placed_by, placed_by_name)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id, object_type, object_id, reason, placed_by_name, placed_at, released_at, released_by_name, release_reason`,
			objectType, id, strings.TrimSpace(reason), nullableUser(a), auth.ActorName(ctx, tx, a))
		if db.IsCode(err, db.CodeUniqueViolation) {
			return apperr.InvalidFields(map[string]string{"reference": "That is already under a legal hold"})
		}
		if err != nil {
			return fmt.Errorf("place hold: %w", err)
		}
		h.Label = label
		return audit.Record(ctx, tx, audit.Event{Action: "retention.hold.placed", ObjectType: objectType, ObjectID: id,
			Summary: map[string]any{"hold_id": h.ID, "reason": h.Reason}})
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// ReleaseHold ends a hold, with the reason; destruction of what it protected may then be
// proposed again by the next sweep. Releasing a hold already released is a Conflict. Audited.
func (s *Service) ReleaseHold(ctx context.Context, id, reason string) error {
	if !db.IsUUID(id) {
		return apperr.New(apperr.NotFound, "Legal hold not found")
	}
	switch {
	case strings.TrimSpace(reason) == "":
		return apperr.InvalidFields(map[string]string{"release_reason": "Enter why the hold is no longer needed"})
	case len(reason) > 2000:
		return apperr.InvalidFields(map[string]string{"release_reason": "The reason must be 2000 characters or fewer"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var h Hold
		err := tx.GetContext(ctx, &h, `SELECT id, object_type, object_id, reason, placed_by_name, placed_at, released_at, released_by_name, release_reason
			FROM legal_holds WHERE id = $1 FOR UPDATE`, id)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "Legal hold not found")
		}
		if err != nil {
			return fmt.Errorf("hold: %w", err)
		}
		if !h.Active() {
			return apperr.New(apperr.Conflict, "This hold has already been released")
		}
		a := audit.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE legal_holds SET released_at = now(), released_by = $2, released_by_name = $3, release_reason = $4
			WHERE id = $1`, id, nullableUser(a), auth.ActorName(ctx, tx, a), strings.TrimSpace(reason)); err != nil {
			return fmt.Errorf("release hold: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "retention.hold.released", ObjectType: h.ObjectType, ObjectID: h.ObjectID,
			Summary: map[string]any{"hold_id": h.ID, "reason": strings.TrimSpace(reason)}})
	})
}

// Holds lists holds, active ones first then the newest, with labels, a page at a time.
func (s *Service) Holds(ctx context.Context, q sqlx.QueryerContext, limit, offset int) ([]Hold, int, error) {
	var rows []struct {
		Hold
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, object_type, object_id::text AS object_id, reason, placed_by_name, placed_at,
			released_at, released_by_name, release_reason, count(*) OVER () AS total
		FROM legal_holds ORDER BY released_at IS NOT NULL, placed_at DESC, id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("legal holds: %w", err)
	}
	out := make([]Hold, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Hold, r.Total
	}
	if err := s.labelHolds(ctx, q, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// labelHolds names what each hold is on: the provider's supplier reference and name, or the
// contract's reference.
func (s *Service) labelHolds(ctx context.Context, q sqlx.QueryerContext, holds []Hold) error {
	var orgs, contracts []string
	for _, h := range holds {
		if h.ObjectType == HoldOrganisation {
			orgs = append(orgs, h.ObjectID)
		} else {
			contracts = append(contracts, h.ObjectID)
		}
	}
	orgLabels, err := organisationLabels(ctx, q, orgs)
	if err != nil {
		return err
	}
	contractLabels, err := s.contractLabels(ctx, q, contracts)
	if err != nil {
		return err
	}
	for i := range holds {
		h := &holds[i]
		if h.ObjectType == HoldOrganisation {
			h.Label = orDefault(orgLabels[h.ObjectID], "A provider no longer on the portal")
		} else {
			h.Label = "Contract " + orDefault(contractLabels[h.ObjectID], h.ObjectID)
		}
	}
	return nil
}

// organisationLabels maps organisation ids to "SUP1001 Name".
func organisationLabels(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID    string `db:"id"`
		Label string `db:"label"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id::text AS id, supplier_ref || ' ' || coalesce(nullif(legal_name, ''), name) AS label
		FROM organisations WHERE id::text = ANY($1)`, stringArray(ids)); err != nil {
		return nil, fmt.Errorf("provider names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Label
	}
	return out, nil
}

// contractLabels maps contract ids to their references.
func (s *Service) contractLabels(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]string, error) {
	return contract.ReferencesByID(ctx, q, ids)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// nullableUser is the actor's user id, or NULL for the system.
func nullableUser(a audit.Actor) any {
	if a.UserID == "" {
		return nil
	}
	return a.UserID
}
