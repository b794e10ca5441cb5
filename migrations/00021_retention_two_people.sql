-- Destroying the audit trail takes two people: the first approval of such a proposal is
-- recorded here, and only a second, different person's approval destroys anything. A sweep
-- that changes the proposal clears the first approval, so no one confirms what the other
-- did not see.

-- +goose Up
ALTER TABLE retention_proposals
    ADD COLUMN first_approved_by uuid REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN first_approved_at timestamptz,
    ADD CONSTRAINT retention_proposals_second_person CHECK (first_approved_by IS NULL OR approved_by IS NULL
        OR first_approved_by <> approved_by);

-- +goose Down
ALTER TABLE retention_proposals DROP CONSTRAINT retention_proposals_second_person,
    DROP COLUMN first_approved_at, DROP COLUMN first_approved_by;
