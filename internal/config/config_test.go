package config

import (
	"bytes"
	"encoding/base64"
	"maps"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"PORTAL_ENV": "development"}), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.SessionIdle != 30*time.Minute || c.SessionAbsolute != 12*time.Hour {
		t.Errorf("defaults: port %d idle %s absolute %s", c.Port, c.SessionIdle, c.SessionAbsolute)
	}
	if c.BaseURL.String() != "http://localhost:8080" {
		t.Errorf("base URL %s", c.BaseURL)
	}
	if !c.Development() {
		t.Error("development expected")
	}
}

func TestLoadNamesEachBadVariable(t *testing.T) {
	_, err := Load(env(map[string]string{
		"PORT":                    "eighty",
		"PORTAL_SESSION_IDLE":     "soon",
		"SMTP_URL":                "mail.example.com",
		"PORTAL_COUNCIL_EMAIL":    "not an email",
		"PORTAL_INSECURE_COOKIES": "true",
		"DATABASE_URL":            "mysql://x",
	}), true)
	if err == nil || !IsProblems(err) {
		t.Fatalf("want problems, got %v", err)
	}
	for _, name := range []string{"PORT", "PORTAL_SESSION_IDLE", "SMTP_URL", "PORTAL_COUNCIL_EMAIL", "PORTAL_INSECURE_COOKIES", "DATABASE_URL", "PORTAL_DATA_KEY"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%s", name, err)
		}
	}
}

func TestLoadRequiresDatabaseForServe(t *testing.T) {
	_, err := Load(env(map[string]string{}), true)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") {
		t.Fatalf("got %v", err)
	}
}

func TestProductionNeedsHTTPS(t *testing.T) {
	_, err := Load(env(map[string]string{
		"DATABASE_URL": "postgres://u:p@db/portal", "PORTAL_DATA_KEY": "k",
		"BASE_URL": "http://portal.example.gov.uk", "PORTAL_AUDIT_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	}), true)
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("got %v", err)
	}
}

func TestSMTPPasswordIsRedacted(t *testing.T) {
	_, err := Load(env(map[string]string{"SMTP_URL": "http://user:hunter2@mail"}), false)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("password leaked or no error: %v", err)
	}
}

func TestAddressLines(t *testing.T) {
	got := Council{Address: "A| B |\nC"}.AddressLines()
	if strings.Join(got, ",") != "A,B,C" {
		t.Errorf("got %q", got)
	}
}

// The metrics listener is on loopback unless moved, and "off" turns it off (an empty variable
// cannot, since it reads as unset).
func TestMetricsAddr(t *testing.T) {
	for v, want := range map[string]string{"": "127.0.0.1:9091", "127.0.0.1:9200": "127.0.0.1:9200", "off": "", "OFF": ""} {
		c, err := Load(env(map[string]string{"PORTAL_ENV": "development", "PORTAL_METRICS_ADDR": v}), false)
		if err != nil {
			t.Fatal(err)
		}
		if c.MetricsAddr != want {
			t.Errorf("PORTAL_METRICS_ADDR=%q: listener %q, want %q", v, c.MetricsAddr, want)
		}
	}
}

// Profiles are served only when asked for, and only on the metrics listener.
func TestProfiling(t *testing.T) {
	c, err := Load(env(map[string]string{"PORTAL_ENV": "development"}), false)
	if err != nil || c.Profiling {
		t.Fatalf("profiling by default: %v, %v", c.Profiling, err)
	}
	if c, err = Load(env(map[string]string{"PORTAL_ENV": "development", "PORTAL_PROFILING": "true"}), false); err != nil || !c.Profiling {
		t.Fatalf("PORTAL_PROFILING=on: %v, %v", c.Profiling, err)
	}
	_, err = Load(env(map[string]string{"PORTAL_ENV": "development", "PORTAL_PROFILING": "true", "PORTAL_METRICS_ADDR": "off"}), false)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_PROFILING") {
		t.Errorf("profiling with the metrics listener off: %v", err)
	}
}

// The audit key is required to serve in production, and must be 32 bytes of base64.
func TestAuditKey(t *testing.T) {
	base := withCouncil(map[string]string{"DATABASE_URL": "postgres://u:p@db/portal", "PORTAL_DATA_KEY": "k", "BASE_URL": "https://portal.example.gov.uk",
		"PORTAL_OCDS_PREFIX": "ocds-b5fd17", "PORTAL_OCDS_BUYER_ID": "GB-LAE-EXA"})
	if _, err := Load(env(base), true); err == nil || !strings.Contains(err.Error(), "PORTAL_AUDIT_KEY is not set") {
		t.Errorf("production without an audit key: %v", err)
	}
	bad := maps.Clone(base)
	bad["PORTAL_AUDIT_KEY"] = "c2hvcnQ="
	if _, err := Load(env(bad), true); err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Errorf("a short audit key: %v", err)
	}
	good := maps.Clone(base)
	good["PORTAL_AUDIT_KEY"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	if c, err := Load(env(good), true); err != nil || len(c.AuditKey) != 32 {
		t.Errorf("a good audit key: %v", err)
	}
	dev := map[string]string{"PORTAL_ENV": "development", "DATABASE_URL": "postgres://u:p@db/portal", "PORTAL_DATA_KEY": "k"}
	if _, err := Load(env(dev), true); err != nil {
		t.Errorf("development without an audit key: %v", err)
	}
}

// Production refuses to start without the council's own OCDS prefix (the documentation's
// placeholder is refused) and its buyer identifier; development runs without them.
func TestProductionRequiresOCDSPublishing(t *testing.T) {
	base := withCouncil(map[string]string{"DATABASE_URL": "postgres://u:p@db/portal", "PORTAL_DATA_KEY": "k", "BASE_URL": "https://portal.example.gov.uk",
		"PORTAL_AUDIT_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))})
	with := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	refused := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"neither", base, "PORTAL_OCDS_PREFIX is not set"},
		{"no buyer", with("PORTAL_OCDS_PREFIX", "ocds-b5fd17"), "PORTAL_OCDS_BUYER_ID is not set"},
		{"the placeholder", with("PORTAL_OCDS_PREFIX", "ocds-xxxxxx", "PORTAL_OCDS_BUYER_ID", "GB-LAE-EXA"), "placeholder ocds-xxxxxx"},
		{"the placeholder in capitals", with("PORTAL_OCDS_PREFIX", "OCDS-XXXXXX", "PORTAL_OCDS_BUYER_ID", "GB-LAE-EXA"), "placeholder ocds-xxxxxx"},
		{"a malformed prefix", with("PORTAL_OCDS_PREFIX", "ocds-abc", "PORTAL_OCDS_BUYER_ID", "GB-LAE-EXA"), "PORTAL_OCDS_PREFIX must be"},
		{"a malformed buyer", with("PORTAL_OCDS_PREFIX", "ocds-b5fd17", "PORTAL_OCDS_BUYER_ID", "Exampleshire"), "PORTAL_OCDS_BUYER_ID must be"},
		{"a licence that is not a URL", with("PORTAL_OCDS_PREFIX", "ocds-b5fd17", "PORTAL_OCDS_BUYER_ID", "GB-LAE-EXA", "PORTAL_OCDS_LICENSE", "OGL"), "PORTAL_OCDS_LICENSE must be a URL"},
	}
	for _, tc := range refused {
		if _, err := Load(env(tc.env), true); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	c, err := Load(env(with("PORTAL_OCDS_PREFIX", "ocds-b5fd17", "PORTAL_OCDS_BUYER_ID", "GB-LAE-EXA",
		"PORTAL_OCDS_PUBLICATION_POLICY", "https://council.example.gov.uk/open-data")), true)
	if err != nil {
		t.Fatal(err)
	}
	want := OCDS{OCIDPrefix: "ocds-b5fd17", BuyerIdentifier: "GB-LAE-EXA",
		License: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", PublicationPolicy: "https://council.example.gov.uk/open-data"}
	if c.OCDS != want {
		t.Errorf("OCDS %+v, want %+v", c.OCDS, want)
	}
	if c, err := Load(env(with("PORTAL_OCDS_PREFIX", "ocds-b5fd17", "PORTAL_OCDS_BUYER_ID", "GB-LAE-EXA", "PORTAL_OCDS_LICENSE", "none")), true); err != nil || c.OCDS.License != "" {
		t.Errorf("licence none: %q %v", c.OCDS.License, err)
	}
	dev := with("PORTAL_ENV", "development")
	if c, err := Load(env(dev), true); err != nil || c.OCDS.OCIDPrefix != "" {
		t.Errorf("development without OCDS settings: %v", err)
	}
}

// TestSessionWarning: the timeout warning comes 5 minutes before the idle timeout by default,
// half the timeout when that is shorter, and a warning set no shorter than the timeout is refused.
func TestSessionWarning(t *testing.T) {
	for _, tc := range []struct {
		idle, warning string
		want          time.Duration
	}{
		{"", "", 5 * time.Minute},
		{"4m", "", 2 * time.Minute},
		{"1m", "58s", 58 * time.Second},
	} {
		c, err := Load(env(map[string]string{"PORTAL_ENV": "development", "PORTAL_SESSION_IDLE": tc.idle, "PORTAL_SESSION_WARNING": tc.warning}), false)
		if err != nil {
			t.Fatalf("idle %q warning %q: %v", tc.idle, tc.warning, err)
		}
		if c.SessionWarning != tc.want {
			t.Errorf("idle %q warning %q: warns %s before, want %s", tc.idle, tc.warning, c.SessionWarning, tc.want)
		}
	}
	_, err := Load(env(map[string]string{"PORTAL_ENV": "development", "PORTAL_SESSION_IDLE": "10m", "PORTAL_SESSION_WARNING": "10m"}), false)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_SESSION_WARNING must be shorter than PORTAL_SESSION_IDLE") {
		t.Errorf("a warning as long as the timeout: %v", err)
	}
}

// withCouncil adds a real council identity (Northamptonshire's, from the seed notice) to a
// production configuration, which refuses to start without one.
func withCouncil(m map[string]string) map[string]string {
	m["PORTAL_COUNCIL_NAME"] = "Northamptonshire County Council"
	m["PORTAL_ICO_REGISTRATION"] = "Z7589390"
	m["PORTAL_DPO_EMAIL"] = "DPO@northamptonshire.gov.uk"
	return m
}

// TestProductionRequiresCouncilIdentity: production refuses to start while the council's
// name, ICO registration number or DPO email, all of which the privacy notice shows, is
// unset or a placeholder, naming each variable to set; a real identity starts, and
// development runs with the placeholders.
func TestProductionRequiresCouncilIdentity(t *testing.T) {
	base := withCouncil(map[string]string{"DATABASE_URL": "postgres://u:p@db/portal", "PORTAL_DATA_KEY": "k",
		"BASE_URL": "https://portal.example.gov.uk", "PORTAL_OCDS_PREFIX": "ocds-b5fd17", "PORTAL_OCDS_BUYER_ID": "GB-LAE-EXA",
		"PORTAL_AUDIT_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))})
	with := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	refused := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing set", with("PORTAL_COUNCIL_NAME", "", "PORTAL_ICO_REGISTRATION", "", "PORTAL_DPO_EMAIL", ""),
			[]string{"PORTAL_COUNCIL_NAME is not set", "PORTAL_ICO_REGISTRATION is not set", "PORTAL_DPO_EMAIL is not set"}},
		{"the placeholder name", with("PORTAL_COUNCIL_NAME", "Example County Council"), []string{"PORTAL_COUNCIL_NAME is not set"}},
		{"the placeholder name in other case", with("PORTAL_COUNCIL_NAME", "example county council"), []string{"PORTAL_COUNCIL_NAME is not set"}},
		{"the placeholder registration", with("PORTAL_ICO_REGISTRATION", "Z0000000"), []string{"PORTAL_ICO_REGISTRATION is not set"}},
		{"a registration that is not one", with("PORTAL_ICO_REGISTRATION", "12345"), []string{"PORTAL_ICO_REGISTRATION must be"}},
		{"the placeholder DPO", with("PORTAL_DPO_EMAIL", "dpo@example.gov.uk"), []string{"PORTAL_DPO_EMAIL is not set"}},
		{"a DPO at example.com", with("PORTAL_DPO_EMAIL", "privacy@example.com"), []string{"PORTAL_DPO_EMAIL is not set"}},
		{"a DPO at a subdomain of example.org", with("PORTAL_DPO_EMAIL", "dpo@council.example.org"), []string{"PORTAL_DPO_EMAIL is not set"}},
	}
	for _, tc := range refused {
		_, err := Load(env(tc.env), true)
		if err == nil {
			t.Errorf("%s: started", tc.name)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", tc.name, err, want)
			}
		}
		if n := len(err.(Problems)); n != len(tc.want) {
			t.Errorf("%s: %d problems, want %d: %v", tc.name, n, len(tc.want), err)
		}
	}
	for _, ico := range []string{"Z7589390", "ZA781861", "za781861"} {
		c, err := Load(env(with("PORTAL_ICO_REGISTRATION", ico)), true)
		if err != nil {
			t.Fatalf("a real identity with registration %s: %v", ico, err)
		}
		if c.Council.Name != "Northamptonshire County Council" || c.Council.DPOEmail != "DPO@northamptonshire.gov.uk" ||
			c.Council.ICORegistration != strings.ToUpper(ico) {
			t.Errorf("council %+v", c.Council)
		}
	}
	dev := with("PORTAL_ENV", "development", "PORTAL_COUNCIL_NAME", "", "PORTAL_ICO_REGISTRATION", "", "PORTAL_DPO_EMAIL", "")
	if c, err := Load(env(dev), true); err != nil || c.Council.ICORegistration != "Z0000000" {
		t.Errorf("development with the placeholders: %v", err)
	}
	// `portal migrate` and the other commands that load without requiring the database stay
	// usable while the identity is being set.
	if _, err := Load(env(with("PORTAL_COUNCIL_NAME", "", "DATABASE_URL", "")), false); err != nil {
		t.Errorf("migrate in production without the identity: %v", err)
	}
}
