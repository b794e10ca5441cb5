package contract

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/settings"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/jmoiron/sqlx"
)

// Names of the settings this package keeps in the settings table.
const (
	SettingExpiringWithinDays = "contracts.expiring_within_days"
	SettingReturnDueDays      = "contracts.return_due_days"
	SettingOCIDPrefix         = "ocds.ocid_prefix"
	SettingBuyerIdentifier    = "ocds.buyer_identifier"
)

// Defaults of the settings, used while no row says otherwise.
const (
	DefaultExpiringWithinDays = 90
	DefaultReturnDueDays      = 15
	// DefaultOCIDPrefix is the placeholder the OCDS documentation uses. A publisher asks the
	// OCDS Helpdesk for its own prefix ("ocds-" and six letters or digits) and sets it here.
	DefaultOCIDPrefix = ukid.PlaceholderOCIDPrefix
)

// Settings are the commissioning settings, read together.
type Settings struct {
	// ExpiringWithinDays: an active contract ending within this many days shows as expiring.
	ExpiringWithinDays int
	// ReturnDueDays: a monitoring return is due this many days after its period ends.
	ReturnDueDays int
	// OCIDPrefix is the council's registered OCDS prefix; each contract's ocid is the prefix,
	// a hyphen and the contract's id.
	OCIDPrefix string
	// BuyerIdentifier is the council's org-id.guide identifier, like GB-LAE-LDS (an English
	// local authority code); empty when not known, and the buyer is published without one.
	BuyerIdentifier string
	// License and PublicationPolicy are the URLs OCDS packages carry; only the
	// configuration sets them (Publishing).
	License           string
	PublicationPolicy string
}

// Publishing is how the council publishes OCDS, from the configuration (PORTAL_OCDS_*).
// Production refuses to start without a registered prefix and the buyer's identifier
// (internal/config), so open data never goes out under the placeholder prefix.
type Publishing struct {
	OCIDPrefix        string
	BuyerIdentifier   string
	License           string
	PublicationPolicy string
}

// OCDSSettings are the stored settings with the configuration's publishing settings in
// place of the stored ones where it sets them.
func (svc *Service) OCDSSettings(ctx context.Context) (Settings, error) {
	s, err := LoadSettings(ctx, svc.DB)
	if err != nil {
		return s, err
	}
	p := svc.Publishing
	if p.OCIDPrefix != "" {
		s.OCIDPrefix = p.OCIDPrefix
	}
	if p.BuyerIdentifier != "" {
		s.BuyerIdentifier = p.BuyerIdentifier
	}
	s.License, s.PublicationPolicy = p.License, p.PublicationPolicy
	return s, nil
}

// LoadSettings reads the settings, with the default for any not set.
func LoadSettings(ctx context.Context, q sqlx.QueryerContext) (Settings, error) {
	stored, err := settings.Values(ctx, q, []string{SettingExpiringWithinDays, SettingReturnDueDays, SettingOCIDPrefix, SettingBuyerIdentifier})
	if err != nil {
		return Settings{}, fmt.Errorf("contract settings: %w", err)
	}
	s := Settings{ExpiringWithinDays: DefaultExpiringWithinDays, ReturnDueDays: DefaultReturnDueDays, OCIDPrefix: DefaultOCIDPrefix}
	for name, value := range stored {
		switch name {
		case SettingExpiringWithinDays:
			if n, err := strconv.Atoi(value); err == nil && n >= 1 && n <= 730 {
				s.ExpiringWithinDays = n
			}
		case SettingReturnDueDays:
			if n, err := strconv.Atoi(value); err == nil && n >= 0 && n <= 180 {
				s.ReturnDueDays = n
			}
		case SettingOCIDPrefix:
			if ukid.IsOCIDPrefix(value) {
				s.OCIDPrefix = value
			}
		case SettingBuyerIdentifier:
			if ukid.IsOrgID(value) {
				s.BuyerIdentifier = value
			}
		}
	}
	return s, nil
}

// SettingsForm is the settings page as typed.
type SettingsForm struct {
	ExpiringWithinDays string `form:"expiring_within_days" label:"the number of days"`
	ReturnDueDays      string `form:"return_due_days" label:"the number of days"`
	OCIDPrefix         string `form:"ocid_prefix" label:"the OCDS prefix"`
	BuyerIdentifier    string `form:"buyer_identifier" label:"the council's identifier"`
}

// SettingsFormOf fills the form from the settings in force.
func SettingsFormOf(s Settings) SettingsForm {
	return SettingsForm{ExpiringWithinDays: strconv.Itoa(s.ExpiringWithinDays), ReturnDueDays: strconv.Itoa(s.ReturnDueDays),
		OCIDPrefix: s.OCIDPrefix, BuyerIdentifier: s.BuyerIdentifier}
}

// Validate checks the form and returns the settings it gives.
func (f *SettingsForm) Validate() (Settings, map[string]string) {
	errs := map[string]string{}
	var s Settings
	var err error
	if s.ExpiringWithinDays, err = strconv.Atoi(f.ExpiringWithinDays); err != nil || s.ExpiringWithinDays < 1 || s.ExpiringWithinDays > 730 {
		errs["expiring_within_days"] = "Enter a whole number of days from 1 to 730"
	}
	if s.ReturnDueDays, err = strconv.Atoi(f.ReturnDueDays); err != nil || s.ReturnDueDays < 0 || s.ReturnDueDays > 180 {
		errs["return_due_days"] = "Enter a whole number of days from 0 to 180"
	}
	s.OCIDPrefix = strings.ToLower(strings.TrimSuffix(f.OCIDPrefix, "-"))
	if !ukid.IsOCIDPrefix(s.OCIDPrefix) {
		errs["ocid_prefix"] = "Enter the OCDS prefix the Helpdesk gave the council: ocds- and 6 letters or numbers, like ocds-b5fd17"
	}
	s.BuyerIdentifier = strings.TrimSpace(f.BuyerIdentifier)
	if s.BuyerIdentifier != "" {
		// The scheme ("GB-LAE") is upper case; the code within it is kept as typed.
		if parts := strings.SplitN(s.BuyerIdentifier, "-", 3); len(parts) == 3 {
			s.BuyerIdentifier = strings.ToUpper(parts[0]) + "-" + strings.ToUpper(parts[1]) + "-" + parts[2]
		}
		if !ukid.IsOrgID(s.BuyerIdentifier) {
			errs["buyer_identifier"] = "Enter the council's identifier as a scheme and a code, like GB-LAE-LDS, or leave it empty"
		}
	}
	return s, errs
}

// SaveSettings stores the settings, auditing the values before and after. Monitoring
// returns not yet made move to the new due date; those made keep theirs.
func (svc *Service) SaveSettings(ctx context.Context, f SettingsForm) error {
	next, errs := f.Validate()
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		if err := settings.Lock(ctx, tx); err != nil {
			return err
		}
		prev, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		values := map[string]string{
			SettingExpiringWithinDays: strconv.Itoa(next.ExpiringWithinDays),
			SettingReturnDueDays:      strconv.Itoa(next.ReturnDueDays),
			SettingOCIDPrefix:         next.OCIDPrefix,
			SettingBuyerIdentifier:    next.BuyerIdentifier,
		}
		if err := settings.Save(ctx, tx, values, audit.ActorFrom(ctx).UserID); err != nil {
			return err
		}
		if next.ReturnDueDays != prev.ReturnDueDays {
			if _, err := tx.ExecContext(ctx, `UPDATE monitoring_returns SET due_date = period_end + $1::int, updated_at = now()
				WHERE status = 'due'`, next.ReturnDueDays); err != nil {
				return fmt.Errorf("move due dates: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.settings.saved", ObjectType: "settings", ObjectID: "contracts",
			Summary: map[string]any{"before": prev, "after": next}})
	})
}
