package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// DestroyStaffRecords removes members of staff from their organisations' safeguarding
// sections, in the caller's transaction: refsByOrg maps an organisation's id to the refs of
// the members to remove. It returns how many members were removed.
//
// Why: a DBS record (the member's name, role, certificate number sealed, issue date and
// status checks) is criminal offence data, kept only while it is needed to show a provider's
// staff are safe to work with children, and for a short period after. Every copy goes, the
// working one, the approved one and the one kept from the last decision (for the review
// page's "changed since"), so neither an officer nor the provider still sees it.
// Everything else stored about the section is left exactly as it was. The section's version
// moves on, so a form opened before cannot put the member back; a working copy left with
// nobody is no longer complete, so the provider is asked to look at it again. The dashboard's
// DBS dates follow by the section's trigger.
func DestroyStaffRecords(ctx context.Context, tx *sqlx.Tx, refsByOrg map[string][]string) (int, error) {
	orgs := make([]string, 0, len(refsByOrg))
	for org := range refsByOrg {
		orgs = append(orgs, org)
	}
	slices.Sort(orgs) // lock in one order, so two destructions cannot deadlock
	removed := 0
	for _, org := range orgs {
		drop := map[string]bool{}
		for _, ref := range refsByOrg[org] {
			drop[ref] = true
		}
		var sec struct {
			Data     []byte `db:"data"`
			Approved []byte `db:"approved_data"`
			Decided  []byte `db:"decided_data"`
			Draft    []byte `db:"draft_data"`
		}
		err := tx.GetContext(ctx, &sec, `SELECT data, approved_data, decided_data, draft_data FROM provider_sections
			WHERE organisation_id::text = $1 AND section = $2 FOR UPDATE`, org, string(SectionSafeguarding))
		if err != nil {
			return 0, fmt.Errorf("lock safeguarding section: %w", err)
		}
		data, gone, left, err := withoutStaff(sec.Data, drop)
		if err != nil {
			return 0, err
		}
		approved, goneApproved, _, err := withoutStaff(sec.Approved, drop)
		if err != nil {
			return 0, err
		}
		decided, goneDecided, _, err := withoutStaff(sec.Decided, drop)
		if err != nil {
			return 0, err
		}
		draft, goneDraft, _, err := withoutStaff(sec.Draft, drop)
		if err != nil {
			return 0, err
		}
		for _, g := range []map[string]bool{goneApproved, goneDecided, goneDraft} {
			for ref := range g {
				gone[ref] = true
			}
		}
		goneCopies, err := staffOutOfSubmittedCopies(ctx, tx, org, drop)
		if err != nil {
			return 0, err
		}
		for ref := range goneCopies {
			gone[ref] = true
		}
		if len(gone) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE provider_sections SET data = $3, approved_data = $4, decided_data = $6,
				draft_data = $7, completed = completed AND $5, version = version + 1, updated_at = now()
			WHERE organisation_id::text = $1 AND section = $2`,
			org, string(SectionSafeguarding), data, approved, left > 0, decided, draft); err != nil {
			return 0, fmt.Errorf("remove DBS records: %w", err)
		}
		removed += len(gone)
	}
	return removed, nil
}

// withoutStaff returns the section document without the members whose refs are in drop,
// keeping every other field as stored, with the refs it removed and how many members remain.
// An absent copy (no approved answers yet) stays absent.
func withoutStaff(data []byte, drop map[string]bool) ([]byte, map[string]bool, int, error) {
	gone := map[string]bool{}
	if len(data) == 0 {
		return nil, gone, 0, nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, 0, fmt.Errorf("read safeguarding section: %w", err)
	}
	var staff []json.RawMessage
	if raw, ok := doc["staff"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &staff); err != nil {
			return nil, nil, 0, fmt.Errorf("read safeguarding staff: %w", err)
		}
	}
	kept := make([]json.RawMessage, 0, len(staff))
	for _, m := range staff {
		var e struct {
			Ref string `json:"ref"`
		}
		if err := json.Unmarshal(m, &e); err != nil {
			return nil, nil, 0, fmt.Errorf("read member of staff: %w", err)
		}
		if e.Ref != "" && drop[e.Ref] {
			gone[e.Ref] = true
			continue
		}
		kept = append(kept, m)
	}
	list, err := json.Marshal(kept)
	if err != nil {
		return nil, nil, 0, err
	}
	doc["staff"] = list
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, 0, err
	}
	return out, gone, len(kept), nil
}

// staffOutOfSubmittedCopies removes the members whose refs are in drop from the copies of
// the record kept with each submission (their safeguarding rows carry the member's ref), so
// a DBS record destroyed from the live record does not live on in "the record as sent".
func staffOutOfSubmittedCopies(ctx context.Context, tx *sqlx.Tx, org string, drop map[string]bool) (map[string]bool, error) {
	var copies []struct {
		ID     int64  `db:"id"`
		Record []byte `db:"record"`
	}
	if err := tx.SelectContext(ctx, &copies, `SELECT id, record FROM provider_status_history
		WHERE organisation_id::text = $1 AND record IS NOT NULL FOR UPDATE`, org); err != nil {
		return nil, fmt.Errorf("lock record copies: %w", err)
	}
	gone := map[string]bool{}
	for _, cp := range copies {
		var sections []SectionCopy
		if err := json.Unmarshal(cp.Record, &sections); err != nil {
			return nil, fmt.Errorf("read record copy: %w", err)
		}
		changed := false
		for i := range sections {
			if sections[i].Key != SectionSafeguarding {
				continue
			}
			sc := &sections[i]
			var rows []SummaryRow
			var refs []string
			for j, r := range sc.Rows {
				if j < len(sc.StaffRefs) && sc.StaffRefs[j] != "" && drop[sc.StaffRefs[j]] {
					gone[sc.StaffRefs[j]], changed = true, true
					continue
				}
				rows = append(rows, r)
				if j < len(sc.StaffRefs) {
					refs = append(refs, sc.StaffRefs[j])
				}
			}
			sc.Rows, sc.StaffRefs = rows, refs
		}
		if !changed {
			continue
		}
		out, err := json.Marshal(sections)
		if err != nil {
			return nil, fmt.Errorf("write record copy: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE provider_status_history SET record = $2 WHERE id = $1`, cp.ID, out); err != nil {
			return nil, fmt.Errorf("remove DBS records from record copy: %w", err)
		}
	}
	return gone, nil
}
