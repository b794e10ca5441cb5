package contract

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Where the open data lives. The contract package makes the links, so the paths are here;
// internal/web routes them.
const (
	// OpenDataReleasePath and an id is the release package holding that one release.
	OpenDataReleasePath = "/open-data/ocds/releases/"
	// OpenDataDocumentPath and a document id downloads a public contract document.
	OpenDataDocumentPath = "/open-data/ocds/documents/"
)

// publishedSQL is what makes a contract published in the open data: it has been agreed
// with the provider (not a draft), and it is a contract rather than a grant, which OCDS
// does not describe as a contract.
const publishedSQL = "c.status <> 'draft' AND c.procurement_route <> 'grant'"

// Published reports whether the open data publishes the contract (publishedSQL).
func (c *Contract) Published() bool { return c.Stored != StatusDraft && c.Route != RouteGrant }

// PublishedReleases is one page of the releases of published contracts, soonest ending
// first, as the publication log keeps them (Publish), and how many contracts are published.
func (svc *Service) PublishedReleases(ctx context.Context, buyer Buyer, limit, offset int) ([]Release, int, error) {
	list, total, err := svc.List(ctx, Filter{Published: true, Limit: limit, Offset: offset})
	if err != nil {
		return nil, 0, err
	}
	releases, err := svc.Releases(ctx, list, buyer)
	if err != nil {
		return nil, 0, err
	}
	out, err := svc.Publish(ctx, releases)
	return out, total, err
}

// Publish records each release in the publication log the first time it is published and
// returns the releases as the log has them. An id is a hash of the content, so a release
// already in the log is returned as first published, with the date it had then. A new
// release is dated by the latest change it shows; when that is not after the last release
// of the same process (a status that changed with the calendar, such as a contract ending),
// it is dated now, so a record's releases stay in date order.
func (svc *Service) Publish(ctx context.Context, releases []Release) ([]Release, error) {
	out := make([]Release, len(releases))
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		for i, r := range releases {
			contractID := strings.TrimPrefix(r.OCID, ocidPrefixOf(r.OCID))
			var last sql.NullTime
			if err := tx.GetContext(ctx, &last, `SELECT max(date) FROM ocds_releases WHERE ocid = $1 AND id <> $2`, r.OCID, r.ID); err != nil {
				return fmt.Errorf("latest release: %w", err)
			}
			date, err := time.Parse(time.RFC3339, r.Date)
			if err != nil {
				return fmt.Errorf("release %s date: %w", r.ID, err)
			}
			if last.Valid && !date.After(last.Time) {
				date = svc.now().UTC().Truncate(time.Second)
				if !date.After(last.Time) {
					date = last.Time.Add(time.Second)
				}
			}
			r.Date = instant(date)
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ocds_releases (id, ocid, contract_id, date, tag, release)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`, r.ID, r.OCID, contractID, date, pq.StringArray(r.Tag), data); err != nil {
				return fmt.Errorf("record release: %w", err)
			}
			if out[i], err = storedRelease(ctx, tx, r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ocidPrefixOf is the ocid up to and including the hyphen before the contract's id (a UUID,
// 36 characters).
func ocidPrefixOf(ocid string) string {
	if len(ocid) < 37 {
		return ocid
	}
	return ocid[:len(ocid)-36]
}

func storedRelease(ctx context.Context, q sqlx.QueryerContext, id string) (Release, error) {
	var data []byte
	if err := sqlx.GetContext(ctx, q, &data, `SELECT release FROM ocds_releases WHERE id = $1`, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Release{}, apperr.New(apperr.NotFound, "Release not found")
		}
		return Release{}, fmt.Errorf("release %s: %w", id, err)
	}
	var r Release
	if err := json.Unmarshal(data, &r); err != nil {
		return Release{}, fmt.Errorf("release %s: %w", id, err)
	}
	return r, nil
}

// PublishedRelease is a release from the publication log, while its contract is still
// published; NotFound otherwise.
func (svc *Service) PublishedRelease(ctx context.Context, id string) (Release, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, svc.DB, &ok, `SELECT EXISTS (SELECT 1 FROM ocds_releases r JOIN contracts c ON c.id = r.contract_id
		WHERE r.id = $1 AND `+publishedSQL+`)`, id); err != nil {
		return Release{}, fmt.Errorf("published release: %w", err)
	}
	if !ok {
		return Release{}, apperr.New(apperr.NotFound, "Release not found")
	}
	return storedRelease(ctx, svc.DB, id)
}

// PublishedRecord is the record of a published contract, by its ocid: every release the log
// holds of it, oldest first, each linked by the url releaseURL gives, and the current state
// as the compiled release. The current release is published first, so the record is never
// behind the release list.
func (svc *Service) PublishedRecord(ctx context.Context, ocid string, buyer Buyer, releaseURL func(id string) string) (Record, error) {
	notFound := apperr.New(apperr.NotFound, "No published contract has this ocid")
	settings, err := svc.OCDSSettings(ctx)
	if err != nil {
		return Record{}, err
	}
	id, ok := strings.CutPrefix(ocid, settings.OCIDPrefix+"-")
	if !ok || !db.IsUUID(id) {
		return Record{}, notFound
	}
	c, err := svc.Contract(ctx, id)
	if apperr.KindOf(err) == apperr.NotFound || (err == nil && !c.Published()) {
		return Record{}, notFound
	} else if err != nil {
		return Record{}, err
	}
	current, err := svc.Releases(ctx, []Contract{*c}, buyer)
	if err != nil {
		return Record{}, err
	}
	if _, err := svc.Publish(ctx, current); err != nil {
		return Record{}, err
	}
	var rows []struct {
		ID   string         `db:"id"`
		Date time.Time      `db:"date"`
		Tag  pq.StringArray `db:"tag"`
	}
	if err := sqlx.SelectContext(ctx, svc.DB, &rows, `SELECT id, date, tag FROM ocds_releases WHERE ocid = $1 ORDER BY date, id`, ocid); err != nil {
		return Record{}, fmt.Errorf("record releases: %w", err)
	}
	rec := Record{OCID: ocid}
	for _, r := range rows {
		rec.Releases = append(rec.Releases, LinkedRelease{URL: releaseURL(r.ID), Date: instant(r.Date), Tag: r.Tag})
	}
	latest, err := storedRelease(ctx, svc.DB, rows[len(rows)-1].ID)
	if err != nil {
		return Record{}, err
	}
	// The portal publishes each release whole, so the latest is the compiled release; it is
	// named as the merge routine of the standard names one: the ocid and the latest date.
	latest.ID, latest.Tag = ocid+"-"+latest.Date, []string{"compiled"}
	rec.CompiledRelease = latest
	return rec, nil
}

// NewRecordPackage wraps records in a package published by the council, dated by the latest
// compiled release.
func NewRecordPackage(uri string, buyer Buyer, s Settings, records []Record, now time.Time) RecordPackage {
	published := time.Time{}
	for _, r := range records {
		if t, err := time.Parse(time.RFC3339, r.CompiledRelease.Date); err == nil && t.After(published) {
			published = t
		}
	}
	if published.IsZero() {
		published = now
	}
	return RecordPackage{URI: uri, Version: OCDSVersion, PublishedDate: instant(published), Publisher: publisherOf(buyer, s),
		License: s.License, PublicationPolicy: s.PublicationPolicy, Records: records}
}

// PublicDocument reports NotFound unless the document is one an officer marked public on a
// published contract: the only documents anyone may download without signing in.
func PublicDocument(ctx context.Context, q sqlx.QueryerContext, documentID string) error {
	if !db.IsUUID(documentID) {
		return apperr.New(apperr.NotFound, "Document not found")
	}
	var ok bool
	if err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM contract_documents cd JOIN contracts c ON c.id = cd.contract_id
		WHERE cd.document_id = $1 AND cd.public AND `+publishedSQL+`)`, documentID); err != nil {
		return fmt.Errorf("public document: %w", err)
	}
	if !ok {
		return apperr.New(apperr.NotFound, "Document not found")
	}
	return nil
}
