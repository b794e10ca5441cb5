package cli_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/webtest"
)

func TestSeedCommand(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	env["PORTAL_ENV"] = "development"

	res := run(t, env, nil, "seed", "--providers", "40", "--contracts", "6", "--quiet")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
	}
	for _, want := range []string{"Seeded 40 providers (seed 20260101, from index 0)", "organisations 40", "contracts 6", "Compliance of every provider: Red"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.stdout)
		}
	}
	if res.stderr != "" {
		t.Errorf("--quiet printed progress: %s", res.stderr)
	}

	res = run(t, env, nil, "seed", "--providers", "5")
	if res.code != 1 || !strings.Contains(res.stderr, "already has 40 providers") || !strings.Contains(res.stderr, "--append") {
		t.Errorf("a second run without --append: exit %d, stderr %s", res.code, res.stderr)
	}

	res = run(t, env, nil, "seed", "--providers", "5", "--append")
	if res.code != 0 || !strings.Contains(res.stdout, "Seeded 5 providers (seed 20260101, from index 40)") {
		t.Errorf("appending: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "5 of 5 providers written") {
		t.Errorf("no progress without --quiet: %s", res.stderr)
	}
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM organisations`); err != nil || n != 45 {
		t.Errorf("%d providers, want 45 (%v)", n, err)
	}
}

func TestSeedCommandRefuses(t *testing.T) {
	t.Parallel()
	base := map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?sslmode=disable", "PORTAL_DATA_KEY": "k:" + vault.GenerateKey(),
		"PORTAL_ENV": "development", "PORTAL_AUDIT_KEY": base64.StdEncoding.EncodeToString(webtest.TestAuditKey),
		"PORTAL_OCDS_PREFIX": "ocds-5eed00", "PORTAL_OCDS_BUYER_ID": "GB-LAE-SED",
		"PORTAL_COUNCIL_NAME": "Seed Council", "PORTAL_ICO_REGISTRATION": "Z1234567", "PORTAL_DPO_EMAIL": "dpo@seed-council.gov.uk"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"production", with("PORTAL_ENV", "production"), []string{"seed"}, "refusing to seed with PORTAL_ENV=production"},
		{"no providers", base, []string{"seed", "--providers", "0"}, "--providers must be at least 1"},
		{"an argument", base, []string{"seed", "now"}, `unexpected argument "now"`},
		{"an unknown flag", base, []string{"seed", "--fast"}, "flag provided but not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.env, nil, tc.args...)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", res.code, res.stderr, tc.want)
			}
		})
	}
}
