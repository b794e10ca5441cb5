package privacy

import (
	"context"

	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// The registers name the provider an entry is about by its supplier reference and name.
// Those belong to provider, so they are read through it, after the entries themselves.

// organisationLabels returns the labels of the organisations the ids name, by id; nil ids
// are skipped.
func organisationLabels(ctx context.Context, q sqlx.QueryerContext, ids ...*string) (map[string]provider.OrganisationLabel, error) {
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != nil {
			keys = append(keys, *id)
		}
	}
	return provider.OrganisationLabels(ctx, q, keys)
}

// labelBreaches fills in the supplier reference and name of each breach's provider.
func labelBreaches(ctx context.Context, q sqlx.QueryerContext, bs ...*Breach) error {
	ids := make([]*string, len(bs))
	for i, b := range bs {
		ids[i] = b.OrganisationID
	}
	labels, err := organisationLabels(ctx, q, ids...)
	if err != nil {
		return err
	}
	for _, b := range bs {
		b.SupplierRef, b.OrganisationName = nil, nil
		if b.OrganisationID == nil {
			continue
		}
		if l, ok := labels[*b.OrganisationID]; ok {
			b.SupplierRef, b.OrganisationName = &l.SupplierRef, &l.Name
		}
	}
	return nil
}

// labelDisclosures fills in the supplier reference and name of each disclosure's provider.
func labelDisclosures(ctx context.Context, q sqlx.QueryerContext, ds ...*Disclosure) error {
	ids := make([]*string, len(ds))
	for i, d := range ds {
		ids[i] = d.OrganisationID
	}
	labels, err := organisationLabels(ctx, q, ids...)
	if err != nil {
		return err
	}
	for _, d := range ds {
		labelDisclosure(d, labels)
	}
	return nil
}

func labelDisclosure(d *Disclosure, labels map[string]provider.OrganisationLabel) {
	d.SupplierRef, d.OrganisationName = nil, nil
	if d.OrganisationID == nil {
		return
	}
	if l, ok := labels[*d.OrganisationID]; ok {
		d.SupplierRef, d.OrganisationName = &l.SupplierRef, &l.Name
	}
}

// labelCorrections fills in the name of the organisation each request was made for.
func labelCorrections(ctx context.Context, q sqlx.QueryerContext, cs ...*Correction) error {
	ids := make([]*string, len(cs))
	for i, c := range cs {
		ids[i] = c.OrganisationID
	}
	labels, err := organisationLabels(ctx, q, ids...)
	if err != nil {
		return err
	}
	for _, c := range cs {
		c.OrganisationName = ""
		if c.OrganisationID != nil {
			c.OrganisationName = labels[*c.OrganisationID].Name
		}
	}
	return nil
}
