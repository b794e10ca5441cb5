package web

import (
	"strings"
	"sync"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/gofiber/fiber/v2"
)

// Refusals by an access rule are logged, each with who asked; someone refused again and
// again in a short time (a person probing what they cannot see, or a stolen session being
// tried) reaches the audit trail, once per refusalsToAudit refusals, without flooding it.
const (
	refusalWindow   = 10 * time.Minute
	refusalsToAudit = 5
)

// refusalWatch counts recent refusals per actor, in this instance's memory: the log has
// every refusal, and the audit trail the pattern.
type refusalWatch struct {
	mu   sync.Mutex
	seen map[string][]time.Time
	now  func() time.Time
}

func newRefusalWatch(now func() time.Time) *refusalWatch {
	return &refusalWatch{seen: map[string][]time.Time{}, now: now}
}

// note counts one refusal for key and reports the count within the window.
func (w *refusalWatch) note(key string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	recent := w.seen[key][:0]
	for _, at := range w.seen[key] {
		if now.Sub(at) < refusalWindow {
			recent = append(recent, at)
		}
	}
	recent = append(recent, now)
	w.seen[key] = recent
	if len(w.seen) > 10_000 { // a crawl of many identities: keep memory bounded
		for k, v := range w.seen {
			if len(v) == 0 || now.Sub(v[len(v)-1]) >= refusalWindow {
				delete(w.seen, k)
			}
		}
	}
	return len(recent)
}

// refused logs a request an access rule refused, naming who made it, and audits it when
// the same actor has been refused refusalsToAudit times (or a multiple) in the window.
func (s *Server) refused(c *fiber.Ctx, rule, reason string) {
	actor := audit.ActorFrom(c.UserContext())
	key := actor.UserID
	if key == "" {
		key = actor.Email + "@" + c.IP()
	}
	n := s.refusals.note(key)
	s.requestLogger(c).Warn("access refused", "rule", rule, "reason", reason, "user_id", actor.UserID, "email", actor.Email,
		"roles", strings.Join(actor.Roles, ","), "method", c.Method(), "path", c.Path(), "recent_refusals", n)
	if n%refusalsToAudit != 0 {
		return
	}
	if err := audit.Record(c.UserContext(), s.db, audit.Event{Action: "access.refused.repeated", ObjectType: "route",
		ObjectID: c.Method() + " " + c.Path(), Summary: map[string]any{"rule": rule, "reason": reason, "refusals": n,
			"window_minutes": int(refusalWindow.Minutes())}}); err != nil {
		s.requestLogger(c).Error("audit repeated refusals", "error", err)
	}
}
