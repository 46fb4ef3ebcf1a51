-- Calendar feeds (issue 12, DESIGN.md §7): a per-user token for `GET /v1/calendar.ics?token=…`,
-- separate from the bearer token (a calendar application keeps it in a URL for months). Only
-- its SHA-256 is stored; one per user: creating another rotates it, deleting it revokes it.
CREATE TABLE calendar_tokens (
    user_id     bigint PRIMARY KEY REFERENCES users(id),
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
