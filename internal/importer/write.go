package importer

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/provider"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// writeBatch is how many rows go to the database in one set of statements: enough that a
// file of 10,000 rows takes a few dozen round trips, few enough to keep memory flat.
const writeBatch = 500

// importedStatusReason is the status history's reason for an imported record's approval.
const importedStatusReason = "Imported from the council's list of existing suppliers"

// orgWrite is everything an import writes for one row.
type orgWrite struct {
	row      int // index into the run's rows
	id       string
	isNew    bool
	rec      *rowRecord
	search   provider.SearchColumns
	sections []sectionWrite
	// bank is the account that becomes verified payment details, when the operator
	// confirmed its source (bankVerified).
	bank *verifiedAccount
}

// sectionWrite is one section's stored answers after the import.
type sectionWrite struct {
	key            provider.SectionKey
	data, approved []byte
	completed      bool
}

// importedSections are the sections a row can write; the others (safeguarding, health and
// safety, declarations) an import never reads or changes.
var importedSections = []string{string(provider.SectionOrganisation), string(provider.SectionContacts),
	string(provider.SectionAddresses), string(provider.SectionVAT), string(provider.SectionBank),
	string(provider.SectionInsurance), string(provider.SectionRegulation)}

// storedSection is a section as stored before the import.
type storedSection struct {
	OrganisationID string `db:"organisation_id"`
	Section        string `db:"section"`
	Data           []byte `db:"data"`
	ApprovedData   []byte `db:"approved_data"`
	Completed      bool   `db:"completed"`
	PendingReview  bool   `db:"pending_review"`
}

// write stores every good row, a batch at a time, in the run's transaction.
//
// An imported supplier is created approved: the council already buys from it, so there is
// nothing for an officer to review before it can be offered work and paid, and its record
// is complete enough to be found, contacted and (once finance has verified the bank
// details) paid. Sections the file cannot fill stay for the provider to complete after
// claiming the record; their later edits are held for review like any approved provider's.
func (r *importRun) write(ctx context.Context, tx *sqlx.Tx) error {
	who, err := currentActor(ctx, tx)
	if err != nil {
		return err
	}
	var good []int
	for i := range r.rep.Rows {
		if !r.rep.Rows[i].Failed() {
			good = append(good, i)
		}
	}
	maxSeq := int64(-1)
	for start := 0; start < len(good); start += writeBatch {
		batch := good[start:min(start+writeBatch, len(good))]
		writes, err := r.build(ctx, tx, batch)
		if err != nil {
			return err
		}
		if err := r.writeBatch(ctx, tx, writes, who); err != nil {
			return err
		}
		for _, w := range writes {
			if w.isNew {
				r.rep.Rows[w.row].Outcome = OutcomeCreated
				r.rep.Created++
				maxSeq = max(maxSeq, sequenceNumber(w.rec.ref))
			} else {
				r.rep.Rows[w.row].Outcome = OutcomeUpdated
				r.rep.Updated++
			}
		}
		r.progress(len(r.rep.Rows) + start + len(batch))
	}
	return keepSequenceAhead(ctx, tx, maxSeq)
}

// build works out what one batch of rows writes: each row's sections overlaid on what is
// stored, checked, and sealed.
func (r *importRun) build(ctx context.Context, tx *sqlx.Tx, batch []int) ([]orgWrite, error) {
	var existingIDs []string
	for _, i := range batch {
		if e := r.existing[r.recs[i].ref]; e != nil {
			existingIDs = append(existingIDs, e.ID)
		}
	}
	stored := map[string]map[provider.SectionKey]*storedSection{}
	if len(existingIDs) > 0 {
		var rows []storedSection
		if err := sqlx.SelectContext(ctx, tx, &rows, `SELECT organisation_id, section, data, approved_data, completed, pending_review
			FROM provider_sections WHERE organisation_id = ANY($1::uuid[]) AND section = ANY($2)`,
			pq.StringArray(existingIDs), pq.StringArray(importedSections)); err != nil {
			return nil, fmt.Errorf("import: stored sections: %w", err)
		}
		for i := range rows {
			s := &rows[i]
			if stored[s.OrganisationID] == nil {
				stored[s.OrganisationID] = map[provider.SectionKey]*storedSection{}
			}
			stored[s.OrganisationID][provider.SectionKey(s.Section)] = s
		}
	}
	out := make([]orgWrite, 0, len(batch))
	for _, i := range batch {
		rec := &r.recs[i]
		w := orgWrite{row: i, rec: rec}
		if e := r.existing[rec.ref]; e != nil {
			w.id = e.ID
		} else {
			w.id, w.isNew = uuid.NewString(), true
		}
		var contacts *provider.ContactsAnswers
		for _, key := range rec.sections(r.bank[i]) {
			sw, approved, err := r.buildSection(w.id, key, rec, stored[w.id][key])
			if err != nil {
				return nil, err
			}
			w.sections = append(w.sections, sw)
			if sa, ok := approved.(provider.Searchable); ok {
				sa.Search(&w.search)
			}
			if c, ok := approved.(*provider.ContactsAnswers); ok {
				contacts = c
			}
		}
		if r.bank[i] == bankVerified {
			w.bank = &verifiedAccount{orgID: w.id, ref: rec.ref, name: rec.bank.AccountName, sortCode: rec.bank.SortCode,
				number: rec.bank.AccountNumber, roll: rec.bank.RollNumber, modulusVersion: rec.bank.ModulusVersion,
				remittanceEmail: contacts.KeyContactEmail}
		}
		out = append(out, w)
	}
	return out, nil
}

// buildSection overlays a row on one stored section (or a new one) and encodes it. The
// answers in force and, when a change of the provider's waits for review, the working ones
// both take the row's values; the waiting change stays waiting. A section is completed when
// every one of its questions is answered, which the file alone rarely does.
func (r *importRun) buildSection(orgID string, key provider.SectionKey, rec *rowRecord, st *storedSection) (sectionWrite, provider.Answers, error) {
	def, _ := provider.SectionByKey(string(key))
	decode := func(b []byte) (provider.Answers, error) {
		a := def.New()
		if len(b) > 0 {
			if err := json.Unmarshal(b, a); err != nil {
				return nil, fmt.Errorf("import: %s %s section: %w", rec.ref, key, err)
			}
		}
		return a, nil
	}
	encode := func(a provider.Answers) ([]byte, error) {
		if s, ok := a.(provider.Sealer); ok {
			if err := s.Seal(r.s.Vault, sectionAAD(orgID, key)); err != nil {
				return nil, err
			}
		}
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("import: encode %s: %w", key, err)
		}
		return b, nil
	}
	var stApproved []byte
	if st != nil {
		stApproved = st.ApprovedData
	}
	approved, err := decode(stApproved)
	if err != nil {
		return sectionWrite{}, nil, err
	}
	rec.overlay(key, approved)
	sw := sectionWrite{key: key}
	sw.completed = len(approved.Validate(r.checks)) == 0
	if sw.approved, err = encode(approved); err != nil {
		return sectionWrite{}, nil, err
	}
	sw.data = sw.approved
	if st != nil && st.PendingReview {
		working, err := decode(st.Data)
		if err != nil {
			return sectionWrite{}, nil, err
		}
		rec.overlay(key, working)
		working.Validate(r.checks) // normalises; the provider's change is judged at review
		if sw.data, err = encode(working); err != nil {
			return sectionWrite{}, nil, err
		}
		sw.completed = st.Completed
	}
	return sw, approved, nil
}

// actor is who runs the import, for the records that name a person.
type actor struct {
	id, name string
	audit    audit.Actor
}

func currentActor(ctx context.Context, q sqlx.QueryerContext) (actor, error) {
	a := audit.ActorFrom(ctx)
	who := actor{id: a.UserID, name: a.Email, audit: a}
	if a.UserID != "" {
		if err := sqlx.GetContext(ctx, q, &who.name, `SELECT name FROM users WHERE id = $1`, a.UserID); err != nil {
			return who, fmt.Errorf("import: user name: %w", err)
		}
	}
	if who.name == "" {
		who.name = "system"
	}
	return who, nil
}

// writeBatch sends one batch's rows to the database in a handful of statements.
func (r *importRun) writeBatch(ctx context.Context, tx *sqlx.Tx, writes []orgWrite, who actor) error {
	var newOrgs, oldOrgs orgColumns
	var secs struct {
		org, key, data []string
		approved       []sql.NullString
		completed      []bool
	}
	var events auditRows
	var verified []*verifiedAccount
	for i := range writes {
		w := &writes[i]
		if w.isNew {
			newOrgs.add(w)
		} else {
			oldOrgs.add(w)
		}
		keys := make([]string, len(w.sections))
		for j, s := range w.sections {
			secs.org = append(secs.org, w.id)
			secs.key = append(secs.key, string(s.key))
			secs.data = append(secs.data, string(s.data))
			var approved sql.NullString
			if !bytes.Equal(s.approved, s.data) {
				approved = sql.NullString{String: string(s.approved), Valid: true}
			}
			secs.approved = append(secs.approved, approved)
			secs.completed = append(secs.completed, s.completed)
			keys[j] = string(s.key)
		}
		action := "provider.import.updated"
		if w.isNew {
			action = "provider.import.created"
		}
		bank := "unchanged"
		switch {
		case w.bank != nil:
			bank = "verified"
			verified = append(verified, w.bank)
		case slices.Contains(keys, string(provider.SectionBank)):
			bank = "to be verified by finance"
		}
		events.add(action, "organisation", w.id, map[string]any{"supplier_ref": w.rec.ref, "sections": keys, "bank_details": bank})
	}
	if len(newOrgs.id) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name, supplier_ref, status, decided_at, imported_at,
				legal_name, trading_name, postcode, vat_number, companies_house_number, charity_number, cqc_provider_id,
				ofsted_urns, service_categories)
			SELECT u.id::uuid, u.name, u.ref, 'approved', now(), now(), u.name, u.trading_name, u.postcode, u.vat, u.company,
				u.charity, u.cqc, coalesce(string_to_array(u.urns, ' '), '{}'), coalesce(string_to_array(u.categories, ' '), '{}')
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::text[], $10::text[], $11::text[]) AS u(id, ref, name, trading_name, postcode, vat, company, charity, cqc, urns, categories)`,
			newOrgs.args()...); err != nil {
			return fmt.Errorf("import: create organisations: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO provider_status_history (organisation_id, from_status, to_status, reason, by_user, by_name)
			SELECT id, NULL, 'approved', $2, NULLIF($3, '')::uuid, $4 FROM unnest($1::uuid[]) AS id`,
			pq.StringArray(newOrgs.id), importedStatusReason, who.id, who.name); err != nil {
			return fmt.Errorf("import: status history: %w", err)
		}
	}
	if len(oldOrgs.id) > 0 {
		// The organisation and address sections are in every row; VAT and regulation only in
		// some, so a NULL keeps the stored column.
		if _, err := tx.ExecContext(ctx, `UPDATE organisations o SET name = u.name, legal_name = u.name,
				trading_name = u.trading_name, postcode = u.postcode, vat_number = coalesce(u.vat, o.vat_number),
				companies_house_number = u.company, charity_number = u.charity, cqc_provider_id = coalesce(u.cqc, o.cqc_provider_id),
				ofsted_urns = coalesce(string_to_array(u.urns, ' '), o.ofsted_urns),
				service_categories = coalesce(string_to_array(u.categories, ' '), o.service_categories),
				import_updated_at = now(), updated_at = now()
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::text[], $10::text[], $11::text[]) AS u(id, ref, name, trading_name, postcode, vat, company, charity, cqc, urns, categories)
			WHERE o.id = u.id::uuid`, oldOrgs.args()...); err != nil {
			return fmt.Errorf("import: update organisations: %w", err)
		}
	}
	if len(secs.org) > 0 {
		// A section's working answers are its approved ones unless a change waits for review,
		// so the approved copy is sent only when it differs (NULL otherwise), and each
		// document is parsed once.
		if _, err := tx.ExecContext(ctx, `INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed, updated_by)
			SELECT u.org, u.key, u.data, coalesce(u.approved, u.data), u.completed, NULLIF($6, '')::uuid
			FROM (SELECT org::uuid, key, data::jsonb, approved::jsonb, completed
				FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS t(org, key, data, approved, completed)) AS u
			ON CONFLICT (organisation_id, section) DO UPDATE SET data = EXCLUDED.data, approved_data = EXCLUDED.approved_data,
				completed = EXCLUDED.completed, version = provider_sections.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by
			WHERE provider_sections.data IS DISTINCT FROM EXCLUDED.data
				OR provider_sections.approved_data IS DISTINCT FROM EXCLUDED.approved_data
				OR provider_sections.completed IS DISTINCT FROM EXCLUDED.completed`,
			pq.StringArray(secs.org), pq.StringArray(secs.key), pq.StringArray(secs.data), pq.Array(secs.approved),
			pq.BoolArray(secs.completed), who.id); err != nil {
			return fmt.Errorf("import: sections: %w", err)
		}
	}
	if len(verified) > 0 {
		if err := writeVerified(ctx, tx, r.s.Vault, verified, who, r.checks.Today.Format(time.DateOnly), &events); err != nil {
			return err
		}
	}
	return events.insert(ctx, tx, who.audit)
}

// orgColumns are the organisation rows of a batch, a column at a time, for unnest.
type orgColumns struct {
	id, ref, name, tradingName, postcode, company, charity, categories []string
	vat, cqc, urns                                                     []sql.NullString
}

func (c *orgColumns) add(w *orgWrite) {
	s := &w.search
	c.id = append(c.id, w.id)
	c.ref = append(c.ref, w.rec.ref)
	c.name = append(c.name, deref(s.LegalName))
	c.tradingName = append(c.tradingName, deref(s.TradingName))
	c.postcode = append(c.postcode, deref(s.Postcode))
	c.company = append(c.company, deref(s.CompaniesHouseNumber))
	c.charity = append(c.charity, deref(s.CharityNumber))
	c.categories = append(c.categories, strings.Join(s.ServiceCategories, " "))
	c.vat = append(c.vat, nullable(s.VATNumber))
	c.cqc = append(c.cqc, nullable(s.CQCProviderID))
	if s.OfstedURNs == nil {
		c.urns = append(c.urns, sql.NullString{})
	} else {
		c.urns = append(c.urns, sql.NullString{String: strings.Join(s.OfstedURNs, " "), Valid: true})
	}
}

func (c *orgColumns) args() []any {
	return []any{pq.StringArray(c.id), pq.StringArray(c.ref), pq.StringArray(c.name), pq.StringArray(c.tradingName),
		pq.StringArray(c.postcode), pq.Array(c.vat), pq.StringArray(c.company), pq.StringArray(c.charity), pq.Array(c.cqc),
		pq.Array(c.urns), pq.StringArray(c.categories)}
}

func nullable(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

// refSequence recognises references in the portal's own series ("SUP1001"), which new
// registrations take from supplier_ref_seq.
var refSequence = regexp.MustCompile(`^SUP([0-9]{1,15})$`)

func sequenceNumber(ref string) int64 {
	m := refSequence.FindStringSubmatch(ref)
	if m == nil {
		return -1
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// keepSequenceAhead moves the portal's own reference series past any imported reference in
// it, so a provider registering later is never given a reference an import has taken.
func keepSequenceAhead(ctx context.Context, tx *sqlx.Tx, maxImported int64) error {
	if maxImported < 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT setval('supplier_ref_seq', $1) FROM supplier_ref_seq WHERE last_value <= $1`, maxImported); err != nil {
		return fmt.Errorf("import: supplier reference series: %w", err)
	}
	return nil
}
