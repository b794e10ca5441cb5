-- A keyed hash of each sort code and account number (HMAC under a key derived from
-- PORTAL_AUDIT_KEY, never in the database), so finance can see that two suppliers give the
-- same account, a classic sign of mandate fraud, without decrypting anyone's details to
-- compare them. Rows written before this are filled in the background, one at a time.

-- +goose Up
ALTER TABLE bank_detail_changes ADD COLUMN account_match bytea;
ALTER TABLE payment_details ADD COLUMN account_match bytea;
CREATE INDEX bank_detail_changes_account_match ON bank_detail_changes (account_match) WHERE account_match IS NOT NULL;
CREATE INDEX payment_details_account_match ON payment_details (account_match) WHERE account_match IS NOT NULL;

-- +goose Down
DROP INDEX payment_details_account_match;
DROP INDEX bank_detail_changes_account_match;
ALTER TABLE payment_details DROP COLUMN account_match;
ALTER TABLE bank_detail_changes DROP COLUMN account_match;
