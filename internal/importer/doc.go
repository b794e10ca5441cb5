// Package importer loads a council's existing suppliers from a spreadsheet (CSV or XLSX laid
// out as the documented template) into provider records.
//
// A run reads the whole file, refuses a malformed one outright (FileErrors: encoding,
// columns, size, repeated references), then checks every row with the provider forms' own
// section checks, so a row is reported with the messages an officer would see on the form,
// per column. Unless it is a dry run, it then writes in one transaction: every row or none
// (AllOrNothing), or only the good rows (ValidOnly). Rows are matched on supplier_ref, so
// importing a file again updates the records it made and never duplicates them.
//
// An imported supplier is an organisation with an approved provider record: the council
// already buys from it, so it does not go through registration review. Its sections hold
// what the file gave, stored as the forms store them (bank details sealed by the vault);
// sections the file does not cover are left for the provider to complete once their key
// contact has claimed the record (InviteKeyContacts).
//
// The importer writes only its own table (import_jobs). Records are created and updated by
// provider, bank details go to finance, and audit events are appended by audit, each in the
// import's transaction, so the owners' rules hold for an import as for any other path. In
// particular imported bank details never become payment details: each new account opens a
// request in finance's dual-control flow (pending verification, the provider's contacts
// emailed, a verification call and a second officer's approval to follow), and an account
// that differs from one finance has approved or is verifying is refused.
package importer
