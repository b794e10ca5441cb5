package quality

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The kinds of reminder.
const (
	ReminderInsurance   = "insurance_expiry"
	ReminderDBS         = "dbs_check"
	ReminderContractEnd = "contract_end"
)

// Daily is the daily job: it recomputes every provider's stored compliance for today, then
// sends the reminders due. It runs under the jobs scheduler's advisory lock, so one instance
// runs it; the reminders_sent table makes each reminder go once even if two runs overlapped.
func (s *Service) Daily(ctx context.Context) error {
	today := s.Today()
	_, refreshErr := RefreshCompliance(ctx, s.DB, today)
	_, remindErr := s.SendReminders(ctx, today)
	return errors.Join(refreshErr, remindErr)
}

// ReminderThreshold is the reminder due today for something due on due: the smallest of the
// reminder days (60, 30 and 7 by default) that is at least the days left. A job that missed
// a day still sends the reminder for the time left, and never an earlier, larger one late.
// ok is false before the largest reminder day and once the date has passed.
func ReminderThreshold(due, today time.Time, days []int) (threshold int, ok bool) {
	left := daysBetween(today, due)
	if left < 0 {
		return 0, false
	}
	best := -1
	for _, d := range days {
		if left <= d && (best < 0 || d < best) {
			best = d
		}
	}
	if best < 0 {
		return 0, false
	}
	return best, true
}

// reminder is one reminder to send, unless it has gone already.
type reminder struct {
	kind, objectID string
	orgID          string
	threshold      int
	due            time.Time
	to             []string
	subject, body  string
	// detail is the history's line: it names no member of staff (DBS data).
	detail string
}

// SendReminders sends today's reminders to providers (insurance expiring, DBS status checks
// falling due) and to contract managers (contracts ending). It returns how many it sent.
func (s *Service) SendReminders(ctx context.Context, today time.Time) (int, error) {
	settings, err := LoadSettings(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	sent, err := s.providerReminders(ctx, settings, today)
	if err != nil {
		return sent, err
	}
	n, err := s.contractReminders(ctx, settings, today)
	return sent + n, err
}

// providerReminders walks approved and suspended providers with approved insurance or
// safeguarding sections, in batches, and sends each reminder not sent yet.
func (s *Service) providerReminders(ctx context.Context, settings Settings, today time.Time) (int, error) {
	after, sent := "00000000-0000-0000-0000-000000000000", 0
	for {
		var ids []string
		if err := s.DB.SelectContext(ctx, &ids, `SELECT o.id::text FROM organisations o
			WHERE o.id > $1 AND o.status IN ('approved','suspended') AND EXISTS (SELECT 1 FROM provider_sections ps
				WHERE ps.organisation_id = o.id AND ps.section IN ('insurance','safeguarding') AND ps.approved_data IS NOT NULL)
			ORDER BY o.id LIMIT $2`, after, refreshBatch); err != nil {
			return sent, fmt.Errorf("providers to remind: %w", err)
		}
		if len(ids) == 0 {
			return sent, nil
		}
		after = ids[len(ids)-1]
		inputs := make(map[string]*Inputs, len(ids))
		for _, id := range ids {
			inputs[id] = &Inputs{}
		}
		if err := loadSections(ctx, s.DB, ids, inputs); err != nil {
			return sent, err
		}
		done, err := sentKeys(ctx, s.DB, ids)
		if err != nil {
			return sent, err
		}
		for _, id := range ids {
			for _, r := range s.dueForProvider(id, inputs[id], settings, today) {
				if done[r.key()] {
					continue
				}
				ok, err := s.send(ctx, r, true)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
			}
		}
	}
}

func (r reminder) key() string { return fmt.Sprintf("%s|%s|%d", r.kind, r.objectID, r.threshold) }

// sentKeys are the reminders already sent to a batch of providers.
func sentKeys(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string]bool, error) {
	var rows []struct {
		Kind      string `db:"kind"`
		Object    string `db:"object_id"`
		Threshold int    `db:"threshold_days"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT kind, object_id, threshold_days FROM reminders_sent
		WHERE organisation_id = ANY($1::uuid[])`, pq.Array(orgIDs)); err != nil {
		return nil, fmt.Errorf("reminders sent: %w", err)
	}
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[reminder{kind: r.Kind, objectID: r.Object, threshold: r.Threshold}.key()] = true
	}
	return out, nil
}

// dueForProvider lists the provider reminders due today: one per insurance policy expiring
// and per member of staff whose DBS status check falls due, at the threshold reached. The
// object id carries the due date, so a renewed policy or a new check is reminded afresh.
func (s *Service) dueForProvider(orgID string, in *Inputs, settings Settings, today time.Time) []reminder {
	var out []reminder
	if in.Insurance != nil {
		for _, kind := range provider.PolicyKinds {
			if kind.Value == provider.PolicyEmployersLiability && in.Insurance.ELExempt == "yes" {
				continue
			}
			p := in.Insurance.Policy(kind.Value)
			expiry, msg := p.Expiry.Time("date")
			if msg != "" {
				continue
			}
			threshold, ok := ReminderThreshold(expiry, today, settings.ReminderDays)
			if !ok {
				continue
			}
			name := strings.ToLower(kind.Label[:1]) + kind.Label[1:]
			out = append(out, reminder{kind: ReminderInsurance, orgID: orgID, threshold: threshold, due: expiry,
				objectID: fmt.Sprintf("%s/%s/%s", orgID, kind.Value, expiry.Format(time.DateOnly)),
				subject:  fmt.Sprintf("Your %s insurance expires on %s", name, displayDate(expiry)),
				body: fmt.Sprintf("The council's record shows that your %s insurance%s expires on %s, in %s.\n\n"+
					"Renew it before then and upload the new certificate in the Provider Portal, so that the council can keep placing children with you:\n%s\n\n"+
					"If you have renewed it already, upload the new certificate and you will not be reminded about this policy again.\n",
					name, policyWords(p), displayDate(expiry), dayCount(daysBetween(today, expiry)), s.link("/provider/sections/insurance")),
				detail: fmt.Sprintf("Reminder that the %s insurance expires on %s (%s before)", name, displayDate(expiry), dayCount(threshold)),
			})
		}
	}
	if in.Safeguarding != nil {
		for _, m := range in.Safeguarding.Staff {
			last, ok := LastDBSCheck(m)
			if !m.LeftOn.IsEmpty() || !ok || m.Ref == "" {
				continue
			}
			due := DBSDue(last, settings)
			threshold, ok := ReminderThreshold(due, today, settings.ReminderDays)
			if !ok {
				continue
			}
			out = append(out, reminder{kind: ReminderDBS, orgID: orgID, threshold: threshold, due: due,
				objectID: fmt.Sprintf("%s/%s/%s", orgID, m.Ref, due.Format(time.DateOnly)),
				subject:  fmt.Sprintf("A DBS status check is due on %s", displayDate(due)),
				body: fmt.Sprintf("A DBS status check for %s (%s) is due on %s, %s after their last check or certificate on %s.\n\n"+
					"With their consent, check their certificate on the DBS Update Service (or, if it is not on the Update Service, "+
					"apply for a new certificate), then record the result in the Provider Portal:\n%s\n",
					m.Name, m.Role, displayDate(due), monthCount(settings.DBSCheckMonths), displayDate(last), s.link("/provider/sections/safeguarding")),
				detail: fmt.Sprintf("Reminder that a DBS status check is due on %s (%s before)", displayDate(due), dayCount(threshold)),
			})
		}
	}
	return out
}

// send records the reminder and queues its mail in one transaction. The insert into
// reminders_sent is the guard: if another run sent it first, nothing is queued. toProvider
// sends to the provider's users and key contact (r.to is then filled here).
func (s *Service) send(ctx context.Context, r reminder, toProvider bool) (bool, error) {
	var sent bool
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if toProvider {
			var err error
			if r.to, err = provider.Recipients(ctx, tx, r.orgID); err != nil {
				return err
			}
		}
		var orgID any
		if r.orgID != "" {
			orgID = r.orgID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO reminders_sent (kind, object_id, threshold_days, organisation_id, due_on, recipients)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, object_id, threshold_days) DO NOTHING`,
			r.kind, r.objectID, r.threshold, orgID, r.due, len(r.to))
		if err != nil {
			return fmt.Errorf("record reminder: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // sent already, by an earlier or concurrent run
		}
		for _, addr := range r.to {
			if err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Kind: "reminder_" + r.kind, Subject: r.subject, Body: r.body}); err != nil {
				return err
			}
		}
		sent = true
		if r.orgID == "" {
			return nil
		}
		detail := r.detail
		if len(r.to) == 0 {
			detail += ": nobody to email"
		}
		return record(ctx, tx, "quality.reminder.sent", r.orgID, detail, map[string]any{"kind": r.kind, "object_id": r.objectID,
			"threshold_days": r.threshold, "due_on": r.due.Format(time.DateOnly), "recipients": len(r.to)})
	})
	return sent, err
}

// contractReminders tells each active contract's manager (or, where it has none, every
// officer) that it ends soon.
func (s *Service) contractReminders(ctx context.Context, settings Settings, today time.Time) (int, error) {
	var err error
	longest := 0
	for _, d := range settings.ReminderDays {
		longest = max(longest, d)
	}
	var rows []struct {
		ID           string    `db:"id"`
		Reference    string    `db:"reference"`
		Title        string    `db:"title"`
		EndDate      time.Time `db:"end_date"`
		OrgID        string    `db:"organisation_id"`
		Provider     string    `db:"provider"`
		ManagerEmail *string   `db:"manager_email"`
	}
	if err := s.DB.SelectContext(ctx, &rows, `SELECT c.id, c.reference, c.title, c.end_date, c.organisation_id,
			coalesce(nullif(o.legal_name, ''), o.name) AS provider, u.email::text AS manager_email
		FROM contracts c JOIN organisations o ON o.id = c.organisation_id
		LEFT JOIN users u ON u.id = c.manager_id AND u.disabled_at IS NULL
		WHERE c.status = 'active' AND c.end_date >= $1 AND c.end_date <= $1::date + $2::int
		ORDER BY c.end_date, c.id`, today, longest); err != nil {
		return 0, fmt.Errorf("contracts ending: %w", err)
	}
	var officers []string
	sent := 0
	for _, c := range rows {
		threshold, ok := ReminderThreshold(c.EndDate, today, settings.ReminderDays)
		if !ok {
			continue
		}
		r := reminder{kind: ReminderContractEnd, orgID: c.OrgID, threshold: threshold, due: c.EndDate,
			objectID: fmt.Sprintf("%s/%s", c.ID, c.EndDate.Format(time.DateOnly)),
			subject:  fmt.Sprintf("Contract %s ends on %s", c.Reference, displayDate(c.EndDate)),
			detail: fmt.Sprintf("Reminder that contract %s ends on %s (%s before), to its contract manager",
				c.Reference, displayDate(c.EndDate), dayCount(threshold)),
		}
		intro := "You manage this contract."
		if c.ManagerEmail != nil {
			r.to = []string{*c.ManagerEmail}
		} else {
			r.detail = fmt.Sprintf("Reminder that contract %s ends on %s (%s before), to every officer: it has no contract manager",
				c.Reference, displayDate(c.EndDate), dayCount(threshold))
			if officers == nil {
				if officers, err = activeOfficerEmails(ctx, s.DB); err != nil {
					return sent, err
				}
			}
			r.to, intro = officers, "This contract has no contract manager, so every commissioning officer is told."
		}
		r.body = fmt.Sprintf("Contract %s, %s, with %s, ends on %s, in %s.\n\n%s Decide whether to extend it, procure again or let it end, "+
			"and tell the provider in good time:\n%s\n", c.Reference, c.Title, c.Provider, displayDate(c.EndDate),
			dayCount(daysBetween(today, c.EndDate)), intro, s.link("/contracts/"+c.ID))
		ok, err := s.send(ctx, r, false)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

func activeOfficerEmails(ctx context.Context, q sqlx.QueryerContext) ([]string, error) {
	var out []string
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT email::text FROM users WHERE 'officer' = ANY(roles) AND disabled_at IS NULL ORDER BY email`); err != nil {
		return nil, fmt.Errorf("officers' emails: %w", err)
	}
	return out, nil
}
