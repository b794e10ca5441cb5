package seed

import (
	"crypto/sha256"
	"encoding/json"
	"time"

	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

// person is a user the generated rows name as the one who did something.
type person struct {
	ID, Name, Email string
}

// staff are the council users a seeded run acts as: officers make decisions, visits and
// contracts; two finance officers verify and approve bank details (never the same person,
// as dual control requires).
type staff struct {
	officers []person
	finance  [2]person
}

// generator makes the rows of each provider. Everything it draws comes from streams keyed by
// the run's seed and the provider's (or contract's) index; the clock only moves dates, which
// are all relative to today, as a real register's would be.
type generator struct {
	seed    int64
	today   time.Time // the UK date, midnight UTC
	now     time.Time
	vault   *vault.Vault
	modulus *ukid.ModulusTable
	staff   staff
	// passwordHash is given to every seeded provider user: hashing 100,000 passwords with
	// argon2id would take an hour, and nobody signs in as a seeded provider.
	passwordHash  string
	noticeID      string
	noticeVersion int
	returnDueDays int
	// contracts lists, for a provider index, the indexes of the contracts it holds.
	contracts map[int][]int
}

// certificatePDF is the insurance certificate every seeded policy has uploaded: a tiny valid
// PDF, as the demo data uses.
var certificatePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

var certificateSHA = func() []byte { s := sha256.Sum256(certificatePDF); return s[:] }()

// statusOf is a provider's workflow status, drawn from its own stream so the contract owners
// can be chosen before any provider is generated.
func (g *generator) statusOf(i int) string {
	return weighted(newRNG(g.seed, streamStatus, i), statusWeights)
}

// statusWeights give the register the shape of a council's: most providers approved, a
// steady queue of new and resubmitted records, a few suspended or rejected.
var statusWeights = []choice[string]{
	{"approved", 72}, {"draft", 8}, {"submitted", 5}, {"resubmitted", 2}, {"changes_requested", 4}, {"suspended", 4}, {"rejected", 5},
}

// payable reports whether a provider in this status holds approved bank details.
func payable(status string) bool { return status == "approved" || status == "suspended" }

// jsonText encodes v for a jsonb column (COPY takes it as text).
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("seed: encode " + err.Error()) // the seeder's own types always encode
	}
	return string(b)
}

// dateText is a date as PostgreSQL reads it, whatever the session's time zone.
func dateText(t time.Time) string { return t.Format(time.DateOnly) }

// at is a moment on a day: the working hours a person would act in.
func at(day time.Time, r rng) time.Time {
	return day.Add(time.Duration(8*60+r.IntN(9*60)) * time.Minute)
}

// notAfter caps a moment at now, so no generated event lies in the future.
func (g *generator) notAfter(t time.Time) time.Time {
	if t.After(g.now) {
		return g.now
	}
	return t
}
