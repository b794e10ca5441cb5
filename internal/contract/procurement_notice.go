package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/jmoiron/sqlx"
)

// PerformanceAssessment is an assessment of the supplier's performance that the Act
// requires a contract performance notice about (section 71: a KPI assessment, or a breach
// or failure to perform), within 30 days of it.
type PerformanceAssessment struct {
	ID         string
	AssessedOn time.Time
	Summary    string
}

// PerformanceAssessments lists a contract's assessments that need a performance notice.
// Contract performance assessments are built separately (contract_assessments); the wiring
// points this at them once they exist. Until then a performance notice is "not yet due".
type PerformanceAssessments interface {
	NeedingNotice(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]PerformanceAssessment, error)
}

// NoticeStatus is where a notice is: due (nothing done yet), drafted (the officer
// downloaded its release to publish) or published (the officer recorded its notice id).
type NoticeStatus string

const (
	NoticeDue       NoticeStatus = "due"
	NoticeDrafted   NoticeStatus = "drafted"
	NoticePublished NoticeStatus = "published"
)

// Days the Act allows, counted as "the period of N days beginning with the day" of the
// event, so the event's own day is the first and the last day is the event plus N-1.
const (
	// DetailsNoticeDays: a contract details notice within 30 days of entering into the
	// contract (section 53(3)).
	DetailsNoticeDays = 30
	// LightTouchDetailsNoticeDays: 120 days for a light-touch contract (regulation 33 of
	// the Procurement Regulations 2024).
	LightTouchDetailsNoticeDays = 120
	// TerminationNoticeDays: a contract termination notice within 30 days of the contract
	// ending (section 80).
	TerminationNoticeDays = 30
	// PerformanceNoticeDays: a contract performance notice within 30 days of the
	// assessment or the breach (section 71).
	PerformanceNoticeDays = 30
)

func withinDays(day time.Time, n int) time.Time { return dateOf(day).AddDate(0, 0, n-1) }

// NoticeNeeded is a notice the Act requires of a contract: its type, what it is about and
// the last day it may be published.
type NoticeNeeded struct {
	Type    NoticeType
	Subject string
	DueOn   time.Time
}

// NoticesNeeded works out a contract's notices from what is recorded today. Only a contract
// awarded under the Act (not the 2015 regulations), not a draft and not a grant needs them:
// a contract details notice once signed; a change notice for each variation, due by the
// day the change is made (it must be published before the modification, section 75); a
// termination notice once the contract has ended, early or at its end date; and a
// performance notice for each assessment.
func NoticesNeeded(c *Contract, variations []Variation, assessments []PerformanceAssessment, today time.Time) []NoticeNeeded {
	if c.Procedure == ProcedurePCR2015 || c.Procedure == "" || c.Stored == StatusDraft || c.Route == RouteGrant {
		return nil
	}
	var out []NoticeNeeded
	if c.DateSigned != nil {
		days := DetailsNoticeDays
		if c.LightTouch {
			days = LightTouchDetailsNoticeDays
		}
		out = append(out, NoticeNeeded{Type: NoticeContractDetails, DueOn: withinDays(*c.DateSigned, days)})
	}
	for _, a := range assessments {
		out = append(out, NoticeNeeded{Type: NoticeContractPerformance, Subject: a.ID, DueOn: withinDays(a.AssessedOn, PerformanceNoticeDays)})
	}
	for _, v := range variations {
		out = append(out, NoticeNeeded{Type: NoticeContractChange, Subject: v.ID, DueOn: dateOf(v.VariedOn)})
	}
	if ended := endedDay(c, today); ended != nil {
		out = append(out, NoticeNeeded{Type: NoticeContractTermination, DueOn: withinDays(*ended, TerminationNoticeDays)})
	}
	return out
}

// endedDay is the day a contract ended: the day it was terminated (the database requires
// it of a terminated contract), or its end date once that has passed or it was marked
// ended; nil while it runs.
func endedDay(c *Contract, today time.Time) *time.Time {
	switch {
	case c.Stored == StatusTerminated && c.TerminatedOn != nil:
		return c.TerminatedOn
	case c.Stored == StatusEnded || (c.Stored == StatusActive && dateOf(c.EndDate).Before(dateOf(today))):
		end := dateOf(c.EndDate)
		return &end
	}
	return nil
}

// ProcurementNotice is one notice of a contract, as stored.
type ProcurementNotice struct {
	ID             string       `db:"id"`
	ContractID     string       `db:"contract_id"`
	Type           NoticeType   `db:"notice_type"`
	Subject        string       `db:"subject_id"`
	DueOn          time.Time    `db:"due_on"`
	Status         NoticeStatus `db:"status"`
	Release        []byte       `db:"release"`
	NoticeID       *string      `db:"notice_id"`
	PublishedOn    *time.Time   `db:"published_on"`
	RecordedByName string       `db:"recorded_by_name"`
	Version        int          `db:"version"`
	// SubjectText says what the notice is about, for its page (the variation's description).
	SubjectText string `db:"-"`
	// Late: past its due day and not published (set by ProcurementNotices for today).
	Late bool `db:"-"`
}

// StatusLabel is the notice's state as its page says it.
func (n *ProcurementNotice) StatusLabel() string {
	switch {
	case n.Status == NoticePublished:
		return "Published"
	case n.Late:
		return "Late"
	case n.Status == NoticeDrafted:
		return "Drafted"
	}
	return "Due"
}

// TagClass is the GOV.UK tag colour of the state.
func (n *ProcurementNotice) TagClass() string {
	switch {
	case n.Status == NoticePublished:
		return "govuk-tag--green"
	case n.Late:
		return "govuk-tag--red"
	case n.Status == NoticeDrafted:
		return "govuk-tag--blue"
	}
	return "govuk-tag--yellow"
}

// NoticeIDText is the recorded notice id, or empty.
func (n *ProcurementNotice) NoticeIDText() string {
	if n.NoticeID == nil {
		return ""
	}
	return *n.NoticeID
}

// ContractNotices is a contract's notices page: the notices due, drafted and published,
// and whether performance notices wait for assessments to exist.
type ContractNotices struct {
	Contract *Contract
	Notices  []ProcurementNotice
	// NotUnderAct: the contract was let under the 2015 regulations (or is a draft or a
	// grant), so the Act's notices do not apply.
	NotUnderAct bool
	// PerformanceNotYetDue: no assessment has made a performance notice due.
	PerformanceNotYetDue bool
}

const noticeColumns = `id, contract_id, notice_type, subject_id, due_on, status, release, notice_id, published_on, recorded_by_name, version`

// ProcurementNotices derives the contract's notices from what is recorded now (so a new
// variation or a termination adds its notice when the page is next viewed), stores any new
// ones, moves the due day of unpublished ones whose event moved, and lists them, soonest due
// first. Deriving is not audited: it records nothing anyone did.
func (svc *Service) ProcurementNotices(ctx context.Context, contractID string) (*ContractNotices, error) {
	today := svc.Today()
	out := &ContractNotices{}
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		c, err := lockContract(ctx, tx, contractID)
		if err != nil {
			return err
		}
		settings, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		c.Status = c.StatusOn(today, settings.ExpiringWithinDays)
		out.Contract = c
		variations, err := Variations(ctx, tx, contractID)
		if err != nil {
			return err
		}
		var assessments []PerformanceAssessment
		if svc.Assessments != nil {
			if assessments, err = svc.Assessments.NeedingNotice(ctx, tx, contractID); err != nil {
				return err
			}
		}
		needed := NoticesNeeded(c, variations, assessments, today)
		out.NotUnderAct = needed == nil && (c.Procedure == ProcedurePCR2015 || c.Procedure == "" || c.Stored == StatusDraft || c.Route == RouteGrant)
		out.PerformanceNotYetDue = len(assessments) == 0
		for _, n := range needed {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_notices (contract_id, notice_type, subject_id, due_on) VALUES ($1, $2, $3, $4)
				ON CONFLICT (contract_id, notice_type, subject_id) DO UPDATE SET due_on = EXCLUDED.due_on, updated_at = now()
				WHERE contract_notices.status <> 'published' AND contract_notices.due_on <> EXCLUDED.due_on`,
				contractID, n.Type, n.Subject, n.DueOn.Format(time.DateOnly)); err != nil {
				return fmt.Errorf("derive notices: %w", err)
			}
		}
		if err := tx.SelectContext(ctx, &out.Notices, `SELECT `+noticeColumns+` FROM contract_notices WHERE contract_id = $1
			ORDER BY due_on, notice_type, subject_id`, contractID); err != nil {
			return fmt.Errorf("notices: %w", err)
		}
		about := map[string]string{}
		for _, v := range variations {
			about[v.ID] = v.VariedOn.Format("2 January 2006") + ": " + v.Description
			if v.ValueChangePence != 0 {
				about[v.ID] += " (value " + signedMoney(v.ValueChangePence) + ")"
			}
		}
		for i := range out.Notices {
			n := &out.Notices[i]
			n.Late = n.Status != NoticePublished && dateOf(n.DueOn).Before(today)
			if n.Type == NoticeContractChange {
				n.SubjectText = about[n.Subject]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func signedMoney(p int64) string {
	if p < 0 {
		return "−" + Money(-p)
	}
	return "+" + Money(p)
}

// noticeOf reads one of the contract's notices, locked, or NotFound.
func noticeOf(ctx context.Context, tx *sqlx.Tx, contractID, id string) (*ProcurementNotice, error) {
	if !db.IsUUID(id) || !db.IsUUID(contractID) {
		return nil, apperr.New(apperr.NotFound, "Notice not found")
	}
	var n ProcurementNotice
	err := tx.GetContext(ctx, &n, `SELECT `+noticeColumns+` FROM contract_notices WHERE id = $1 AND contract_id = $2 FOR UPDATE`, id, contractID)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Notice not found")
	}
	if err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	return &n, nil
}

// noticeRelease builds a notice's release from the contract as it is now.
func (svc *Service) noticeRelease(ctx context.Context, tx *sqlx.Tx, n *ProcurementNotice, buyer Buyer) ([]byte, error) {
	c, err := lockContract(ctx, tx, n.ContractID)
	if err != nil {
		return nil, err
	}
	settings, err := svc.OCDSSettings(ctx)
	if err != nil {
		return nil, err
	}
	c.Status = c.StatusOn(svc.Today(), settings.ExpiringWithinDays)
	supplier, err := SupplierParty(ctx, tx, c.OrganisationID)
	if err != nil {
		return nil, err
	}
	in := NoticeInput{ReleaseInput: ReleaseInput{Contract: c, Supplier: supplier, Buyer: buyer, Settings: settings},
		NoticeID: n.ID, Type: n.Type, Now: svc.now()}
	switch n.Type {
	case NoticeContractChange:
		vs, err := Variations(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		// The notice gives the value as this change leaves it, not with changes made since.
		var upTo int64
		for i := range vs {
			upTo += vs[i].ValueChangePence
			if vs[i].ID == n.Subject {
				in.Variation = &vs[i]
				c.VariationsPence = upTo
				break
			}
		}
	case NoticeContractPerformance:
		if svc.Assessments != nil {
			as, err := svc.Assessments.NeedingNotice(ctx, tx, c.ID)
			if err != nil {
				return nil, err
			}
			for i := range as {
				if as[i].ID == n.Subject {
					in.Assessment = &as[i]
				}
			}
		}
	}
	data, err := json.MarshalIndent(BuildNoticeRelease(in), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("notice release: %w", err)
	}
	return data, nil
}

// DraftNotice builds the notice's OCDS release for the officer to publish on the Central
// Digital Platform, keeps it with the notice (a due notice becomes drafted) and records
// who downloaded it. A published notice returns the release kept when it was published,
// unchanged. Drafting does not move the version: the officer downloads the draft and then
// records the publication from the same page.
func (svc *Service) DraftNotice(ctx context.Context, contractID, id string, buyer Buyer) ([]byte, error) {
	var out []byte
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		n, err := noticeOf(ctx, tx, contractID, id)
		if err != nil {
			return err
		}
		if n.Status == NoticePublished && n.Release != nil {
			out = n.Release
			return nil
		}
		if out, err = svc.noticeRelease(ctx, tx, n, buyer); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_notices SET status = 'drafted', release = $2, updated_at = now() WHERE id = $1`,
			n.ID, string(out)); err != nil {
			return fmt.Errorf("draft notice: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.notice.drafted", ObjectType: "contract", ObjectID: contractID,
			Summary: map[string]any{"notice": n.ID, "notice_type": string(n.Type), "subject_id": n.Subject}})
	})
	return out, err
}

// PublishedForm is what the officer records once the notice is on the Central Digital
// Platform: its notice id and the day it was published.
type PublishedForm struct {
	NoticeID    string         `form:"notice_id" label:"the notice id"`
	PublishedOn form.DateInput `form:"published_on" label:"the date it was published"`
}

// PublishedFormOrder is the order of the form's fields, for the error summary.
var PublishedFormOrder = []string{"notice_id", "published_on"}

// findATenderID is a Find a Tender notice id: a 6-digit number and the year, 012345-2025.
// The notice's address ends with it (https://www.find-tender.service.gov.uk/Notice/012345-2025),
// so a pasted address is read for the id.
var findATenderID = regexp.MustCompile(`(?:^|/)([0-9]{6}-[0-9]{4})/?$`)

// ParseNoticeID reads a Find a Tender notice id, or its notice's address.
func ParseNoticeID(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "Enter the notice id Find a Tender gave the notice, like 012345-2025"
	}
	m := findATenderID.FindStringSubmatch(s)
	if m == nil {
		return "", "Enter the notice id like 012345-2025: 6 digits, a hyphen and the year"
	}
	return m[1], ""
}

// RecordPublished records that the notice was published on the Central Digital Platform,
// with its notice id and date, naming the version the officer read (a conflict, never an
// overwrite). The release published is kept: the draft, or one built now if none was
// downloaded.
func (svc *Service) RecordPublished(ctx context.Context, contractID, id string, version int, f PublishedForm, buyer Buyer) error {
	errs := map[string]string{}
	noticeID, msg := ParseNoticeID(f.NoticeID)
	if msg != "" {
		errs["notice_id"] = msg
	}
	on, msg := f.PublishedOn.Time("the date it was published")
	if msg != "" {
		errs["published_on"] = msg
	} else if on.After(svc.Today()) {
		errs["published_on"] = "The date it was published must be today or in the past"
	}
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		n, err := noticeOf(ctx, tx, contractID, id)
		if err != nil {
			return err
		}
		if n.Version != version {
			return apperr.New(apperr.Conflict, "Someone else recorded this notice while you were looking at it: check it and try again")
		}
		if errs["notice_id"] == "" && noticeID[7:] < "2025" {
			errs["notice_id"] = "Notices under the Procurement Act 2023 were first published in 2025: check the year in the notice id"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		release := []byte(nil)
		if n.Release != nil {
			release = n.Release
		} else if release, err = svc.noticeRelease(ctx, tx, n, buyer); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_notices SET status = 'published', notice_id = $2, published_on = $3, release = $4,
			recorded_by = $5, recorded_by_name = $6, recorded_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
			n.ID, noticeID, on.Format(time.DateOnly), string(release), nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx)); err != nil {
			return fmt.Errorf("record notice: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.notice.published", ObjectType: "contract", ObjectID: contractID,
			Summary: map[string]any{"notice": n.ID, "notice_type": string(n.Type), "subject_id": n.Subject, "notice_id": noticeID,
				"published_on": on.Format(time.DateOnly), "due_on": n.DueOn.Format(time.DateOnly), "late": on.After(dateOf(n.DueOn))}})
	})
}
