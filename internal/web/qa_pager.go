package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

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
