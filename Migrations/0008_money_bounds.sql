-- Upper bounds on every money setting and stored amount (issue 15). Unbounded cents let a cap of
-- 5e18 through, and report totals, chart scales and payment amounts then overflowed 64 bits.
-- Every amount is at most EUR 100 million (10,000,000,000 cents), so a billion of them still sum
-- within bigint; the service checks the same bounds first (Sources/Grants/Domain/MoneyBounds.swift)
-- and answers 422 naming the field and the bound.
-- The constraints are added NOT VALID, then validated at the end of this file where the stored
-- rows allow it: a database holding values the old service accepted (a cap of 5e18, say) still
-- migrates, and a NOTICE (in the service log) names each constraint left to validate once an
-- administrator has corrected those rows. New and changed rows are checked either way.
ALTER TABLE programmes
    ADD CONSTRAINT programmes_cap_bounded CHECK (cap_cents BETWEEN 0 AND 10000000000) NOT VALID,
    ADD CONSTRAINT programmes_per_visit_cap_bounded CHECK (per_visit_cap_cents BETWEEN 0 AND 10000000000) NOT VALID,
    ADD CONSTRAINT programmes_per_third_party_cap_bounded CHECK (per_third_party_cap_cents BETWEEN 0 AND 10000000000) NOT VALID,
    ADD CONSTRAINT programmes_halving_distance_bounded CHECK (halving_distance_km BETWEEN 0 AND 20000) NOT VALID,
    ADD CONSTRAINT programmes_halving_days_bounded CHECK (halving_working_days BETWEEN 0 AND 31) NOT VALID,
    ADD CONSTRAINT programmes_minimum_days_bounded CHECK (minimum_working_days BETWEEN 1 AND 31) NOT VALID,
    ADD CONSTRAINT programmes_maximum_days_bounded CHECK (maximum_calendar_days BETWEEN 1 AND 366) NOT VALID,
    ADD CONSTRAINT programmes_funded_per_visitor_bounded CHECK (max_funded_exchanges_per_visitor BETWEEN 1 AND 100) NOT VALID,
    ADD CONSTRAINT programmes_payment_due_days_bounded CHECK (payment_due_days BETWEEN 0 AND 365) NOT VALID,
    ADD CONSTRAINT programmes_target_exchanges_bounded CHECK (target_exchanges BETWEEN 0 AND 1000000) NOT VALID,
    ADD CONSTRAINT programmes_committed_bounded CHECK (committed_cents >= 0) NOT VALID,
    ADD CONSTRAINT programmes_paid_bounded CHECK (paid_cents BETWEEN 0 AND 10000000000) NOT VALID;

ALTER TABLE programme_lump_sums
    ADD CONSTRAINT programme_lump_sums_bounded CHECK (amount_cents BETWEEN 0 AND 10000000000) NOT VALID;

-- Computed figures of an application: a lump sum never exceeds the per-visit cap, so these bounds
-- are far above anything the service writes. Distances are great-circle kilometres (at most half
-- the Earth's circumference); NaN and infinity are outside every BETWEEN.
ALTER TABLE applications
    ADD CONSTRAINT applications_lump_sum_bounded CHECK (lump_sum_cents <= 10000000000) NOT VALID,
    ADD CONSTRAINT applications_granted_bounded CHECK (granted_cents <= 10000000000) NOT VALID,
    ADD CONSTRAINT applications_working_days_bounded CHECK (working_days BETWEEN 0 AND 3000000) NOT VALID,
    ADD CONSTRAINT applications_distance_bounded CHECK (distance_km BETWEEN 0 AND 20100) NOT VALID;

ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_amount_bounded CHECK (amount_cents <= 10000000000) NOT VALID;
ALTER TABLE payments ADD CONSTRAINT payments_amount_bounded CHECK (amount_cents <= 10000000000) NOT VALID;

-- Each lump sum is at most the per-visit cap (EUR 1,100 per visiting organisation by default):
-- a rule across two tables, so a constraint trigger on each side, deferred to commit so one
-- request may lower the cap and the lump sums together.
CREATE FUNCTION lump_sum_within_visit_cap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'programme_lump_sums' THEN
        IF NEW.amount_cents > (SELECT p.per_visit_cap_cents FROM programmes p WHERE p.id = NEW.programme_id) THEN
            RAISE EXCEPTION 'lump sum above the per-visit cap' USING ERRCODE = '23514', CONSTRAINT = 'lump_sum_within_visit_cap';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM programme_lump_sums l WHERE l.programme_id = NEW.id AND l.amount_cents > NEW.per_visit_cap_cents) THEN
        RAISE EXCEPTION 'per-visit cap below a lump sum' USING ERRCODE = '23514', CONSTRAINT = 'lump_sum_within_visit_cap';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER lump_sum_within_visit_cap AFTER INSERT OR UPDATE ON programme_lump_sums
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lump_sum_within_visit_cap();
CREATE CONSTRAINT TRIGGER visit_cap_above_lump_sums AFTER UPDATE OF per_visit_cap_cents ON programmes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lump_sum_within_visit_cap();

-- Validate what the stored rows allow; name the rest.
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conrelid::regclass AS tab, conname FROM pg_constraint
             WHERE NOT convalidated AND contype = 'c' AND conname LIKE '%_bounded' LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', c.tab, c.conname);
        EXCEPTION WHEN check_violation THEN
            RAISE NOTICE 'stored rows of % break %; correct them, then run ALTER TABLE % VALIDATE CONSTRAINT %',
                c.tab, c.conname, c.tab, c.conname;
        END;
    END LOOP;
END $$;
