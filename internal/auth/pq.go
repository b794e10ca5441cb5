package auth

import "github.com/lib/pq"

// rolesArray adapts role names for a text[] parameter.
func rolesArray(names []string) any { return pq.StringArray(names) }
