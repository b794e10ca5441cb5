// Package config reads the portal's settings from the environment into one typed struct and
// validates them once at start, so a misconfiguration stops the process with a message that
// names the variable instead of failing later in a request.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/ukid"
)

// Config is every setting the portal reads. Each field names its variable in the `env` tag;
// `.env.example` documents them for operators.
type Config struct {
	Env         string // "production" or "development" (PORTAL_ENV)
	DatabaseURL string // DATABASE_URL
	Port        int    // PORT
	BaseURL     *url.URL
	DataKey     string // PORTAL_DATA_KEY: id:base64 AES-256 keys, current first
	// AuditKey is PORTAL_AUDIT_KEY: 32 bytes (base64) that seal the audit trail, kept out of
	// the database so someone who controls the database cannot rebuild the trail unseen.
	AuditKey []byte
	// ProviderAppRequired is PORTAL_PROVIDER_APP_REQUIRED: provider users must set up an
	// authenticator app, rather than be emailed their sign-in codes.
	ProviderAppRequired bool
	SMTPURL             *url.URL
	MailFrom            string // PORTAL_MAIL_FROM

	Council Council
	// OCDS is how contracts are published as open data.
	OCDS OCDS

	// DashboardRefresh is how old the officers' dashboard's figures may be before they are
	// worked out again (PORTAL_DASHBOARD_REFRESH, whole minutes); 0 works them out for every
	// view.
	DashboardRefresh time.Duration

	SessionIdle     time.Duration // PORTAL_SESSION_IDLE
	SessionAbsolute time.Duration // PORTAL_SESSION_ABSOLUTE
	// SessionWarning is how long before the idle timeout the page warns, with a chance to
	// stay signed in (PORTAL_SESSION_WARNING); always shorter than SessionIdle.
	SessionWarning time.Duration
	// InsecureCookies drops the Secure flag and the __Host- prefix. Only for development over
	// plain HTTP on a host other than localhost; refused in production.
	InsecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For, for running behind a proxy.
	TrustProxy bool
	// MetricsAddr is where Prometheus metrics are served: a separate listener, loopback by
	// default, so they are never public unless an operator decides so.
	MetricsAddr string
	// Profiling adds Go's CPU and heap profiles (/debug/pprof/) to the metrics listener, for
	// finding where a slow page spends its time under real load; off unless asked for, since
	// a profile shows the program's internals.
	Profiling bool
	LogLevel  string
	// ModulusDir, when set, holds valacdos.txt and scsubtab.txt, replacing the embedded Pay.UK
	// tables without a release.
	ModulusDir string
}

// Council is the organisation running the portal, as shown in the header, the privacy
// notice and emails.
type Council struct {
	Name     string // PORTAL_COUNCIL_NAME
	Address  string // PORTAL_COUNCIL_ADDRESS (lines separated by "|" or newlines)
	Email    string // PORTAL_COUNCIL_EMAIL
	Phone    string // PORTAL_COUNCIL_PHONE
	DPOEmail string // PORTAL_DPO_EMAIL
	// ICORegistration is the council's data controller registration number.
	ICORegistration string // PORTAL_ICO_REGISTRATION
}

// OCDS is the council's Open Contracting Data Standard publishing: the prefix its ocids
// carry and its identifier as buyer, which production requires, and the licence and
// publication policy every package links to. Set here, the prefix and identifier take the
// place of the ones on the contract settings page.
type OCDS struct {
	// OCIDPrefix is PORTAL_OCDS_PREFIX: the prefix the OCDS Helpdesk registered for the
	// council ("ocds-" and six letters or digits). Production refuses the documentation's
	// placeholder ocds-xxxxxx.
	OCIDPrefix string
	// BuyerIdentifier is PORTAL_OCDS_BUYER_ID: the council's org-id.guide identifier, such
	// as GB-LAE-LDS (scheme GB-LAE, id LDS).
	BuyerIdentifier string
	// License is PORTAL_OCDS_LICENSE: the URL of the licence of the data.
	License string
	// PublicationPolicy is PORTAL_OCDS_PUBLICATION_POLICY: the URL of the council's policy
	// on what it publishes and when.
	PublicationPolicy string
}

// The council's identity as the defaults and the documentation give it: fine for trying the
// portal, wrong in a privacy notice. Production once started with them, and every provider was
// told "Example County Council" was the data controller.
const (
	placeholderCouncilName = "Example County Council"
	placeholderICO         = "Z0000000"
	placeholderDPOEmail    = "dpo@example.gov.uk"
)

// icoRegistration is the form of the ICO's data protection register numbers: Z and seven
// digits, or Z, a letter and six digits (Z7589390, ZA781861).
var icoRegistration = regexp.MustCompile(`^Z[A-Z0-9][0-9]{6}$`)

// placeholders names each variable of the council's identity, as the privacy notice shows it
// (the controller's name, its registration with the ICO, where to write to its data
// protection officer), that production still has unset or at a placeholder, with what to set.
// The environment cannot tell unset from the default, so both are refused alike.
func (c Council) placeholders() []string {
	var out []string
	if c.Name == "" || strings.EqualFold(c.Name, placeholderCouncilName) {
		out = append(out, fmt.Sprintf("PORTAL_COUNCIL_NAME is not set (or is the placeholder %q): production names the council as data controller in the privacy notice. Set it to the council's name, as registered with the ICO", placeholderCouncilName))
	}
	switch ico := c.ICORegistration; {
	case ico == "" || ico == placeholderICO:
		out = append(out, fmt.Sprintf("PORTAL_ICO_REGISTRATION is not set (or is the placeholder %s): production shows the council's registration number with the ICO in the privacy notice. Set it to the number on the ICO's register of fee payers, such as Z7589390", placeholderICO))
	case !icoRegistration.MatchString(ico):
		out = append(out, fmt.Sprintf("PORTAL_ICO_REGISTRATION must be the council's ICO registration number, Z and seven characters such as Z7589390 or ZA781861 (it is %q)", c.ICORegistration))
	}
	if c.DPOEmail == "" || isExampleAddress(c.DPOEmail) {
		out = append(out, fmt.Sprintf("PORTAL_DPO_EMAIL is not set (or is a placeholder such as %s): production tells people to write to the council's data protection officer at this address. Set it to the officer's real address", placeholderDPOEmail))
	}
	return out
}

// isExampleAddress reports whether an email address is at example.com, example.gov.uk or any
// other example.* domain (or a subdomain of one), which exist for documentation only.
func isExampleAddress(addr string) bool {
	at := strings.LastIndex(addr, "@")
	if at < 0 {
		return false
	}
	for _, label := range strings.Split(strings.ToLower(addr[at+1:]), ".") {
		if label == "example" {
			return true
		}
	}
	return false
}

// Development reports whether development conveniences (the outbox page, demo data) are on.
func (c *Config) Development() bool { return c.Env == "development" }

// AddressLines splits the council address for display.
func (c Council) AddressLines() []string {
	var out []string
	for _, l := range strings.FieldsFunc(c.Address, func(r rune) bool { return r == '|' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Getenv is how Load reads variables; os.Getenv in production, a map in tests.
type Getenv func(string) string

// Problems lists every configuration error found, so an operator fixes them in one go.
type Problems []string

func (p Problems) Error() string {
	return "configuration is not valid:\n  - " + strings.Join(p, "\n  - ")
}

// Load reads and validates the configuration. requireDatabase is false for `portal dev`,
// which starts its own PostgreSQL when DATABASE_URL is unset.
func Load(getenv Getenv, requireDatabase bool) (*Config, error) {
	r := reader{getenv: getenv}
	c := &Config{
		Env:                 r.oneOf("PORTAL_ENV", "production", "production", "development"),
		DatabaseURL:         strings.TrimSpace(getenv("DATABASE_URL")),
		Port:                r.port("PORT", 8080),
		DataKey:             strings.TrimSpace(getenv("PORTAL_DATA_KEY")),
		MailFrom:            r.email("PORTAL_MAIL_FROM", "provider-portal@example.gov.uk"),
		SessionIdle:         r.duration("PORTAL_SESSION_IDLE", 30*time.Minute, time.Minute, 24*time.Hour),
		DashboardRefresh:    r.duration("PORTAL_DASHBOARD_REFRESH", time.Minute, 0, time.Hour).Truncate(time.Minute),
		SessionAbsolute:     r.duration("PORTAL_SESSION_ABSOLUTE", 12*time.Hour, 10*time.Minute, 7*24*time.Hour),
		SessionWarning:      r.duration("PORTAL_SESSION_WARNING", 5*time.Minute, 10*time.Second, 2*time.Hour),
		InsecureCookies:     r.boolean("PORTAL_INSECURE_COOKIES", false),
		ProviderAppRequired: r.boolean("PORTAL_PROVIDER_APP_REQUIRED", false),
		TrustProxy:          r.boolean("PORTAL_TRUST_PROXY", false),
		MetricsAddr:         metricsAddr(r.str("PORTAL_METRICS_ADDR", "127.0.0.1:9091")),
		Profiling:           r.boolean("PORTAL_PROFILING", false),
		LogLevel:            r.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		ModulusDir:          strings.TrimSpace(getenv("PORTAL_MODULUS_DIR")),
		Council: Council{
			Name:            r.str("PORTAL_COUNCIL_NAME", "Example County Council"),
			Address:         r.str("PORTAL_COUNCIL_ADDRESS", "Data Protection Team|County Hall|Example Street|Exampleton|EX1 1AA"),
			Email:           r.email("PORTAL_COUNCIL_EMAIL", "commissioning@example.gov.uk"),
			Phone:           r.str("PORTAL_COUNCIL_PHONE", "01234 567 890"),
			DPOEmail:        r.email("PORTAL_DPO_EMAIL", "dpo@example.gov.uk"),
			ICORegistration: strings.ToUpper(r.str("PORTAL_ICO_REGISTRATION", placeholderICO)),
		},
	}
	c.OCDS = OCDS{
		OCIDPrefix:      strings.ToLower(strings.TrimSpace(getenv("PORTAL_OCDS_PREFIX"))),
		BuyerIdentifier: strings.TrimSpace(getenv("PORTAL_OCDS_BUYER_ID")),
		License:         r.optionalURL("PORTAL_OCDS_LICENSE", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
	}
	c.OCDS.PublicationPolicy = r.optionalURL("PORTAL_OCDS_PUBLICATION_POLICY", "")
	if p := c.OCDS.OCIDPrefix; p != "" && !ukid.IsOCIDPrefix(p) {
		r.add(fmt.Sprintf("PORTAL_OCDS_PREFIX must be the OCDS prefix registered for the council: ocds- and six letters or digits (it is %q)", p))
	}
	if id := c.OCDS.BuyerIdentifier; id != "" && !ukid.IsOrgID(id) {
		r.add(fmt.Sprintf("PORTAL_OCDS_BUYER_ID must be the council's org-id.guide identifier, such as GB-LAE-LDS (it is %q)", id))
	}
	if requireDatabase && c.Env == "production" {
		switch c.OCDS.OCIDPrefix {
		case "":
			r.add("PORTAL_OCDS_PREFIX is not set: production publishes contracts as open data under the council's own OCDS prefix. Ask the OCDS Helpdesk (data@open-contracting.org) for one")
		case ukid.PlaceholderOCIDPrefix:
			r.add("PORTAL_OCDS_PREFIX is the placeholder ocds-xxxxxx: production needs the council's own OCDS prefix. Ask the OCDS Helpdesk (data@open-contracting.org) for one")
		}
		if c.OCDS.BuyerIdentifier == "" {
			r.add("PORTAL_OCDS_BUYER_ID is not set: production publishes the council as buyer with its org-id.guide identifier, such as GB-LAE-LDS")
		}
	}
	if requireDatabase && c.Env == "production" {
		for _, msg := range c.Council.placeholders() {
			r.add(msg)
		}
	}
	if c.Profiling && c.MetricsAddr == "" {
		r.add("PORTAL_PROFILING is on but the metrics listener is off: profiles are served on PORTAL_METRICS_ADDR")
	}
	c.BaseURL = r.url("BASE_URL", fmt.Sprintf("http://localhost:%d", c.Port), "http", "https")
	if s := strings.TrimSpace(getenv("SMTP_URL")); s != "" {
		c.SMTPURL = r.url("SMTP_URL", "", "smtp", "smtps")
	}
	if requireDatabase && c.DatabaseURL == "" {
		r.add("DATABASE_URL is not set: set it to a PostgreSQL URL such as postgres://portal:secret@localhost:5432/portal?sslmode=disable")
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			r.add("DATABASE_URL must be a postgres:// URL")
		}
	}
	if requireDatabase && c.DataKey == "" {
		r.add("PORTAL_DATA_KEY is not set: it encrypts bank details and DBS numbers. Make one with `portal keygen` and keep it safe")
	}
	if s := strings.TrimSpace(getenv("PORTAL_AUDIT_KEY")); s != "" {
		k, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(k) != 32 {
			r.add("PORTAL_AUDIT_KEY must be 32 bytes in base64, as `portal keygen audit` prints")
		}
		c.AuditKey = k
	} else if requireDatabase && c.Env == "production" {
		r.add("PORTAL_AUDIT_KEY is not set: it seals the audit trail so that changes made in the database are found. Make one with `portal keygen audit` and keep it outside the database")
	}
	if c.SessionAbsolute < c.SessionIdle {
		r.add("PORTAL_SESSION_ABSOLUTE must be at least PORTAL_SESSION_IDLE")
	}
	if c.SessionWarning >= c.SessionIdle {
		if strings.TrimSpace(getenv("PORTAL_SESSION_WARNING")) != "" {
			r.add("PORTAL_SESSION_WARNING must be shorter than PORTAL_SESSION_IDLE")
		}
		c.SessionWarning = c.SessionIdle / 2 // the default is too long for a short idle timeout
	}
	if c.Env == "production" && c.InsecureCookies {
		r.add("PORTAL_INSECURE_COOKIES=true is only allowed with PORTAL_ENV=development")
	}
	if c.Env == "production" && c.BaseURL != nil && c.BaseURL.Scheme != "https" && !isLoopback(c.BaseURL.Hostname()) {
		r.add("BASE_URL must use https in production (it is " + c.BaseURL.String() + ")")
	}
	if len(r.problems) > 0 {
		return nil, r.problems
	}
	return c, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// IsProblems reports whether err came from validation, to print it without a stack of wrapping.
func IsProblems(err error) bool {
	var p Problems
	return errors.As(err, &p)
}

type reader struct {
	getenv   Getenv
	problems Problems
}

func (r *reader) add(msg string) { r.problems = append(r.problems, msg) }

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(r.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.add(fmt.Sprintf("%s must be one of %s (it is %q)", name, strings.Join(allowed, ", "), v))
	return def
}

func (r *reader) port(name string, def int) int {
	v := r.str(name, strconv.Itoa(def))
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		r.add(fmt.Sprintf("%s must be a port number from 1 to 65535 (it is %q)", name, v))
		return def
	}
	return n
}

func (r *reader) boolean(name string, def bool) bool {
	v := r.str(name, strconv.FormatBool(def))
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.add(fmt.Sprintf("%s must be true or false (it is %q)", name, v))
		return def
	}
	return b
}

func (r *reader) duration(name string, def, min, max time.Duration) time.Duration {
	v := r.str(name, def.String())
	d, err := time.ParseDuration(v)
	if err != nil {
		r.add(fmt.Sprintf("%s must be a duration such as 30m or 12h (it is %q)", name, v))
		return def
	}
	if d < min || d > max {
		r.add(fmt.Sprintf("%s must be between %s and %s (it is %s)", name, min, max, d))
		return def
	}
	return d
}

func (r *reader) email(name, def string) string {
	v := r.str(name, def)
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		r.add(fmt.Sprintf("%s must be an email address such as name@example.gov.uk (it is %q)", name, v))
		return def
	}
	return v
}

func (r *reader) url(name, def string, schemes ...string) *url.URL {
	v := r.str(name, def)
	u, err := url.Parse(v)
	if err == nil && u.Host != "" {
		for _, s := range schemes {
			if u.Scheme == s {
				return u
			}
		}
	}
	r.add(fmt.Sprintf("%s must be a URL starting %s:// (it is %q)", name, strings.Join(schemes, ":// or "), redact(v)))
	return &url.URL{}
}

// optionalURL reads an http(s) URL that may be left empty by setting it to "none".
func (r *reader) optionalURL(name, def string) string {
	v := r.str(name, def)
	if v == "" || strings.EqualFold(v, "none") {
		return ""
	}
	return r.url(name, def, "http", "https").String()
}

// redact hides a password in a URL before it goes into an error message.
func redact(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return v
}

// metricsAddr is the metrics listener's address; "off" turns it off. An empty variable
// cannot do that, because the environment does not tell unset from empty, and an empty one
// means the loopback default.
func metricsAddr(v string) string {
	if strings.EqualFold(v, "off") {
		return ""
	}
	return v
}
