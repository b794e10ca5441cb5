package privacy_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/work"
)

// TestWaitingCorrectionsFollowTheRequest: a correction request is staff work from when it
// is made until it is resolved or refused; "mine" keeps those about my providers and those
// I am handling; the person who asked never has it as their work.
func TestWaitingCorrectionsFollowTheRequest(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	var org, requester, handler string
	for _, q := range []struct {
		dst *string
		sql string
	}{
		{&org, `INSERT INTO organisations (name, status) VALUES ('Acorn Fostering', 'approved') RETURNING id`},
		{&requester, `INSERT INTO users (email, name, password_hash, roles) VALUES ('pat@acorn.example', 'Pat', 'x', '{provider}') RETURNING id`},
		{&handler, `INSERT INTO users (email, name, password_hash, roles) VALUES ('dee@council.example', 'Dee', 'x', '{dpo}') RETURNING id`},
	} {
		if err := d.Get(q.dst, q.sql); err != nil {
			t.Fatal(err)
		}
	}
	svc := &privacy.Corrections{DB: d, CouncilName: "Test Council"}
	c, err := svc.Request(ctx, privacy.Requester{UserID: requester, Name: "Pat", Email: "pat@acorn.example", OrganisationID: org},
		privacy.CorrectionInput{Location: "My account", WhatIsWrong: "Acorn Fostring", ShouldSay: "Acorn Fostering"})
	if err != nil {
		t.Fatal(err)
	}
	waiting := func(f work.Filter) int {
		t.Helper()
		items, err := privacy.WaitingCorrections(ctx, d, f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := privacy.CountWaitingCorrections(ctx, d, f)
		if err != nil || n != len(items) {
			t.Errorf("count %d, %v; listed %d", n, err, len(items))
		}
		for _, it := range items {
			if it.ID != c.ID || it.Kind != work.KindCorrection || it.Title != c.Reference+": My account" || it.OrganisationName != "Acorn Fostering" {
				t.Errorf("item = %+v", it)
			}
		}
		return len(items)
	}
	if n := waiting(work.Filter{UserID: handler}); n != 1 {
		t.Errorf("open request listed %d times", n)
	}
	if n := waiting(work.Filter{UserID: requester}); n != 0 {
		t.Errorf("the requester has their own request as work")
	}
	if n := waiting(work.Filter{UserID: handler, Mine: true, Organisations: []string{org}}); n != 1 {
		t.Errorf("about my provider: %d", n)
	}
	if n := waiting(work.Filter{UserID: handler, Mine: true}); n != 0 {
		t.Errorf("not mine yet: %d", n)
	}
	c, err = svc.Decide(ctx, c.ID, privacy.CorrectionDecision{Status: privacy.CorrectionInProgress, Version: c.Version, HandlerID: handler, Handler: "Dee"})
	if err != nil {
		t.Fatal(err)
	}
	if n := waiting(work.Filter{UserID: handler, Mine: true}); n != 1 {
		t.Errorf("once handling it, it is mine: %d", n)
	}
	if _, err := svc.Decide(ctx, c.ID, privacy.CorrectionDecision{Status: privacy.CorrectionResolved, Outcome: "Corrected", Version: c.Version, HandlerID: handler, Handler: "Dee"}); err != nil {
		t.Fatal(err)
	}
	if n := waiting(work.Filter{UserID: handler}); n != 0 {
		t.Errorf("resolved but still waiting")
	}
}
