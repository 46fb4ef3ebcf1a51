-- Bank and legal details under four eyes (issue 15, finding 6). Once a coordinator has validated an
-- organisation, a change of its IBAN, VAT number, legal name, country or kind does not apply: it
-- waits here until a coordinator other than its requester approves it. The values in force stay
-- in `organisations` (payments read the IBAN there) until then.
CREATE TABLE organisation_changes (
    id               bigserial PRIMARY KEY,
    organisation_id  bigint NOT NULL REFERENCES organisations(id),
    -- Member -> proposed value, only the members that change (validated by the service).
    proposed         jsonb NOT NULL CHECK (jsonb_typeof(proposed) = 'object' AND proposed <> '{}'::jsonb
                                           AND proposed - ARRAY['legal_name', 'country', 'kind', 'vat_number', 'iban'] = '{}'::jsonb),
    -- The same members' values in force when the change was requested.
    previous         jsonb NOT NULL CHECK (jsonb_typeof(previous) = 'object'),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by     bigint NOT NULL REFERENCES users(id),
    requested_at     timestamptz NOT NULL DEFAULT now(),
    decided_by       bigint REFERENCES users(id),
    decided_at       timestamptz,
    decision_reason  text CHECK (length(decision_reason) <= 2000),
    CHECK ((status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
    -- Four eyes, held by the database too: nobody decides their own request.
    CONSTRAINT organisation_changes_four_eyes CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
-- One pending change per organisation: a second request waits for the first decision.
CREATE UNIQUE INDEX organisation_changes_one_pending ON organisation_changes (organisation_id) WHERE status = 'pending';
CREATE INDEX organisation_changes_organisation ON organisation_changes (organisation_id, id);

-- The IBAN a payment was executed to: the organisation's validated IBAN at that moment.
ALTER TABLE payments ADD COLUMN payee_iban text;
ALTER TABLE payments ADD CONSTRAINT payments_paid_to_iban CHECK (status <> 'paid' OR payee_iban IS NOT NULL) NOT VALID;
