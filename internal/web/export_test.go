package web

// RouteTable is Routes() for the black-box tests in package web_test, which cannot build a
// Server themselves: they read each route's method, path and rule, and never call a
// handler through it.
func RouteTable() []Route { return (&Server{}).Routes() }
