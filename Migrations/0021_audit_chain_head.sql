-- The audit chain's head in a row of its own (issue 10).
--
-- The chain trigger found the previous hash with `SELECT hash FROM audit_log ORDER BY id DESC
-- LIMIT 1`. PL/pgSQL caches that plan per connection, and a pooled connection that planned it
-- while the log was small kept a sequential scan and sort: every audited write then read the
-- whole log under the chain's global lock (measured: 3,121,065 rows read by 1,901 scans in 8 s
-- of payment executions, the audit insert growing from 0.6 to 3.4 ms). Reading one row by its
-- key has no plan to go wrong.
--
-- The head row's lock (FOR UPDATE, held to COMMIT) now orders the chain instead of the advisory
-- lock, in the same place in every transaction's lock order (after the programme's). Verify also
-- compares the head with the last row, so a row removed from the end of the log is noticed too,
-- which a chain alone cannot show.
CREATE TABLE audit_chain_head (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_id   bigint NOT NULL,
    last_hash text NOT NULL
);
INSERT INTO audit_chain_head (last_id, last_hash)
SELECT coalesce(max(id), 0),
       coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), repeat('0', 64))
FROM audit_log;

CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_hash text;
BEGIN
    -- Under REPEATABLE READ / SERIALIZABLE the snapshot could predate the previous row and
    -- fork the chain, so audited transactions must run READ COMMITTED (row locks instead).
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audited changes must run at READ COMMITTED' USING ERRCODE = 'P0001';
    END IF;
    -- Waits for the previous writer's COMMIT, then reads its head (READ COMMITTED re-reads
    -- the locked row), so the id is drawn in chain order.
    SELECT h.last_hash INTO last_hash FROM audit_chain_head h WHERE h.only_row FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit chain head is missing' USING ERRCODE = 'P0001';
    END IF;
    NEW.id := nextval('audit_log_id_seq');
    NEW.occurred_at := clock_timestamp();
    NEW.prev_hash := last_hash;
    NEW.hash := audit_row_digest(NEW);
    UPDATE audit_chain_head SET last_id = NEW.id, last_hash = NEW.hash WHERE only_row;
    RETURN NEW;
END $$;

-- The head moves only with the chain: removing it would stop every audited write, and a
-- superuser who switches triggers off to edit it is caught by verify.
CREATE FUNCTION audit_chain_head_protect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit chain head moves only with audit_log' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER audit_chain_head_protect BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_protect();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
    EXECUTE FUNCTION append_only();
