package retention

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// staffEntry is what retention reads of a member of staff in the safeguarding section: the
// ref that identifies them across edits and the day they left. Everything else is left as it
// was stored.
type staffEntry struct {
	Ref    string         `json:"ref"`
	LeftOn form.DateInput `json:"left_on"`
}

// staffOf reads the staff of a stored safeguarding section (working or approved copy).
func staffOf(data []byte) ([]staffEntry, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var doc struct {
		Staff []staffEntry `json:"staff"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read safeguarding staff: %w", err)
	}
	return doc.Staff, nil
}

// leftOn is the day a member of staff left, or false when not recorded or not a real date.
func leftOn(d form.DateInput) (time.Time, bool) {
	if d.IsEmpty() {
		return time.Time{}, false
	}
	t, msg := d.Time("the date they left")
	return t, msg == ""
}

// findDBSRecords: members of staff whose retention clock has run out, by the rule's trigger:
// the day they left, the day the provider's last contract ended, or whichever came first.
// The working copy's leaving date wins over the approved copy's: it is the newest word.
func findDBSRecords(ctx context.Context, q sqlx.QueryerContext, e env) ([]Item, error) {
	lastEnd := map[string]time.Time{}
	if e.Rule.Trigger != "left" {
		var err error
		if lastEnd, err = contract.LastContractEnds(ctx, q, e.Today); err != nil {
			return nil, err
		}
	}
	var sections []struct {
		Org      string `db:"organisation_id"`
		Data     []byte `db:"data"`
		Approved []byte `db:"approved_data"`
	}
	if err := sqlx.SelectContext(ctx, q, &sections, `SELECT organisation_id::text AS organisation_id, data, approved_data
		FROM provider_sections WHERE section = $1 ORDER BY organisation_id`, string(provider.SectionSafeguarding)); err != nil {
		return nil, fmt.Errorf("safeguarding sections: %w", err)
	}
	var out []Item
	for _, sec := range sections {
		working, err := staffOf(sec.Data)
		if err != nil {
			return nil, err
		}
		approved, err := staffOf(sec.Approved)
		if err != nil {
			return nil, err
		}
		left := map[string]time.Time{}
		var refs []string
		for _, list := range [][]staffEntry{approved, working} {
			for _, m := range list {
				if m.Ref == "" {
					continue // not identifiable across copies; Validate gives every member a ref
				}
				if _, seen := left[m.Ref]; !seen {
					refs = append(refs, m.Ref)
					left[m.Ref] = time.Time{}
				}
				if t, ok := leftOn(m.LeftOn); ok {
					left[m.Ref] = t
				}
			}
		}
		end, ended := lastEnd[sec.Org]
		for _, ref := range refs {
			start := dbsClockStart(e.Rule.Trigger, left[ref], end, ended)
			if start.IsZero() || start.After(e.CutoffDate) {
				continue
			}
			out = append(out, Item{ObjectType: "staff_member", ObjectID: sec.Org, Ref: ref, OrganisationID: ptr(sec.Org),
				DueSince: start.AddDate(0, e.Rule.Months, 0)})
		}
	}
	return out, nil
}

// dbsClockStart is the day a DBS record's retention period starts under a trigger, or zero
// when its event has not happened.
func dbsClockStart(trigger string, left, lastContractEnd time.Time, contractsEnded bool) time.Time {
	if !contractsEnded {
		lastContractEnd = time.Time{}
	}
	switch trigger {
	case "left":
		return left
	case "last_contract_end":
		return lastContractEnd
	}
	switch {
	case left.IsZero():
		return lastContractEnd
	case lastContractEnd.IsZero() || left.Before(lastContractEnd):
		return left
	}
	return lastContractEnd
}

// destroyDBSRecords has the provider package remove the members of staff from both copies
// of their organisation's safeguarding section, in the caller's transaction.
func destroyDBSRecords(ctx context.Context, tx *sqlx.Tx, _ env, items []Item) (int, error) {
	byOrg := map[string][]string{}
	for _, it := range items {
		byOrg[it.ObjectID] = append(byOrg[it.ObjectID], it.Ref)
	}
	return provider.DestroyStaffRecords(ctx, tx, byOrg)
}
