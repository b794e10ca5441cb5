package importer

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/membership"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// invitable selects the imported providers whose key contact can be invited now: nobody has
// claimed the record (it has no member) and no invitation to it is still open. A contact
// who let an invitation expire is invited again by the next bulk invitation.
const invitable = `FROM organisations o JOIN provider_sections s ON s.organisation_id = o.id AND s.section = 'contacts'
	WHERE o.imported_at IS NOT NULL
	  AND coalesce(coalesce(s.approved_data, s.data)->>'key_contact_email', '') <> ''
	  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = o.id)
	  AND NOT EXISTS (SELECT 1 FROM membership_invitations i WHERE i.organisation_id = o.id
	      AND i.accepted_at IS NULL AND i.expires_at > now())`

// Invitable counts the providers InviteKeyContacts would invite now.
func (s *Service) Invitable(ctx context.Context) (int, error) {
	var n int
	if err := s.DB.GetContext(ctx, &n, `SELECT count(*) `+invitable); err != nil {
		return 0, fmt.Errorf("invitable key contacts: %w", err)
	}
	return n, nil
}

// claimant is an imported provider and the key contact invited to claim it.
type claimant struct {
	OrganisationID string `db:"id"`
	Name           string `db:"org_name"`
	SupplierRef    string `db:"supplier_ref"`
	Email          string `db:"email"`
	Contact        string `db:"contact"`
}

// InviteKeyContacts invites, by email, the key contact of every imported provider that has no
// member and no open invitation, so they can claim their record. Each gets a single-use link
// to join the organisation (the invitation members send one another, so accepting it works
// the same way, making an account if need be), valid for membership.InvitationLife. Returns
// how many were invited. Everything commits in one transaction, with the mail and an audit
// event per invitation, through the tables' owners: membership stores and audits the
// invitations, notify queues the mail and provider marks the records invited.
func (s *Service) InviteKeyContacts(ctx context.Context) (int, error) {
	var n int
	err := s.transact(ctx, false, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, importLock); err != nil {
			return fmt.Errorf("invite key contacts: lock: %w", err)
		}
		var list []claimant
		if err := sqlx.SelectContext(ctx, tx, &list, `SELECT o.id, coalesce(nullif(o.legal_name, ''), o.name) AS org_name,
				o.supplier_ref, lower(coalesce(s.approved_data, s.data)->>'key_contact_email') AS email,
				coalesce(coalesce(s.approved_data, s.data)->>'key_contact_name', '') AS contact `+invitable+`
			ORDER BY o.supplier_ref`); err != nil {
			return fmt.Errorf("invite key contacts: %w", err)
		}
		if len(list) == 0 {
			return nil
		}
		ids := make([]string, len(list))
		invs := make([]membership.NewInvitation, len(list))
		for i, c := range list {
			ids[i] = c.OrganisationID
			invs[i] = membership.NewInvitation{OrganisationID: c.OrganisationID, Email: c.Email,
				Audit: map[string]any{"via": "import", "supplier_ref": c.SupplierRef}}
		}
		tokens, err := membership.CreateInvitations(ctx, tx, audit.ActorFrom(ctx).UserID, invs)
		if err != nil {
			return fmt.Errorf("invite key contacts: %w", err)
		}
		mail := make([]notify.Message, len(list))
		for i, c := range list {
			mail[i] = notify.Message{To: c.Email, Kind: "claim_invitation",
				Subject: "Claim " + c.Name + "'s record on the Provider Portal", Body: s.claimEmail(c, tokens[i])}
		}
		if err := notify.EnqueueBatch(ctx, tx, mail); err != nil {
			return fmt.Errorf("invite key contacts: %w", err)
		}
		if err := provider.MarkClaimInvited(ctx, tx, ids); err != nil {
			return fmt.Errorf("invite key contacts: %w", err)
		}
		n = len(list)
		return audit.Record(ctx, tx, audit.Event{Action: "provider_import.invited", ObjectType: "provider_import",
			Summary: map[string]any{"invited": n}})
	})
	return n, err
}

// claimEmail is the invitation to claim an imported record.
func (s *Service) claimEmail(c claimant, token string) string {
	hello := "Hello,"
	if c.Contact != "" {
		hello = "Hello " + c.Contact + ","
	}
	return fmt.Sprintf("%s\n\nThe council has added %s to the Provider Portal, where care providers keep the details the council "+
		"holds about them up to date. The record was made from the council's list of suppliers (supplier reference %s), "+
		"and names you as its key contact.\n\n"+
		"To claim the record, open this link within 7 days:\n\n%s\n\n"+
		"If you do not have an account yet, you will make one. Then check the record and complete what is missing. "+
		"The link works once. If you were not expecting this, you can ignore this email.\n",
		hello, c.Name, c.SupplierRef, membership.InvitationLink(s.BaseURL, token))
}
