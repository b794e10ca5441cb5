package finance_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
)

// TestInitialDetailsGoThroughVerification follows a newly approved provider: its
// registration bank details wait as a request, listed as "without verified details", until
// one finance officer verifies them by phone and another approves them.
func TestFinanceInitialDetailsGoThroughVerification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")

	without, err := finance.ProvidersWithoutDetails(ctx, f.db, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(without) != 1 || without[0].OrganisationID != p.ID || without[0].OpenChangeID != nil {
		t.Fatalf("without details before: %+v", without)
	}
	n, err := f.svc.OpenInitialRequests(ctx)
	if err != nil || n != 1 {
		t.Fatalf("OpenInitialRequests = %d, %v; want 1", n, err)
	}
	if n, _ := f.svc.OpenInitialRequests(ctx); n != 0 {
		t.Errorf("a second run opened %d more", n)
	}
	open, err := finance.Changes(ctx, f.db, finance.ChangeFilter{Open: true})
	if err != nil || len(open) != 1 {
		t.Fatalf("open requests: %v %v", open, err)
	}
	c := open[0]
	if c.Kind != finance.KindInitial || c.AccountLast4 != "4958" || c.SortCodeLast2 != "99" || !c.Requested(p.User.ID) {
		t.Errorf("initial request = %+v", c)
	}
	if c.RemittanceEmail != "kim@acorn.example" {
		t.Errorf("remittance email %q, want the key contact's", c.RemittanceEmail)
	}
	without, _ = finance.ProvidersWithoutDetails(ctx, f.db, 10)
	if len(without) != 1 || without[0].OpenChangeID == nil || *without[0].OpenChangeID != c.ID {
		t.Errorf("without details lists the open request: %+v", without)
	}

	verified := f.verify(&c, fay)
	if verified.Status != finance.StatusVerified || !verified.Verified(fay.ID) {
		t.Fatalf("after the call: %s", verified.Status)
	}
	if err := f.svc.Approve(finn.ctx, c.ID, verified.Version, f.svc.Today()); err != nil {
		t.Fatal(err)
	}
	active, err := finance.ActiveDetails(ctx, f.db, p.ID)
	if err != nil || active == nil {
		t.Fatalf("active details: %v %v", active, err)
	}
	if active.AccountLast4 != "4958" || active.ApprovedByName != "Finn Finance" || active.VerifiedByName != "Fay Finance" {
		t.Errorf("active = %+v", active)
	}
	if active.HoldUntil == nil || !active.HoldUntil.Equal(f.svc.Today().AddDate(0, 0, 5)) {
		t.Errorf("hold until %v, want 5 days after today", active.HoldUntil)
	}
	if without, _ := finance.ProvidersWithoutDetails(ctx, f.db, 10); len(without) != 0 {
		t.Errorf("still without details: %+v", without)
	}
}

// TestSegregationOfDuties checks the requester, the verifier and the approver must be three
// people, in the service and, beneath it, in the database.
func TestFinanceSegregationOfDuties(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	rita := f.person("rita@council.example", "Rita Requester", "finance")
	vic := f.person("vic@council.example", "Vic Verifier", "finance")
	ann := f.person("ann@council.example", "Ann Approver", "finance")

	// Rita keys in a change received by letter: she is the requester.
	c, err := f.svc.RequestChange(rita.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	contacts, _ := finance.ContactsOnFile(context.Background(), f.db, p.ID)
	call := finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeConfirmed}
	if err := f.svc.RecordCall(rita.ctx, c.ID, c.Version, call); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the requester verifying: %v, want forbidden", err)
	}
	if err := f.svc.Reject(rita.ctx, c.ID, c.Version, "changed my mind"); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the requester rejecting: %v, want forbidden", err)
	}
	if err := f.svc.RecordCall(vic.ctx, c.ID, c.Version, call); err != nil {
		t.Fatal(err)
	}
	c = f.change(c.ID)
	for _, tc := range []struct {
		name string
		who  *person
		want string
	}{
		{"the requester", rita, "You asked for this change, so two other finance officers must verify and approve it"},
		{"the verifier", vic, "You verified this change, so a second finance officer must approve it"},
	} {
		err := f.svc.Approve(tc.who.ctx, c.ID, c.Version, f.svc.Today())
		if !apperr.Is(err, apperr.Forbidden) || apperr.MessageOf(err) != tc.want {
			t.Errorf("approval by %s: %v, want forbidden with %q", tc.name, err, tc.want)
		}
	}
	if got := f.change(c.ID); got.Status != finance.StatusVerified || got.Version != c.Version {
		t.Fatalf("refused approvals changed the request: %s v%d", got.Status, got.Version)
	}
	if err := f.svc.Approve(ann.ctx, c.ID, c.Version, f.svc.Today()); err != nil {
		t.Fatalf("approval by a third person: %v", err)
	}

	// The database refuses what the service would: a row whose approver verified it too.
	tests := []struct{ name, sql string }{
		{"approver is verifier", `UPDATE bank_detail_changes SET approved_by = verified_by WHERE id = $1`},
		{"approver is requester", `UPDATE bank_detail_changes SET approved_by = requested_by WHERE id = $1`},
		{"verifier is requester", `UPDATE bank_detail_changes SET verified_by = requested_by WHERE id = $1`},
		{"details approver is verifier", `UPDATE payment_details SET approved_by = verified_by WHERE change_id = $1`},
	}
	for _, tt := range tests {
		if _, err := f.db.Exec(tt.sql, c.ID); !db.IsCode(err, db.CodeCheckViolation) {
			t.Errorf("%s: %v, want a check violation", tt.name, err)
		}
	}
}

// TestChangeRequestBadInput checks each kind of bad request is refused with a message on
// its field, and leaves nothing behind.
func TestFinanceChangeRequestBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	tests := []struct {
		name   string
		change func(r *finance.ChangeRequest)
		want   map[string]string
	}{
		{"modulus fails", func(r *finance.ChangeRequest) { r.SortCode, r.AccountNumber = badPair.SortCode, badPair.Account },
			map[string]string{"account_number": "Enter a sort code and account number that match – check them against a bank statement"}},
		{"no evidence", func(r *finance.ChangeRequest) { r.Evidence = nil },
			map[string]string{"evidence": "Upload a letter on your headed paper or a bank statement showing the new account"}},
		{"evidence not a document", func(r *finance.ChangeRequest) { r.Evidence.Content = []byte("<html>not a pdf</html>") },
			map[string]string{"evidence": "The selected file must be a PDF, PNG or JPEG"}},
		{"sort code malformed", func(r *finance.ChangeRequest) { r.SortCode = "12-34" },
			map[string]string{"sort_code": "Enter a valid sort code, like 309430"}},
		{"everything missing", func(r *finance.ChangeRequest) { *r = finance.ChangeRequest{} }, map[string]string{
			"account_name": "Enter the name on the account", "sort_code": "Enter a sort code", "account_number": "Enter an account number",
			"remittance_email": "Enter the email address for remittance advice", "reason": "Enter why the bank details are changing",
			"evidence": "Upload a letter on your headed paper or a bank statement showing the new account"}},
		{"email malformed", func(r *finance.ChangeRequest) { r.RemittanceEmail = "accounts at example" },
			map[string]string{"remittance_email": "Enter the email address in the correct format, like accounts@example.com"}},
		{"roll number odd", func(r *finance.ChangeRequest) { r.RollNumber = "<script>" },
			map[string]string{"roll_number": "Enter the building society roll number as it is on your statement: up to 18 letters, numbers, spaces, hyphens, full stops or slashes"}},
	}
	for _, tt := range tests {
		r := request(accountB)
		tt.change(&r)
		_, err := f.svc.RequestChange(p.User.ctx, p.ID, r)
		if got := apperr.FieldsOf(err); !maps.Equal(got, tt.want) {
			t.Errorf("%s: fields %v, want %v", tt.name, got, tt.want)
		}
	}
	if n := f.count(`SELECT count(*) FROM bank_detail_changes`); n != 0 {
		t.Errorf("%d requests stored", n)
	}
	if n := f.count(`SELECT count(*) FROM documents WHERE kind = 'bank_change_evidence'`); n != 0 {
		t.Errorf("%d evidence files stored", n)
	}
}

// TestChangeRequestNotifiesAddressesOnFile checks a request emails the key contact and
// every user at the addresses held before the request, never the address in the request,
// and does not touch the details in force.
func TestFinanceChangeRequestNotifiesAddressesOnFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	colleague := f.person("sam@acorn.example", "Sam Colleague", "provider")
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, colleague.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	before := f.activate(p, accountA, fay, finn)

	since := time.Now().Add(-time.Second)
	if _, err := f.db.Exec(`DELETE FROM outbox`); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	got := f.outbox("bank_details_change", since)
	want := []string{"fin@acorn.example", "kim@acorn.example", "pat@acorn.example", "sam@acorn.example"}
	if !slices.Equal(got, want) {
		t.Errorf("emailed %v, want %v (every contact on file, the finance lead included, and users; not the remittance address)", got, want)
	}
	var body string
	if err := f.db.Get(&body, `SELECT body FROM outbox WHERE to_address = 'kim@acorn.example'`); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{accountB.Account, accountB.SortCode} {
		if strings.Contains(body, secret) {
			t.Errorf("the email holds %s in full", secret)
		}
	}
	if !strings.Contains(body, "ending 7491") || !strings.Contains(body, "01234 567 890") {
		t.Errorf("the email does not name the account's last digits and the council's number:\n%s", body)
	}
	if c.Status != finance.StatusPendingVerification {
		t.Errorf("status %s", c.Status)
	}
	active, _ := finance.ActiveDetails(context.Background(), f.db, p.ID)
	if active == nil || active.ChangeID != before.ID {
		t.Errorf("the request replaced the details in force: %+v", active)
	}
	var summary []byte
	if err := f.db.Get(&summary, `SELECT summary FROM audit_events WHERE action = 'finance.bank_change.requested' AND object_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(summary), accountB.Account) {
		t.Errorf("the audit trail holds the account number: %s", summary)
	}
}

// TestVerificationCall checks the number called must be on file, and that a contact who
// denies asking rejects the request as suspected fraud and tells the provider.
func TestFinanceVerificationCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	contacts, _ := finance.ContactsOnFile(context.Background(), f.db, p.ID)
	if len(contacts) != 2 || contacts[0].Phone != "07700900982" || contacts[1].Name != "Fin Lead" {
		t.Fatalf("contacts on file: %+v", contacts)
	}
	tests := []struct {
		name string
		in   finance.CallInput
		want map[string]string
	}{
		{"number not on file", finance.CallInput{NumberUsed: "07700 900123", Outcome: finance.OutcomeConfirmed},
			map[string]string{"number_used": "Call a number already on the supplier record, never one given with the request"}},
		{"nothing chosen", finance.CallInput{}, map[string]string{"number_used": "Select the number you called", "outcome": "Select what the contact said"}},
		{"unknown outcome", finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: "maybe"}, map[string]string{"outcome": "Select what the contact said"}},
	}
	for _, tt := range tests {
		err := f.svc.RecordCall(fay.ctx, c.ID, c.Version, tt.in)
		if got := apperr.FieldsOf(err); !maps.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if err := f.svc.RecordCall(fay.ctx, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[1].Phone, Outcome: finance.OutcomeNoAnswer}); err != nil {
		t.Fatal(err)
	}
	c = f.change(c.ID)
	if c.Status != finance.StatusPendingVerification {
		t.Fatalf("after no answer: %s", c.Status)
	}
	since := time.Now().Add(-time.Second)
	if err := f.svc.RecordCall(fay.ctx, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeDenied,
		Notes: "Kim said they had not asked"}); err != nil {
		t.Fatal(err)
	}
	c = f.change(c.ID)
	if c.Status != finance.StatusRejected || !c.SuspectedFraud {
		t.Errorf("after a denial: %s, suspected fraud %v", c.Status, c.SuspectedFraud)
	}
	calls, _ := finance.Calls(context.Background(), f.db, c.ID)
	if len(calls) != 2 || calls[1].ContactName != "Kim Key" || calls[1].CalledByName != "Fay Finance" || calls[1].Outcome != finance.OutcomeDenied {
		t.Errorf("calls = %+v", calls)
	}
	if got := f.outbox("bank_details_change", since); !slices.Contains(got, "kim@acorn.example") {
		t.Errorf("denial emailed %v", got)
	}
}

// TestStaleOrDecidedRequestsChangeNothing checks an action on a version the actor did not see,
// or on a request already decided, is refused without effect.
func TestFinanceStaleOrDecidedRequestsChangeNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	stale := c.Version
	c = f.verify(c, fay)
	if err := f.svc.Approve(finn.ctx, c.ID, stale, f.svc.Today()); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("approval at a stale version: %v, want conflict", err)
	}
	if err := f.svc.Approve(finn.ctx, c.ID, c.Version, f.svc.Today().AddDate(0, 0, -1)); apperr.FieldsOf(err)["effective_from"] == "" {
		t.Errorf("approval from yesterday: %v, want a message on the date", err)
	}
	if got := f.change(c.ID); got.Status != finance.StatusVerified || got.Version != c.Version {
		t.Errorf("refused approvals changed the request: %s v%d", got.Status, got.Version)
	}
	if n := f.count(`SELECT count(*) FROM payment_details`); n != 0 {
		t.Errorf("%d payment details stored", n)
	}
	if err := f.svc.Approve(finn.ctx, c.ID, c.Version, f.svc.Today()); err != nil {
		t.Fatal(err)
	}
	c = f.change(c.ID)
	if err := f.svc.Approve(finn.ctx, c.ID, c.Version, f.svc.Today()); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a second approval: %v, want conflict", err)
	}
	if err := f.svc.Withdraw(p.User.ctx, p.ID, c.ID, c.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("withdrawing an approved request: %v, want conflict", err)
	}
}

// TestWithdrawAndExpire checks a provider can withdraw only its own open request, and an
// overdue request expires, is refused any action, and frees the way for a new one.
func TestFinanceWithdrawAndExpire(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	other := f.approvedProvider("Birch Care Ltd", "bo@birch.example", accountC)
	fay := f.person("fay@council.example", "Fay Finance", "finance")

	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountC)); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a second open request: %v, want conflict", err)
	}
	if err := f.svc.Withdraw(other.User.ctx, other.ID, c.ID, c.Version); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("another provider withdrawing: %v, want not found", err)
	}
	if err := f.svc.Withdraw(p.User.ctx, p.ID, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	if got := f.change(c.ID); got.Status != finance.StatusWithdrawn || got.WithdrawnAt == nil {
		t.Errorf("after withdrawal: %s", got.Status)
	}

	c, err = f.svc.RequestChange(p.User.ctx, p.ID, request(accountC))
	if err != nil {
		t.Fatalf("a request after withdrawal: %v", err)
	}
	if _, err := f.db.Exec(`UPDATE bank_detail_changes SET expires_at = now() - interval '1 minute' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	c = f.change(c.ID)
	if c.Status != finance.StatusExpired {
		t.Errorf("an overdue request reads as %s", c.Status)
	}
	contacts, _ := finance.ContactsOnFile(ctx, f.db, p.ID)
	if err := f.svc.RecordCall(fay.ctx, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeConfirmed}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a call on an expired request: %v, want conflict", err)
	}
	if open, _ := finance.Changes(ctx, f.db, finance.ChangeFilter{Open: true}); len(open) != 0 {
		t.Errorf("the expired request is listed as open")
	}
	since := time.Now().Add(-time.Second)
	n, err := f.svc.ExpireOverdue(ctx)
	if err != nil || n != 1 {
		t.Fatalf("ExpireOverdue = %d, %v", n, err)
	}
	if got := f.outbox("bank_details_change", since); !slices.Contains(got, "pat@acorn.example") {
		t.Errorf("expiry emailed %v", got)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'finance.bank_change.expired' AND object_id = $1`, c.ID); n != 1 {
		t.Errorf("%d expiry audit events", n)
	}
	if _, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB)); err != nil {
		t.Errorf("a request after expiry: %v", err)
	}
}

// TestApprovalKeepsHistory checks a second change supersedes the first from its effective
// date, the first staying in force until then and in the history after, and the provider's
// own record showing the account the council pays.
func TestFinanceApprovalKeepsHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	first := f.activate(p, accountA, fay, finn)

	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	c = f.verify(c, finn)
	later := f.svc.Today().AddDate(0, 0, 10)
	if err := f.svc.Approve(fay.ctx, c.ID, c.Version, later); err != nil {
		t.Fatal(err)
	}
	history, err := finance.DetailsHistory(ctx, f.db, p.ID)
	if err != nil || len(history) != 2 {
		t.Fatalf("history: %d %v", len(history), err)
	}
	newest, oldest := history[0], history[1]
	if newest.Status != "active" || newest.AccountLast4 != "7491" || !newest.EffectiveFrom.Equal(later) {
		t.Errorf("newest = %+v", newest)
	}
	if oldest.ChangeID != first.ID || oldest.Status != "superseded" || oldest.SupersededOn == nil || !oldest.SupersededOn.Equal(later) {
		t.Errorf("oldest = %+v", oldest)
	}
	today := f.svc.Today()
	if !oldest.InForce(today) || newest.InForce(today) || !newest.InForce(later) || oldest.InForce(later) {
		t.Errorf("in force today: old %v new %v; on %s: old %v new %v", oldest.InForce(today), newest.InForce(today),
			later.Format(time.DateOnly), oldest.InForce(later), newest.InForce(later))
	}
	// The provider's record now holds the new account, sealed, and approved.
	rec, err := provider.SectionRecordByKey(ctx, f.db, p.ID, provider.SectionBank)
	if err != nil {
		t.Fatal(err)
	}
	var bank struct {
		AccountLast4 string `json:"account_last4"`
		Sealed       string `json:"account_number_sealed"`
	}
	if err := json.Unmarshal(rec.ApprovedData, &bank); err != nil {
		t.Fatal(err)
	}
	if bank.AccountLast4 != "7491" || bank.Sealed == "" || strings.Contains(string(rec.ApprovedData), accountB.Account) {
		t.Errorf("provider record bank section: %s", rec.ApprovedData)
	}
	opened, err := f.vault.Open(bank.Sealed, "provider_sections:"+p.ID+":bank-details:account_number")
	if err != nil || opened != accountB.Account {
		t.Errorf("the record's account opens as %q, %v", opened, err)
	}
}

// TestRevealIsAudited checks a reveal needs a reason and records who saw what, and why.
func TestFinanceRevealIsAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	c := f.activate(p, accountA, fay, finn)
	if _, err := f.svc.RevealDetails(fay.ctx, *c.PaymentDetailsID, "  "); apperr.FieldsOf(err)["reason"] == "" {
		t.Errorf("reveal without a reason: %v", err)
	}
	r, err := f.svc.RevealDetails(fay.ctx, *c.PaymentDetailsID, "Checking a returned payment")
	if err != nil {
		t.Fatal(err)
	}
	if r.SortCode != accountA.SortCode || r.AccountNumber != accountA.Account || r.FormattedSortCode() != "08-99-99" {
		t.Errorf("revealed %+v", r)
	}
	var row struct {
		ActorID string `db:"actor_id"`
		Reason  string `db:"reason"`
	}
	if err := f.db.Get(&row, `SELECT actor_id, summary->>'reason' AS reason FROM audit_events
		WHERE action = 'finance.bank_details.revealed' AND object_id = $1`, *c.PaymentDetailsID); err != nil {
		t.Fatal(err)
	}
	if row.ActorID != fay.ID || row.Reason != "Checking a returned payment" {
		t.Errorf("audit = %+v", row)
	}
	if _, err := f.svc.RevealRequested(fay.ctx, c.ID, "Reading back to the contact"); err != nil {
		t.Errorf("reveal of the requested details: %v", err)
	}
}

// TestSettingsShapeTheHoldAndExpiry checks the hold and expiry settings take effect, and a
// stale edit is refused.
func TestFinanceSettingsShapeTheHoldAndExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	s, _ := finance.LoadSettings(ctx, f.db)
	if s.FirstPaymentHoldDays != 5 || s.ChangeExpiryDays != 30 {
		t.Fatalf("defaults: %+v", s)
	}
	if err := f.svc.UpdateSettings(fay.ctx, 91, 0, 18, s.Version); len(apperr.FieldsOf(err)) != 2 {
		t.Errorf("out of range: %v", err)
	}
	if err := f.svc.UpdateSettings(fay.ctx, 0, 7, 18, s.Version); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.UpdateSettings(fay.ctx, 3, 7, 18, s.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("stale settings edit: %v", err)
	}
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	c := f.activate(p, accountB, fay, finn)
	if d := c.ExpiresAt.Sub(c.RequestedAt); d != 7*24*time.Hour {
		t.Errorf("expires after %v, want 7 days", d)
	}
	active, _ := finance.ActiveDetails(ctx, f.db, p.ID)
	if active.HoldUntil != nil {
		t.Errorf("hold until %v with no hold set", active.HoldUntil)
	}
}
