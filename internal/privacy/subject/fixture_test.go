package subject_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// people is a database holding Pat Smith, the subject, in every place the portal keeps
// personal data, and Sam Jones, someone else, in the same places (often the same records),
// so a search can be checked for finding all of Pat and none of Sam.
type people struct {
	DB                *sqlx.DB
	PatID, SamID      string
	Acorn, Birchwood  string
	PatDocs           map[string][]byte // filename → contents
	SamDocName        string
	SamMarkers        []string // strings only Sam's records hold
	PatSealed, PatDBS string
}

const (
	patEmail  = "pat@acorn.example"
	patName   = "Pat Smith"
	patPhone  = "07700 900123"
	patAlias  = "pat.smith@birch.example" // Pat's address as Birchwood's contact
	samEmail  = "sam@birch.example"
	samName   = "Sam Jones"
	samPhone  = "07700900456"
	patSealed = "v1:sealed-certificate-number-of-pat"
)

func seedPeople(t *testing.T) *people {
	t.Helper()
	d := dbtest.New(t)
	p := &people{DB: d, PatSealed: patSealed, SamDocName: "sam-policy.pdf",
		PatDocs: map[string][]byte{
			"pat-certificate.pdf": []byte("%PDF-1.4\nPat's insurance certificate\n%%EOF\n"),
			"../../pat photo.png": []byte("\x89PNG\r\n\x1a\nPat's photo"),
		},
		SamMarkers: []string{samEmail, samName, samPhone, "sam-policy.pdf", "Your Birchwood account", "Sam's correction", "sam-secret"},
	}
	ctx := audit.WithActor(context.Background(), audit.System)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.Get(&p.Acorn, `INSERT INTO organisations (name, legal_name) VALUES ('Acorn', 'Acorn Fostering Ltd') RETURNING id`))
	must(d.Get(&p.Birchwood, `INSERT INTO organisations (name, legal_name) VALUES ('Birchwood', 'Birchwood Care Ltd') RETURNING id`))
	must(d.Get(&p.PatID, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'argon2-hash-of-pat', '{provider}') RETURNING id`, patEmail, patName))
	must(d.Get(&p.SamID, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'argon2-hash-of-sam', '{provider}') RETURNING id`, samEmail, samName))
	_, err := d.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2), ($3, $4)`, p.PatID, p.Acorn, p.SamID, p.Birchwood)
	must(err)
	_, err = d.Exec(`INSERT INTO notice_acknowledgements (user_id, notice_id) SELECT $1, id FROM privacy_notices WHERE version = 1`, p.PatID)
	must(err)

	section := func(org string, key provider.SectionKey, working, approved any) {
		t.Helper()
		w, err := json.Marshal(working)
		must(err)
		var a []byte
		if approved != nil {
			a, err = json.Marshal(approved)
			must(err)
		}
		_, err = d.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, $2, $3, $4)`, org, string(key), w, a)
		must(err)
	}
	acornContacts := provider.ContactsAnswers{KeyContactName: patName, KeyContactRole: "Director", KeyContactEmail: patEmail, KeyContactPhone: "07700900123",
		Others: []provider.Contact{{Name: samName, Role: "Finance", Email: samEmail, Phone: samPhone}}}
	section(p.Acorn, provider.SectionContacts, acornContacts, acornContacts) // the same in both copies
	section(p.Birchwood, provider.SectionContacts, provider.ContactsAnswers{KeyContactName: samName, KeyContactRole: "Manager", KeyContactEmail: samEmail,
		KeyContactPhone: samPhone, Others: []provider.Contact{{Name: "PAT  smith", Role: "Consultant", Email: patAlias, Phone: "+44 7700 900 123"}}}, nil)
	staff := func(name, last4, sealed string) provider.StaffMember {
		return provider.StaffMember{Name: name, Role: "Carer", Level: "enhanced_barred", CertificateSealed: sealed, CertificateLast4: last4,
			IssueDate: form.DateInput{Day: "1", Month: "2", Year: "2024"}, UpdateService: "yes", LastCheckResult: "current",
			LastCheckDate: form.DateInput{Day: "3", Month: "3", Year: "2026"}, Ref: name}
	}
	working := provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff(patName, "4321", patSealed), staff(samName, "9876", "v1:sam-secret")}}
	approved := provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff(patName, "4321", patSealed)}}
	section(p.Acorn, provider.SectionSafeguarding, working, approved)

	doc := func(org, by, name string, content []byte) {
		t.Helper()
		sum := sha256.Sum256(content)
		ct := "application/pdf"
		if content[0] == 0x89 {
			ct = "image/png"
		}
		_, err := d.Exec(`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content, uploaded_by)
			VALUES ($1, 'insurance', $2, $3, $4, $5, $6, $7)`, org, name, ct, len(content), sum[:], content, by)
		must(err)
	}
	doc(p.Acorn, p.PatID, "pat-certificate.pdf", p.PatDocs["pat-certificate.pdf"])
	doc(p.Acorn, p.PatID, "../../pat photo.png", p.PatDocs["../../pat photo.png"])
	doc(p.Birchwood, p.SamID, p.SamDocName, []byte("%PDF-1.4\nSam's policy\n%%EOF\n"))

	for _, m := range []notify.Message{
		{To: patEmail, Subject: "Reset your password", Body: "Use https://portal.example/password-reset/secret-token-123 within an hour.", Kind: "password_reset"},
		{To: "PAT@acorn.example", Subject: "Your record was approved", Body: "Approved.", Kind: "provider_decision"},
		{To: patAlias, Subject: "Birchwood added you as a contact", Body: "Hello.", Kind: "contact"},
		{To: samEmail, Subject: "Your Birchwood account", Body: "Hello Sam.", Kind: "welcome"},
	} {
		must(notify.Enqueue(ctx, d, m))
	}

	pat := audit.Actor{UserID: p.PatID, Email: patEmail, Roles: []string{"provider"}, IP: "192.0.2.10"}
	sam := audit.Actor{UserID: p.SamID, Email: samEmail, Roles: []string{"provider"}, IP: "198.51.100.7"}
	must(audit.RecordAs(ctx, d, pat, audit.Event{Action: "user.signin.password", ObjectType: "user", ObjectID: p.PatID}))
	must(audit.RecordAs(ctx, d, pat, audit.Event{Action: "provider.section.saved", ObjectType: "organisation", ObjectID: p.Acorn}))
	must(audit.RecordAs(ctx, d, audit.Actor{Email: "admin@council.example", Roles: []string{"admin"}}, audit.Event{Action: "user.disable", ObjectType: "user", ObjectID: p.PatID}))
	must(audit.RecordAs(ctx, d, audit.Actor{Email: patEmail}, audit.Event{Action: "user.signin.failed", ObjectType: "user"}))
	must(audit.RecordAs(ctx, d, sam, audit.Event{Action: "user.signin.password", ObjectType: "user", ObjectID: p.SamID}))
	must(audit.RecordAs(ctx, d, audit.Actor{Email: "admin@council.example"}, audit.Event{Action: "user.disable", ObjectType: "user", ObjectID: p.SamID}))

	desk := &privacy.Corrections{DB: d, CouncilName: "Test Council", BaseURL: "http://portal.example"}
	_, err = desk.Request(audit.WithActor(ctx, pat), privacy.Requester{UserID: p.PatID, Name: patName, Email: patEmail, OrganisationID: p.Acorn},
		privacy.CorrectionInput{Location: "My account", WhatIsWrong: "Pat's organisation name", ShouldSay: "Acorn Fostering Ltd"})
	must(err)
	_, err = desk.Request(audit.WithActor(ctx, sam), privacy.Requester{UserID: p.SamID, Name: samName, Email: samEmail, OrganisationID: p.Birchwood},
		privacy.CorrectionInput{Location: "Review comment", WhatIsWrong: "Sam's correction", ShouldSay: "Something else"})
	must(err)
	return p
}
