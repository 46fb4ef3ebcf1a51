-- Payments (four-eyes) and idempotency keys for the routes that move money or decide.
CREATE TABLE payments (
    id               bigserial PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES applications(id),
    programme_id     bigint NOT NULL REFERENCES programmes(id),
    kind             text NOT NULL CHECK (kind IN ('prefinancing', 'final')),
    amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
    status           text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'paid')),
    requested_by     bigint NOT NULL REFERENCES users(id),
    requested_at     timestamptz NOT NULL DEFAULT now(),
    approved_by      bigint REFERENCES users(id),
    approved_at      timestamptz,
    executed_by      bigint REFERENCES users(id),
    bank_reference   text,
    value_date       date,
    paid_at          timestamptz,
    failure_reason   text,
    version          integer NOT NULL DEFAULT 1
);
CREATE INDEX payments_application ON payments (application_id);
CREATE INDEX payments_status ON payments (status, id);
-- At most one open (not yet paid) payment per application and kind, and one final payment ever.
CREATE UNIQUE INDEX payments_one_open ON payments (application_id, kind) WHERE status <> 'paid';
CREATE UNIQUE INDEX payments_one_final ON payments (application_id) WHERE kind = 'final';

-- The first answer to a (user, key) is kept with a hash of its request; the row is written in
-- the same transaction as the effect, so a retry either sees the whole effect or none of it.
CREATE TABLE idempotency_keys (
    user_id          bigint NOT NULL REFERENCES users(id),
    key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash     text NOT NULL,
    response_status  integer,
    response_body    bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- The budget invariant held by the database itself, whatever the application code does:
-- under the programme row lock, a commitment never takes the programme past its cap, and a
-- payment never takes an application past its granted (or final) amount.
CREATE FUNCTION ledger_check_limits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap bigint;
    committed bigint;
    limit_cents bigint;
    paid bigint;
BEGIN
    SELECT p.cap_cents INTO cap FROM programmes p WHERE p.id = NEW.programme_id FOR UPDATE;
    IF NEW.kind = 'commitment' THEN
        SELECT coalesce(sum(CASE kind WHEN 'commitment' THEN amount_cents WHEN 'release' THEN -amount_cents ELSE 0 END), 0)
          INTO committed FROM ledger_entries WHERE programme_id = NEW.programme_id;
        IF committed + NEW.amount_cents > cap THEN
            RAISE EXCEPTION 'commitment exceeds the programme cap' USING ERRCODE = '23514', CONSTRAINT = 'ledger_within_cap';
        END IF;
    ELSIF NEW.kind = 'payment' THEN
        SELECT coalesce(a.final_amount_cents, a.granted_cents, 0) INTO limit_cents FROM applications a WHERE a.id = NEW.application_id;
        SELECT coalesce(sum(amount_cents), 0) INTO paid FROM ledger_entries WHERE application_id = NEW.application_id AND kind = 'payment';
        IF paid + NEW.amount_cents > limit_cents THEN
            RAISE EXCEPTION 'payment exceeds the granted amount' USING ERRCODE = '23514', CONSTRAINT = 'ledger_payment_within_grant';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_check_limits BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_check_limits();
