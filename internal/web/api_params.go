package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// API page sizes: limit is 1 to apiMaxLimit, apiDefaultLimit when not given.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 100
)

// apiParams reads an API request's query string strictly: a parameter the endpoint does not
// have, or one given twice, is an error rather than silently ignored, so a misspelt filter
// ("stauts=approved") does not return everything. Each problem is kept under the
// parameter's name for the 400 response.
type apiParams struct {
	c    *fiber.Ctx
	errs map[string]string
}

func newAPIParams(c *fiber.Ctx, known ...string) *apiParams {
	p := &apiParams{c: c, errs: map[string]string{}}
	seen := map[string]bool{}
	c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
		name := string(k)
		switch {
		case !slices.Contains(known, name):
			p.errs[name] = "This endpoint has no parameter " + strconv.Quote(name) + "; it takes " + strings.Join(known, ", ") + "."
		case seen[name]:
			p.errs[name] = name + " must be given once."
		}
		seen[name] = true
	})
	return p
}

// text is a free-text parameter of at most max characters, with no control characters.
func (p *apiParams) text(name string, max int) string {
	v := strings.TrimSpace(p.c.Query(name))
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max || strings.ContainsFunc(v, unicode.IsControl) {
		p.errs[name] = name + " must be " + strconv.Itoa(max) + " characters or fewer, without control characters."
		return ""
	}
	return v
}

// oneOf is a parameter that must be one of the options' values, or absent.
func (p *apiParams) oneOf(name string, opts []provider.Option) string {
	v := p.c.Query(name)
	if v == "" || slices.ContainsFunc(opts, func(o provider.Option) bool { return o.Value == v }) {
		return v
	}
	values := make([]string, len(opts))
	for i, o := range opts {
		values[i] = o.Value
	}
	p.errs[name] = name + " must be one of: " + strings.Join(values, ", ") + "."
	return ""
}

// integer is a whole-number parameter from min to max, def when absent.
func (p *apiParams) integer(name string, def, min, max int) int {
	raw := p.c.Query(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		p.errs[name] = name + " must be a whole number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max) + "."
		return def
	}
	return n
}

// limit is the page size parameter.
func (p *apiParams) limit() int { return p.integer("limit", apiDefaultLimit, 1, apiMaxLimit) }

// id is a parameter naming something by its id, or absent.
func (p *apiParams) id(name string) string {
	v := p.c.Query(name)
	if v != "" && !db.IsUUID(v) {
		p.errs[name] = name + " must be an id (a UUID)."
		return ""
	}
	return v
}

// fail records a problem with a parameter found by the caller.
func (p *apiParams) fail(name, msg string) { p.errs[name] = msg }

// err is the 400 for every problem found, or nil.
func (p *apiParams) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return invalidParameters(p.errs)
}

// apiURL is an absolute address in the API with a query string, for links.
func (s *Server) apiURL(path string, q url.Values) string {
	u := s.cfg.BaseURL.JoinPath(path)
	u.RawQuery = q.Encode()
	return u.String()
}
