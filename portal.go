// Package portal embeds the files the binary needs at run time (templates, migrations,
// the built front end), so one executable carries the whole service and nothing is read
// from the working directory in production.
package portal

import "embed"

// Views holds the html/template files: layouts/, partials/ and one folder per area.
//
//go:embed views
var Views embed.FS

// Migrations holds the goose SQL migrations, applied in file-name order.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Static holds our own assets and the compiled GOV.UK Frontend bundle under static/dist.
//
//go:embed static
var Static embed.FS
