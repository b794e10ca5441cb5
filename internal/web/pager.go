package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Pager is offset pagination for short admin lists. (Large lists, like the provider
// directory, use keyset pagination instead.)
type Pager struct {
	Page, Size, Total int
	base              url.Values
	path              string
}

func newPager(c *fiber.Ctx, size int) Pager {
	n, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || n < 1 || n > 100000 {
		n = 1
	}
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if string(k) != "page" {
			q.Add(string(k), string(v))
		}
	})
	return Pager{Page: n, Size: size, base: q, path: c.Path()}
}

// Offset is the number of rows before this page.
func (p Pager) Offset() int { return (p.Page - 1) * p.Size }

// Pages is how many pages there are.
func (p Pager) Pages() int { return (p.Total + p.Size - 1) / p.Size }

// PrevURL and NextURL are empty at the ends.
func (p Pager) PrevURL() string {
	if p.Page <= 1 {
		return ""
	}
	return p.url(p.Page - 1)
}

func (p Pager) NextURL() string {
	if p.Page >= p.Pages() {
		return ""
	}
	return p.url(p.Page + 1)
}

func (p Pager) url(n int) string {
	q := url.Values{}
	for k, v := range p.base {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return fmt.Sprintf("%s?%s", p.path, q.Encode())
}

// namedPager pages one of several lists on a page, each by its own query parameter
// ("visits_page", "actions_page"), keeping the others' places in its links. It renders with
// the "pager" partial.
type namedPager struct {
	Pager
	param string
	query url.Values
}

func newNamedPager(c *fiber.Ctx, param string, size int) namedPager {
	n, err := strconv.Atoi(c.Query(param, "1"))
	if err != nil || n < 1 || n > 100000 {
		n = 1
	}
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		q.Add(string(k), string(v))
	})
	return namedPager{Pager: Pager{Page: n, Size: size, path: c.Path()}, param: param, query: q}
}

// PrevURL and NextURL are empty at the ends.
func (p namedPager) PrevURL() string {
	if p.Page <= 1 {
		return ""
	}
	return p.url(p.Page - 1)
}

func (p namedPager) NextURL() string {
	if p.Page >= p.Pages() {
		return ""
	}
	return p.url(p.Page + 1)
}

func (p namedPager) url(n int) string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set(p.param, strconv.Itoa(n))
	return fmt.Sprintf("%s?%s", p.path, q.Encode())
}
