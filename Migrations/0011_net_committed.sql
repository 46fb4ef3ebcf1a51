-- One definition of the ledger's two money figures (issue 9). Every query, report, trigger
-- and check that needs "committed" or "paid" sums these, so the sign of a release is written
-- once. Migrations 0002-0006 predate this and spelled the CASE out; they are history and stay
-- as applied (their checksums are recorded), and the trigger they created is replaced below.
--
--   committed = sum(ledger_committed_delta(kind, amount_cents))   commitments minus releases
--   paid      = sum(ledger_paid_delta(kind, amount_cents))        payments
--
-- Plain SQL, IMMUTABLE: the planner inlines both into the calling query, so no sum pays a
-- function call per row.
CREATE FUNCTION ledger_committed_delta(kind text, amount_cents bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE kind WHEN 'commitment' THEN amount_cents WHEN 'release' THEN -amount_cents ELSE 0 END $$;

CREATE FUNCTION ledger_paid_delta(kind text, amount_cents bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE kind WHEN 'payment' THEN amount_cents ELSE 0 END $$;

-- The running totals on the programme row move by the same two deltas.
CREATE OR REPLACE FUNCTION ledger_check_limits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap bigint;
    committed bigint;
    limit_cents bigint;
    paid bigint;
BEGIN
    SELECT p.cap_cents, p.committed_cents INTO cap, committed FROM programmes p WHERE p.id = NEW.programme_id FOR UPDATE;
    IF NEW.kind = 'commitment' AND committed + NEW.amount_cents > cap THEN
        RAISE EXCEPTION 'commitment exceeds the programme cap' USING ERRCODE = '23514', CONSTRAINT = 'ledger_within_cap';
    END IF;
    IF NEW.kind = 'payment' THEN
        SELECT coalesce(a.final_amount_cents, a.granted_cents, 0) INTO limit_cents FROM applications a WHERE a.id = NEW.application_id;
        SELECT coalesce(sum(ledger_paid_delta(l.kind, l.amount_cents)), 0) INTO paid
          FROM ledger_entries l WHERE l.application_id = NEW.application_id;
        IF paid + NEW.amount_cents > limit_cents THEN
            RAISE EXCEPTION 'payment exceeds the granted amount' USING ERRCODE = '23514', CONSTRAINT = 'ledger_payment_within_grant';
        END IF;
    END IF;
    UPDATE programmes
       SET committed_cents = committed_cents + ledger_committed_delta(NEW.kind, NEW.amount_cents),
           paid_cents = paid_cents + ledger_paid_delta(NEW.kind, NEW.amount_cents)
     WHERE id = NEW.programme_id;
    RETURN NEW;
END $$;
