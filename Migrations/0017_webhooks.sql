-- Signed webhooks (issue 12, DESIGN.md §7): endpoints a coordinator registers, and one delivery
-- row per endpoint per event, written with the event's notifications at COMMIT of the change.

CREATE TABLE webhook_endpoints (
    id          bigserial PRIMARY KEY,
    url         text NOT NULL CHECK (length(url) BETWEEN 10 AND 500),
    -- The kinds of notification sent; empty: every kind.
    kinds       text[] NOT NULL DEFAULT '{}',
    -- Kept to sign each delivery (a hash could not sign); shown once, when registered.
    secret      text NOT NULL CHECK (length(secret) BETWEEN 32 AND 100),
    active      boolean NOT NULL DEFAULT true,
    created_by  bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints(id),
    kind            text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    application_id  bigint NOT NULL REFERENCES applications(id),
    status_after    text NOT NULL,
    reason          text CHECK (length(reason) <= 10000),
    due_on          date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- pending: to be sent (again); delivered: the receiver answered 2xx; failed: dead-lettered
    -- after retrying until give_up_at (a redelivery moves it back to pending).
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at         timestamptz NOT NULL DEFAULT now(),
    give_up_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    lease_until     timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at, id) WHERE status = 'pending';
