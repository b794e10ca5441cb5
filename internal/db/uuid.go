package db

import "github.com/lib/pq"

// IsUUID reports whether s is a UUID in canonical text form, as every key in the schema is,
// so a malformed id in a URL is a 404 rather than a database error.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// InIDs is a condition matching a uuid column against ids, with the one argument it takes as
// the given placeholder ("$1"). Queries that read for a batch of providers (the daily
// compliance refresh) and for one (a provider's page) share their SQL this way. One id is
// matched with =: PostgreSQL plans an = ANY(array) condition afresh on every run, since the
// array's length is unknown until it is bound, whereas a single value lets the connection's
// prepared statement (statement_cache.go) keep one plan. The ids must be valid UUIDs.
func InIDs(column, placeholder string, ids []string) (cond string, arg any) {
	if len(ids) == 1 {
		return column + " = " + placeholder + "::uuid", ids[0]
	}
	return column + " = ANY(" + placeholder + "::uuid[])", pq.Array(ids)
}
