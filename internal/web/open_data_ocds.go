package web

import (
	"bytes"
	"encoding/json"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/gofiber/fiber/v2"
)

// openDataPrefix starts every open data path. Like the API's, these routes take no cookies
// and answer errors as problem+json (isMachinePath).
const openDataPrefix = "/open-data/"

// The open data publishes contracts in OCDS 1.1.5 for anyone, without signing in: the
// releases of published contracts (agreed with the provider, and not grants), a record per
// contract with the history of its releases, a bulk file, and the documents an officer
// marked public. Nothing in it is personal: no contact people, emails or telephone numbers
// (the council's role mailbox aside). Each client address has the API's rate limit.

// openDataAllow spends one request of the client address's allowance.
func (s *Server) openDataAllow(c *fiber.Ctx) error {
	d := s.openDataLimits.take(c.IP())
	setRateHeaders(c, d)
	if !d.allowed {
		return newProblem(fiber.StatusTooManyRequests, problemRateLimited, "Too many requests",
			"This address has made more requests than the open data's rate limit allows. Wait for the time in Retry-After, then try again, or download the bulk file.")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return nil
}

// releaseURL is where one release is published: the package holding it, with the release's
// id as fragment, as a record's linked releases name them.
func (s *Server) releaseURL(id string) string {
	return s.cfg.BaseURL.JoinPath(contract.OpenDataReleasePath, id).String() + "#" + id
}

// openDataReleases is GET /open-data/ocds/releases: pages of release packages.
func (s *Server) openDataReleases(c *fiber.Ctx) error {
	if err := s.openDataAllow(c); err != nil {
		return err
	}
	return s.ocdsReleasePage(c, s.cfg.BaseURL.JoinPath("/open-data/ocds/releases").String())
}

// openDataReleasesBulk is GET /open-data/ocds/releases.jsonl: every published release, one
// JSON object a line (JSON Lines), for a consumer to take in one request. Nothing
// published yet is an empty file.
func (s *Server) openDataReleasesBulk(c *fiber.Ctx) error {
	if err := s.openDataAllow(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for offset := 0; ; offset += ocdsPageSize {
		releases, total, err := s.contracts.PublishedReleases(ctx, s.ocdsBuyer(), ocdsPageSize, offset)
		if err != nil {
			return err
		}
		for _, r := range releases {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		if offset+ocdsPageSize >= total {
			break
		}
	}
	c.Set(fiber.HeaderContentType, "application/jsonl; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, document.ContentDisposition("releases.jsonl"))
	return c.Send(buf.Bytes())
}

// openDataRelease is GET /open-data/ocds/releases/:id: a release package holding the one
// release, as published; record packages link their releases here.
func (s *Server) openDataRelease(c *fiber.Ctx) error {
	if err := s.openDataAllow(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	rel, err := s.contracts.PublishedRelease(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	settings, err := s.contracts.OCDSSettings(ctx)
	if err != nil {
		return err
	}
	uri := s.cfg.BaseURL.JoinPath(contract.OpenDataReleasePath, rel.ID).String()
	return c.JSON(contract.NewPackage(uri, s.ocdsBuyer(), settings, []contract.Release{rel}, s.clock()))
}

// openDataRecord is GET /open-data/ocds/records/:ocid: a record package with the contract's
// releases, oldest first, and its compiled release.
func (s *Server) openDataRecord(c *fiber.Ctx) error {
	if err := s.openDataAllow(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	rec, err := s.contracts.PublishedRecord(ctx, c.Params("ocid"), s.ocdsBuyer(), s.releaseURL)
	if err != nil {
		return err
	}
	settings, err := s.contracts.OCDSSettings(ctx)
	if err != nil {
		return err
	}
	uri := s.cfg.BaseURL.JoinPath("/open-data/ocds/records", rec.OCID).String()
	return c.JSON(contract.NewRecordPackage(uri, s.ocdsBuyer(), settings, []contract.Record{rec}, s.clock()))
}

// openDataDocument is GET /open-data/ocds/documents/:id: a contract document an officer
// marked public, for anyone. Unlike the signed-in download it is not audited: it is
// published, and who reads published data is no one's business.
func (s *Server) openDataDocument(c *fiber.Ctx) error {
	if err := s.openDataAllow(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := contract.PublicDocument(ctx, s.db, c.Params("id")); err != nil {
		return err
	}
	doc, content, err := s.documents.Get(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, doc.ContentType)
	c.Set(fiber.HeaderContentDisposition, document.ContentDisposition(doc.Filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(content)
}
