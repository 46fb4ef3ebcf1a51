-- The append-only money ledger (DESIGN.md §3). Budget figures, reports and as-of views are
-- sums over it. Amounts are positive cents; the kind gives the direction:
--   committed = sum(commitment) - sum(release); paid = sum(payment).
CREATE TABLE ledger_entries (
    id               bigserial PRIMARY KEY,
    programme_id     bigint NOT NULL REFERENCES programmes(id),
    application_id   bigint NOT NULL REFERENCES applications(id),
    organisation_id  bigint NOT NULL REFERENCES organisations(id),
    kind             text NOT NULL CHECK (kind IN ('commitment', 'release', 'payment')),
    amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
    actor_id         bigint REFERENCES users(id),
    reason           text,
    request_id       text,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ledger_programme_time ON ledger_entries (programme_id, created_at);
CREATE INDEX ledger_application ON ledger_entries (application_id, id);
-- One commitment per application: approving twice can never commit twice.
CREATE UNIQUE INDEX ledger_one_commitment ON ledger_entries (application_id) WHERE kind = 'commitment';

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger_entries EXECUTE FUNCTION append_only();
