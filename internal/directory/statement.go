package directory

// The statements below are the SQL the directory's pages run, exported so that a load test
// can run exactly the same SQL against the database alone (internal/loadbench gives it to
// pgbench) and so measure what the portal adds on top of its queries.

// Statement is one SQL statement with its parameters ($1, $2, … in order).
type Statement struct {
	SQL  string
	Args []any
}

// PageStatements are the statements the directory page runs to show one page of size rows
// matching f in sort order s, starting after the cursor (nil: the first page): the framework
// filter's options, the page (one row more than the page, to know whether another follows)
// and the count of matches.
func PageStatements(f Filter, s Sort, after *Cursor, size int) []Statement {
	page, args := statement(f, s, after, false, size+1)
	count, countArgs := countStatement(f)
	return []Statement{
		{SQL: frameworksSQL, Args: []any{maxFrameworks}},
		{SQL: page, Args: args},
		{SQL: count, Args: countArgs},
	}
}

// ByIDStatement is the statement reading one provider's directory row: the main query of
// an officer's provider page.
func ByIDStatement(id string) Statement {
	return Statement{SQL: byIDSQL, Args: []any{id}}
}
