package web

import (
	"net/url"
	"strconv"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// auditPageSize is how many events one page of the viewer shows.
const auditPageSize = 50

// auditQuery is the viewer's search form, sent by GET so a search can be bookmarked and shared.
type auditQuery struct {
	Email      string         `form:"email" label:"the email address"`
	ObjectType string         `form:"object_type" label:"the object type"`
	ObjectID   string         `form:"object_id" label:"the object id"`
	Action     string         `form:"action" label:"the action"`
	From       form.DateInput `form:"from" label:"the start date"`
	To         form.DateInput `form:"to" label:"the end date"`
	Sensitive  bool           `form:"sensitive"`
}

// auditQueryFields are the search form's fields in page order.
var auditQueryFields = []string{"email", "object_type", "object_id", "action", "from", "to"}

// readAuditQuery decodes and checks the search, returning the filter and the messages.
func readAuditQuery(c *fiber.Ctx) (auditQuery, audit.Filter, map[string]string) {
	var q auditQuery
	errs := decodeFilterQuery(c, &q)
	f := audit.Filter{Email: q.Email, ObjectType: q.ObjectType, ObjectID: q.ObjectID, ActionPrefix: q.Action, Sensitive: q.Sensitive}
	f.From = filterDate(errs, "from", q.From, "the start date")
	f.To = filterDate(errs, "to", q.To, "the end date")
	for k, v := range f.Validate() {
		if errs[k] == "" {
			errs[k] = v
		}
	}
	return q, f, errs
}

type auditViewerPage struct {
	Page
	Query              auditQuery
	Results            audit.Results
	NewerURL, OlderURL string
	ExportURL          string
	SensitiveURL       string
	Searched           bool
}

// cursorOf reads the keyset cursor from the query; anything not a positive id is ignored.
func auditCursorOf(c *fiber.Ctx) audit.Cursor {
	parse := func(name string) int64 {
		n, err := strconv.ParseInt(c.Query(name), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	return audit.Cursor{Before: parse("before"), After: parse("after")}
}

// auditFilterValues is the query string of the search without a cursor, for the links.
func auditFilterValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, val []byte) {
		if key := string(k); key != "before" && key != "after" {
			v.Add(key, string(val))
		}
	})
	return v
}

func auditLinkWith(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// auditViewer searches the audit trail by user, object, action and date, newest first, a page
// at a time by event id; every view of DBS data and bank details is in it, and the
// "sensitive views" link shows only those.
func (s *Server) auditViewer(c *fiber.Ctx) error {
	q, f, errs := readAuditQuery(c)
	values := auditFilterValues(c)
	data := auditViewerPage{Query: q, SensitiveURL: "/dpo/audit-log?sensitive=true", Searched: len(values) > 0}
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusUnprocessableEntity
	} else {
		res, err := audit.Search(c.UserContext(), s.db, f, auditCursorOf(c), auditPageSize)
		if err != nil {
			return err
		}
		data.Results = res
		link := func(key string, id int64) string {
			v := url.Values{}
			for k, vals := range values {
				v[k] = vals
			}
			v.Set(key, strconv.FormatInt(id, 10))
			return auditLinkWith("/dpo/audit-log", v)
		}
		if res.Newer > 0 {
			data.NewerURL = link("after", res.Newer)
		}
		if res.Older > 0 {
			data.OlderURL = link("before", res.Older)
		}
		data.ExportURL = auditLinkWith("/dpo/audit-log/export", values)
	}
	data.Page = s.page(c, "Audit log")
	data.Page.Errors = fieldErrors(auditQueryFields, errs)
	return render(c, status, "dpo/audit_log/search", data)
}
