package loadbench

import (
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// saveScript turns the statements PostgreSQL logged for one save into a pgbench script: the
// save's transaction as the portal ran it, from its BEGIN to its COMMIT, with the values it
// sent written in. The audit INSERT keeps its RETURNING, read into pgbench variables
// (\gset), and the seal that follows it is written for the event just inserted, with the
// same HMAC the portal computes (pgcrypto's hmac under the benchmark's audit key), so the
// trail pgbench adds to stays verifiable and each transaction does the portal's work. The
// logged save was of orgs[0]; pgbench client c runs it for orgs[c % len(orgs)], chosen by a
// \if on pgbench's client_id (no query of its own), so no two clients lock the same rows.
func saveScript(stmts []Statement, orgs []string, auditKey []byte) (string, error) {
	tx, err := auditedTransaction(stmts)
	if err != nil {
		return "", err
	}
	if len(orgs) == 0 || len(auditKey) == 0 {
		return "", errors.New("a save script needs the organisations and the audit key")
	}
	var body strings.Builder
	inserted := false
	for _, st := range tx {
		sql := strings.TrimSpace(st.SQL)
		switch {
		case isAuditInsert(sql):
			if !strings.HasSuffix(sql, "RETURNING id, hash") {
				return "", fmt.Errorf("the audit INSERT no longer returns id, hash: %.120s", sql)
			}
			safe, err := pgbenchSafe(sql)
			if err != nil {
				return "", err
			}
			body.WriteString(safe + " \\gset\n")
			inserted = true
		case strings.HasPrefix(sql, "UPDATE audit_events"):
			if !inserted {
				return "", fmt.Errorf("a seal before the audit INSERT: %.120s", sql)
			}
			body.WriteString(sealStatement(auditKey) + ";\n")
		default:
			safe, err := pgbenchSafe(sql)
			if err != nil {
				return "", err
			}
			body.WriteString(safe + ";\n")
		}
	}
	var b strings.Builder
	for i, org := range orgs {
		keyword := "\\elif"
		if i == 0 {
			keyword = "\\if"
		}
		fmt.Fprintf(&b, "%s :client_id %% %d = %d\n", keyword, len(orgs), i)
		b.WriteString(strings.ReplaceAll(body.String(), orgs[0], org))
	}
	b.WriteString("\\endif\n")
	return b.String(), nil
}

func isAuditInsert(sql string) bool { return strings.HasPrefix(sql, "INSERT INTO audit_events") }

// isBegin reports whether a statement starts a transaction: lib/pq sends "BEGIN READ WRITE"
// (or with an isolation level) for database/sql's BeginTx.
func isBegin(sql string) bool {
	f := strings.Fields(strings.ToUpper(sql))
	return len(f) > 0 && (f[0] == "BEGIN" || (f[0] == "START" && len(f) > 1 && f[1] == "TRANSACTION"))
}

// auditedTransaction picks out of a request's statements the transaction that recorded an
// audit event: from the BEGIN before the event's INSERT to the COMMIT after it, on the same
// connection (other connections' statements logged meanwhile are left out).
func auditedTransaction(stmts []Statement) ([]Statement, error) {
	at := -1
	for i, st := range stmts {
		if isAuditInsert(strings.TrimSpace(st.SQL)) {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, errors.New("the save recorded no audit event")
	}
	pid := stmts[at].PID
	var tx []Statement
	for i := at; i >= 0; i-- {
		if stmts[i].PID != pid {
			continue
		}
		tx = append([]Statement{stmts[i]}, tx...)
		if isBegin(stmts[i].SQL) {
			break
		}
	}
	if !isBegin(tx[0].SQL) {
		return nil, errors.New("no BEGIN before the audit event")
	}
	for i := at + 1; i < len(stmts); i++ {
		if stmts[i].PID != pid {
			continue
		}
		tx = append(tx, stmts[i])
		if strings.EqualFold(strings.TrimSpace(stmts[i].SQL), "COMMIT") {
			return tx, nil
		}
	}
	return nil, errors.New("no COMMIT after the audit event")
}

// sealStatement is audit.seal's UPDATE for the event pgbench just inserted (:id, :hash from
// \gset), with the seal audit computes: HMAC-SHA256 under the audit key of "portal audit seal
// v1", a zero byte and the event's hash.
func sealStatement(auditKey []byte) string {
	return `UPDATE audit_events e SET mac = s.mac
		FROM unnest(ARRAY[:id::bigint], ARRAY[hmac('portal audit seal v1'::bytea || '\x00'::bytea || :hash::bytea, '\x` +
		hex.EncodeToString(auditKey) + `'::bytea, 'sha256')]) AS s(id, mac) WHERE e.id = s.id AND e.mac IS NULL`
}

var colonVariable = regexp.MustCompile(`:[A-Za-z0-9_]`)

// pgbenchSafe makes a logged statement safe to give pgbench, which reads any colon before a
// letter, digit or underscore as one of its :variables, inside string literals too (JSON
// such as "completed":false, a time such as 09:30). A literal holding one is rewritten as
// an escape string with the colon written \x3a, which the server reads back as the same
// text. Outside a literal such a colon can only be an array slice's (other than a :: cast),
// which takes a space after it.
func pgbenchSafe(sql string) (string, error) {
	var b strings.Builder
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == '\'':
			end := i + 1
			for end < len(sql) {
				if sql[end] == '\'' {
					if end+1 < len(sql) && sql[end+1] == '\'' {
						end += 2
						continue
					}
					break
				}
				end++
			}
			if end >= len(sql) {
				return "", fmt.Errorf("an unterminated string in %.80s", sql)
			}
			lit := sql[i+1 : end]
			if colonVariable.MatchString(lit) {
				if prev := b.String(); strings.HasSuffix(prev, "E") || strings.HasSuffix(prev, "e") {
					return "", fmt.Errorf("an escape string pgbench would read as a :variable: %.80s", sql)
				}
				lit = "E'" + strings.NewReplacer(`\`, `\\`, ":", `\x3a`).Replace(lit) + "'"
			} else {
				lit = "'" + lit + "'"
			}
			b.WriteString(lit)
			i = end + 1
		case c == ':' && i+1 < len(sql) && sql[i+1] == ':':
			b.WriteString("::")
			i += 2
		case c == ':' && colonVariable.MatchString(sql[i:min(i+2, len(sql))]):
			// An array slice such as names[1:3]: SQL allows a space after the colon, and
			// pgbench then reads no variable.
			b.WriteString(": ")
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}
