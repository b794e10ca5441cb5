package demo

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/finance"
)

// LoadCreditorNumbers gives each approved demo provider a finance system creditor number, as
// finance would record it, so the National Fraud Initiative export has rows on first start.
// A provider that already has one keeps it.
func LoadCreditorNumbers(ctx context.Context, svc *auth.Service, fin *finance.Service) error {
	u, err := auth.UserByEmail(ctx, svc.DB, "finance@example.gov.uk")
	if err != nil {
		return fmt.Errorf("demo finance officer: %w", err)
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Email: u.Email, Roles: []string{string(auth.RoleFinance)}})
	for i, p := range demoProviders {
		if _, err := finance.CreditorOf(ctx, svc.DB, p.ID); err == nil {
			continue
		} else if !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if err := fin.SetCreditor(ctx, p.ID, finance.CreditorInput{Number: fmt.Sprintf("CR%06d", 104200+i)}); err != nil {
			return fmt.Errorf("demo creditor number for %s: %w", p.Name, err)
		}
	}
	return nil
}
