package subject

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Criteria say whom to look for. A record is about the person when any given criterion
// matches it exactly: the email address ignoring case, the UK telephone number whatever
// its spacing or +44 prefix, the full name ignoring case and spacing. Exact matching is
// deliberate: a partial name would bring in other people, and disclosing a stranger's data
// in an export is itself a breach. Search again with other names or spellings they used.
type Criteria struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Normalise tidies the criteria and checks them, returning a message per field ("email",
// "name", "phone"). At least one is needed.
func (c *Criteria) Normalise() map[string]string {
	errs := map[string]string{}
	for field, v := range map[string]string{"email": c.Email, "name": c.Name, "phone": c.Phone} {
		if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
			errs[field] = "Remove the characters that are not allowed"
		}
	}
	if len(errs) > 0 {
		return errs
	}
	c.Email, c.Name, c.Phone = strings.TrimSpace(c.Email), strings.Join(strings.Fields(c.Name), " "), strings.TrimSpace(c.Phone)
	if c.Email == "" && c.Name == "" && c.Phone == "" {
		errs["email"] = "Enter an email address, a full name or a telephone number to search for"
		return errs
	}
	if c.Email != "" {
		if e, err := validate.NormaliseEmail(c.Email); err != nil {
			errs["email"] = "Enter an email address in the correct format, like name@example.com"
		} else {
			c.Email = e
		}
	}
	if utf8.RuneCountInString(c.Name) > 200 {
		errs["name"] = "The name must be 200 characters or fewer"
	}
	if c.Phone != "" {
		if p, err := ukid.Phone(c.Phone); err != nil {
			errs["phone"] = err.Error()
		} else {
			c.Phone = p
		}
	}
	return errs
}

// nameKey is a name as compared: lower case, single spaces.
func nameKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// phoneKey is a telephone number as compared: its national form, or its digits when it is
// not a valid UK number.
func phoneKey(s string) string {
	if p, err := ukid.Phone(s); err == nil {
		return p
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// match returns what about a record matched the criteria: "email", "name", "phone".
func (c Criteria) match(name, email, phone string) []string {
	var on []string
	if c.Email != "" && email != "" && strings.EqualFold(strings.TrimSpace(email), c.Email) {
		on = append(on, "email")
	}
	if c.Name != "" && name != "" && nameKey(name) == nameKey(c.Name) {
		on = append(on, "name")
	}
	if c.Phone != "" && phone != "" && phoneKey(phone) == phoneKey(c.Phone) {
		on = append(on, "phone")
	}
	return on
}

// Findings are everything held about the person, by kind of record. The JSON names are
// those of the export's data.json.
type Findings struct {
	Criteria    Criteria           `json:"searched_for"`
	Users       []UserRecord       `json:"user_accounts"`
	Contacts    []ContactRecord    `json:"provider_contacts"`
	DBS         []DBSRecord        `json:"dbs_records"`
	Documents   []DocumentRecord   `json:"documents"`
	Emails      []EmailRecord      `json:"emails_sent"`
	Events      []EventRecord      `json:"audit_events"`
	Corrections []CorrectionRecord `json:"correction_requests"`
}

// Category is a kind of record with how many were found.
type Category struct {
	Key, Label string
	Count      int
}

// Categories are the kinds of record with their counts, in the order pages show them.
func (f *Findings) Categories() []Category {
	return []Category{
		{"user_accounts", "User accounts", len(f.Users)},
		{"provider_contacts", "Contact details in provider records", len(f.Contacts)},
		{"dbs_records", "DBS check records", len(f.DBS)},
		{"documents", "Documents they uploaded", len(f.Documents)},
		{"emails_sent", "Emails sent to them", len(f.Emails)},
		{"audit_events", "Audit trail events", len(f.Events)},
		{"correction_requests", "Requests to correct their information", len(f.Corrections)},
	}
}

// Counts are the categories' counts by key, for the disclosure log and the audit trail.
func (f *Findings) Counts() map[string]int {
	out := map[string]int{}
	for _, c := range f.Categories() {
		out[c.Key] = c.Count
	}
	return out
}

// Total is the number of records found.
func (f *Findings) Total() int {
	n := 0
	for _, c := range f.Categories() {
		n += c.Count
	}
	return n
}

// UserRecord is a user account. Its password hash and authenticator secret are security
// credentials and are never read here.
type UserRecord struct {
	ID               string         `json:"id" db:"id"`
	Name             string         `json:"name" db:"name"`
	Email            string         `json:"email" db:"email"`
	Roles            pq.StringArray `json:"roles" db:"roles"`
	CreatedAt        time.Time      `json:"created_at" db:"created_at"`
	EmailConfirmedAt *time.Time     `json:"email_confirmed_at" db:"email_confirmed_at"`
	DisabledAt       *time.Time     `json:"disabled_at" db:"disabled_at"`
	Organisations    []string       `json:"organisations" db:"-"`
	Notices          []NoticeRead   `json:"privacy_notices_acknowledged" db:"-"`
	MatchedOn        []string       `json:"matched_on" db:"-"`
}

// NoticeRead is a privacy notice version the user acknowledged, and when.
type NoticeRead struct {
	UserID         string    `json:"-" db:"user_id"`
	Version        int       `json:"version" db:"version"`
	AcknowledgedAt time.Time `json:"acknowledged_at" db:"acknowledged_at"`
}

// ContactRecord is the person as a contact in a provider's record. HeldIn says which
// copies hold it: the provider's current answers, the approved record, or both.
type ContactRecord struct {
	OrganisationID string   `json:"organisation_id"`
	Organisation   string   `json:"organisation"`
	Position       string   `json:"position"`
	Name           string   `json:"name"`
	Role           string   `json:"role"`
	Email          string   `json:"email"`
	Phone          string   `json:"phone"`
	HeldIn         []string `json:"held_in"`
	MatchedOn      []string `json:"matched_on"`
}

// DBSRecord is the person as a member of staff in a provider's safeguarding section. The
// certificate number is masked: the export never holds it in full.
type DBSRecord struct {
	OrganisationID  string   `json:"organisation_id"`
	Organisation    string   `json:"organisation"`
	Name            string   `json:"name"`
	Role            string   `json:"role"`
	Level           string   `json:"dbs_check_level"`
	Certificate     string   `json:"certificate_number_masked"`
	IssueDate       string   `json:"issue_date"`
	UpdateService   string   `json:"on_update_service"`
	LastCheckResult string   `json:"last_status_check_result"`
	LastCheckDate   string   `json:"last_status_check_date"`
	LeftOn          string   `json:"left_on"`
	HeldIn          []string `json:"held_in"`
	MatchedOn       []string `json:"matched_on"`
}

// DocumentRecord is a file the person uploaded. Path is where the export holds it.
type DocumentRecord struct {
	ID           string    `json:"id" db:"id"`
	Organisation string    `json:"organisation" db:"organisation"`
	Kind         string    `json:"kind" db:"kind"`
	Filename     string    `json:"filename" db:"filename"`
	ContentType  string    `json:"content_type" db:"content_type"`
	Size         int       `json:"size_bytes" db:"size_bytes"`
	SHA256       string    `json:"sha256" db:"sha256"`
	UploadedAt   time.Time `json:"uploaded_at" db:"uploaded_at"`
	Path         string    `json:"file_in_export" db:"-"`
}

// EmailRecord is an email the portal sent (or will send) to the person. Links in the body
// are removed: they may carry sign-in or reset tokens.
type EmailRecord struct {
	ID        string     `json:"id" db:"id"`
	To        string     `json:"to" db:"to_address"`
	Subject   string     `json:"subject" db:"subject"`
	Body      string     `json:"body" db:"body"`
	Kind      string     `json:"kind" db:"kind"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	SentAt    *time.Time `json:"sent_at" db:"sent_at"`
}

// EventRecord is an audit trail event where the person is the actor ("by them") or the
// object ("about them").
type EventRecord struct {
	ID         int64           `json:"id" db:"id"`
	At         time.Time       `json:"at" db:"at"`
	Action     string          `json:"action" db:"action"`
	ObjectType string          `json:"object_type" db:"object_type"`
	ObjectID   string          `json:"object_id" db:"object_id"`
	ActorEmail string          `json:"actor_email" db:"actor_email"`
	IP         string          `json:"ip" db:"ip"`
	Summary    json.RawMessage `json:"summary" db:"summary"`
	Relation   string          `json:"relation" db:"relation"`
}

// CorrectionRecord is a request they made to correct their information.
type CorrectionRecord struct {
	Reference    string     `json:"reference" db:"reference"`
	CreatedAt    time.Time  `json:"made_at" db:"created_at"`
	Organisation string     `json:"organisation" db:"organisation"`
	Location     string     `json:"where" db:"location"`
	WhatIsWrong  string     `json:"what_is_wrong" db:"what_is_wrong"`
	ShouldSay    string     `json:"what_it_should_say" db:"should_say"`
	Status       string     `json:"status" db:"status"`
	Outcome      string     `json:"outcome" db:"outcome"`
	ClosedAt     *time.Time `json:"closed_at" db:"closed_at"`
}

// Search finds everything held about the person the criteria describe. The criteria must
// have been normalised. Names are compared in Go rather than SQL, so the comparison does
// not depend on the database's locale; the user and provider record tables are read a row
// at a time to do it.
func Search(ctx context.Context, q sqlx.QueryerContext, c Criteria) (*Findings, error) {
	f := &Findings{Criteria: c, Users: []UserRecord{}, Contacts: []ContactRecord{}, DBS: []DBSRecord{}, Documents: []DocumentRecord{},
		Emails: []EmailRecord{}, Events: []EventRecord{}, Corrections: []CorrectionRecord{}}
	if err := f.findUsers(ctx, q); err != nil {
		return nil, err
	}
	if err := f.findInProviderRecords(ctx, q); err != nil {
		return nil, err
	}
	userIDs, emails := f.userIDs(), f.emails()
	err := sqlx.SelectContext(ctx, q, &f.Documents, `SELECT d.id, coalesce(nullif(o.legal_name, ''), o.name) AS organisation, d.kind,
			d.filename, d.content_type, d.size_bytes, encode(d.sha256, 'hex') AS sha256, d.uploaded_at
		FROM documents d JOIN organisations o ON o.id = d.organisation_id
		WHERE d.uploaded_by = ANY ($1::uuid[]) ORDER BY d.uploaded_at, d.id`, pq.Array(userIDs))
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	err = sqlx.SelectContext(ctx, q, &f.Emails, `SELECT id, to_address::text AS to_address, subject, body, kind, created_at, sent_at
		FROM outbox WHERE to_address = ANY ($1::citext[]) ORDER BY created_at, id`, pq.Array(emails))
	if err != nil {
		return nil, fmt.Errorf("emails: %w", err)
	}
	for i := range f.Emails {
		f.Emails[i].Body = withoutLinks(f.Emails[i].Body)
	}
	err = sqlx.SelectContext(ctx, q, &f.Events, `SELECT id, at, action, object_type, object_id, actor_email, ip, summary,
			CASE WHEN actor_id = ANY ($1::uuid[]) OR lower(actor_email) = ANY ($2::text[]) THEN 'by them' ELSE 'about them' END AS relation
		FROM audit_events
		WHERE actor_id = ANY ($1::uuid[]) OR lower(actor_email) = ANY ($2::text[])
		   OR (object_type = 'user' AND object_id = ANY ($3::text[]))
		ORDER BY id`, pq.Array(userIDs), pq.Array(lowered(emails)), pq.Array(userIDs))
	if err != nil {
		return nil, fmt.Errorf("audit events: %w", err)
	}
	err = sqlx.SelectContext(ctx, q, &f.Corrections, `SELECT r.reference, r.created_at,
			coalesce(nullif(o.legal_name, ''), o.name, '') AS organisation, r.location, r.what_is_wrong, r.should_say,
			r.status, r.outcome, r.closed_at
		FROM rectification_requests r LEFT JOIN organisations o ON o.id = r.organisation_id
		WHERE r.requested_by = ANY ($1::uuid[]) OR r.requester_email = ANY ($2::citext[])
		ORDER BY r.created_at, r.number`, pq.Array(userIDs), pq.Array(emails))
	if err != nil {
		return nil, fmt.Errorf("correction requests: %w", err)
	}
	for i := range f.Corrections {
		f.Corrections[i].Status = privacy.CorrectionStatusLabel(f.Corrections[i].Status)
	}
	return f, nil
}

// findUsers reads every account's name and email, keeping those that match, then their
// organisations and the notices they acknowledged.
func (f *Findings) findUsers(ctx context.Context, q sqlx.QueryerContext) error {
	rows, err := q.QueryxContext(ctx, `SELECT id, name, email::text AS email, roles, created_at, email_confirmed_at, disabled_at
		FROM users ORDER BY created_at, id`)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u UserRecord
		if err := rows.StructScan(&u); err != nil {
			return fmt.Errorf("users: %w", err)
		}
		if u.MatchedOn = f.Criteria.match(u.Name, u.Email, ""); len(u.MatchedOn) > 0 {
			u.Organisations, u.Notices = []string{}, []NoticeRead{}
			f.Users = append(f.Users, u)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if len(f.Users) == 0 {
		return nil
	}
	ids := f.userIDs()
	var orgs []struct {
		UserID string `db:"user_id"`
		Name   string `db:"name"`
	}
	err = sqlx.SelectContext(ctx, q, &orgs, `SELECT m.user_id, coalesce(nullif(o.legal_name, ''), o.name) AS name
		FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = ANY ($1::uuid[]) ORDER BY 2`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("memberships: %w", err)
	}
	var reads []NoticeRead
	err = sqlx.SelectContext(ctx, q, &reads, `SELECT a.user_id, n.version, a.acknowledged_at
		FROM notice_acknowledgements a JOIN privacy_notices n ON n.id = a.notice_id
		WHERE a.user_id = ANY ($1::uuid[]) ORDER BY a.acknowledged_at`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("notice acknowledgements: %w", err)
	}
	for i := range f.Users {
		u := &f.Users[i]
		for _, o := range orgs {
			if o.UserID == u.ID {
				u.Organisations = append(u.Organisations, o.Name)
			}
		}
		for _, r := range reads {
			if r.UserID == u.ID {
				u.Notices = append(u.Notices, r)
			}
		}
	}
	return nil
}

// sectionRow is a contacts or safeguarding section with its organisation's name.
type sectionRow struct {
	OrganisationID string `db:"organisation_id"`
	Organisation   string `db:"organisation"`
	Section        string `db:"section"`
	Data           []byte `db:"data"`
	ApprovedData   []byte `db:"approved_data"`
	DecidedData    []byte `db:"decided_data"`
	DraftData      []byte `db:"draft_data"`
}

// copyNames name the copies of a section as the export explains them.
const (
	copyWorking  = "current answers"
	copyApproved = "approved record"
	copyDecided  = "answers at the council's last decision"
	copyDraft    = "draft saved by the provider, not yet sent"
)

// findInProviderRecords reads every contacts and safeguarding section, the working copy,
// the approved copy, the copy kept from the last decision (for the officers' review) and
// any draft the provider saved,
// and keeps the people in them who match. A person held the same way in several copies is
// listed once, saying so.
func (f *Findings) findInProviderRecords(ctx context.Context, q sqlx.QueryerContext) error {
	rows, err := q.QueryxContext(ctx, `SELECT ps.organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS organisation,
			ps.section, ps.data, ps.approved_data, ps.decided_data, ps.draft_data
		FROM provider_sections ps JOIN organisations o ON o.id = ps.organisation_id
		WHERE ps.section IN ('contacts', 'safeguarding') ORDER BY o.name, ps.organisation_id, ps.section`)
	if err != nil {
		return fmt.Errorf("provider records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r sectionRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("provider records: %w", err)
		}
		def, ok := provider.SectionByKey(r.Section)
		if !ok {
			continue
		}
		rec := provider.SectionRecord{Data: r.Data, ApprovedData: r.ApprovedData, DecidedData: r.DecidedData, DraftData: r.DraftData}
		draft := func(def provider.Definition) (provider.Answers, error) {
			if !rec.HasDraft() {
				return nil, apperr.New(apperr.NotFound, "no draft")
			}
			return rec.Draft(def)
		}
		copies := []struct {
			name string
			read func(provider.Definition) (provider.Answers, error)
		}{{copyWorking, rec.Answers}, {copyApproved, rec.Approved}, {copyDecided, rec.Decided}, {copyDraft, draft}}
		for _, cp := range copies {
			answers, err := cp.read(def)
			if apperr.Is(err, apperr.NotFound) {
				continue // no approved copy yet
			}
			if err != nil {
				return fmt.Errorf("%s of %s: %w", r.Section, r.OrganisationID, err)
			}
			switch a := answers.(type) {
			case *provider.ContactsAnswers:
				f.addContacts(r, cp.name, a)
			case *provider.SafeguardingAnswers:
				f.addStaff(r, cp.name, a)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("provider records: %w", err)
	}
	return nil
}

func (f *Findings) addContacts(r sectionRow, copyName string, a *provider.ContactsAnswers) {
	add := func(position string, c provider.Contact) {
		on := f.Criteria.match(c.Name, c.Email, c.Phone)
		if len(on) == 0 {
			return
		}
		rec := ContactRecord{OrganisationID: r.OrganisationID, Organisation: r.Organisation, Position: position,
			Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone, HeldIn: []string{copyName}, MatchedOn: on}
		if dup := slices.IndexFunc(f.Contacts, func(e ContactRecord) bool { return e.key() == rec.key() }); dup >= 0 {
			f.Contacts[dup].HeldIn = append(f.Contacts[dup].HeldIn, copyName)
			return
		}
		f.Contacts = append(f.Contacts, rec)
	}
	add("Key contact", provider.Contact{Name: a.KeyContactName, Role: a.KeyContactRole, Email: a.KeyContactEmail, Phone: a.KeyContactPhone})
	for i, c := range a.Others {
		add(fmt.Sprintf("Contact %d", i+2), c)
	}
}

func (f *Findings) addStaff(r sectionRow, copyName string, a *provider.SafeguardingAnswers) {
	for _, m := range a.Staff {
		on := f.Criteria.match(m.Name, "", "")
		if len(on) == 0 {
			continue
		}
		rec := DBSRecord{OrganisationID: r.OrganisationID, Organisation: r.Organisation, Name: m.Name, Role: m.Role,
			Level: labelOf(provider.DBSLevels, m.Level), Certificate: m.MaskedCertificate(), IssueDate: m.IssueDate.Display(),
			UpdateService: labelOf(provider.YesNo, m.UpdateService), LastCheckResult: labelOf(provider.DBSCheckResults, m.LastCheckResult),
			LastCheckDate: m.LastCheckDate.Display(), LeftOn: m.LeftOn.Display(), HeldIn: []string{copyName}, MatchedOn: on}
		dup := slices.IndexFunc(f.DBS, func(e DBSRecord) bool { return e.key() == rec.key() })
		if dup >= 0 {
			f.DBS[dup].HeldIn = append(f.DBS[dup].HeldIn, copyName)
			continue
		}
		f.DBS = append(f.DBS, rec)
	}
}

// key identifies a contact by everything shown of it, so the same contact in both copies
// of a section is listed once.
func (c ContactRecord) key() string {
	return strings.Join([]string{c.OrganisationID, c.Position, c.Name, c.Role, c.Email, c.Phone}, "\x1f")
}

// key identifies a DBS record by everything shown of it.
func (d DBSRecord) key() string {
	return strings.Join([]string{d.OrganisationID, d.Name, d.Role, d.Level, d.Certificate, d.IssueDate, d.UpdateService,
		d.LastCheckResult, d.LastCheckDate, d.LeftOn}, "\x1f")
}

func (f *Findings) userIDs() []string {
	out := []string{}
	for _, u := range f.Users {
		out = append(out, u.ID)
	}
	return out
}

// emails are the person's email addresses: the one searched for and their accounts'.
// Addresses found only in provider records (a contact matched by name or telephone) are
// not followed: such an address may be a shared mailbox, and the results show it, so the
// officer can search for it too if it is theirs.
func (f *Findings) emails() []string {
	var out []string
	add := func(e string) {
		if e != "" && !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, e) }) {
			out = append(out, e)
		}
	}
	add(f.Criteria.Email)
	for _, u := range f.Users {
		add(u.Email)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func lowered(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// linkPattern finds web addresses in an email body.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// withoutLinks removes web addresses from an email body: a password reset or confirmation
// link carries a token, which is not information about the person and must not travel.
func withoutLinks(body string) string {
	return linkPattern.ReplaceAllString(body, "[link removed]")
}

// AuditView records that a member of staff saw the findings for a request: what was
// searched for and how many records of each kind were shown. Where DBS records were among
// them, each provider's is recorded as a view of DBS data too, as every such view is.
func AuditView(ctx context.Context, q sqlx.ExtContext, r *Request, f *Findings) error {
	if err := audit.Record(ctx, q, audit.Event{Action: "sar.search", ObjectType: "sar_request", ObjectID: r.ID,
		Summary: map[string]any{"criteria": f.Criteria, "counts": f.Counts()}}); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, d := range f.DBS {
		if seen[d.OrganisationID] {
			continue
		}
		seen[d.OrganisationID] = true
		if err := audit.Record(ctx, q, audit.Event{Action: "provider.dbs.viewed", ObjectType: "organisation", ObjectID: d.OrganisationID,
			Summary: map[string]any{"section": "safeguarding", "context": "subject access request", "request": r.Reference}}); err != nil {
			return err
		}
	}
	return nil
}
