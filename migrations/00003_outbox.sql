-- +goose Up
-- Mail is written here in the same transaction as the change that causes it, then sent by
-- the mailer; a failed send is retried and nothing is lost if the process dies.
CREATE TABLE outbox (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    to_address  citext NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    int NOT NULL DEFAULT 0,
    last_error  text,
    next_attempt_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_unsent ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_to ON outbox (to_address);

-- +goose Down
DROP TABLE outbox;
