package provider

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/council/provider-portal/internal/ukid"
)

// LoadModulusTable returns the Pay.UK tables: the embedded ones, or valacdos.txt and
// scsubtab.txt from dir when an operator has pointed PORTAL_MODULUS_DIR at newer ones.
func LoadModulusTable(dir string) (*ukid.ModulusTable, error) {
	if dir == "" {
		return ukid.DefaultModulusTable(), nil
	}
	t, err := ukid.LoadModulusTableFiles(filepath.Join(dir, "valacdos.txt"), filepath.Join(dir, "scsubtab.txt"))
	if err != nil {
		return nil, fmt.Errorf("PORTAL_MODULUS_DIR: %w", err)
	}
	return t, nil
}

// ChecksWith returns the Checks function for a service: today's date in the UK, the
// modulus table, and the legal minimum employer's liability cover.
func ChecksWith(table *ukid.ModulusTable) func() Checks { return ChecksAt(table, time.Now) }

// ChecksAt is ChecksWith on the given clock, so "in the future" and "expired" mean the same
// day to every service the portal wires together.
func ChecksAt(table *ukid.ModulusTable, clock func() time.Time) func() Checks {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		london = time.UTC
	}
	return func() Checks {
		now := clock().In(london)
		return Checks{Modulus: table, Today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
			MinEmployersLiabilityPence: MinEmployersLiabilityPence}
	}
}
