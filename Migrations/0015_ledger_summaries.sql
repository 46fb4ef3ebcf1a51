-- Running totals of the ledger for the reports (issue 10), kept by a trigger in the
-- transaction that appends the entry, so a report over the current state reads a few
-- thousand summary rows instead of aggregating every entry and joining every application:
--
--   ledger_application_totals   one row per application with entries
--   ledger_organisation_totals  one row per programme and visitor organisation (beneficiaries)
--   ledger_spending_cube        one row per programme and combination of the spending report's
--                               breakdown keys (host country, visitor country and kind, call,
--                               month of commitment)
--   ledger_daily_totals         one row per programme and UTC day of booking (months, chart)
--
-- The ledger stays the truth. Reports use these tables only when no entry of the programme
-- visible in their snapshot was booked after `as_of`; then both are equal by construction
-- (same snapshot, same entries). For an earlier `as_of` they sum the entries as before.
-- `ledger_summaries_drift(programme)` lists every difference from a recomputation (the tests
-- call it after their scenarios); `ledger_rebuild_summaries(programme)` recomputes.
--
-- Money figures are the two deltas of Migrations/0011. An application "is on the ledger" when
-- its net commitment or its payments are non-zero; "funded" when its net commitment is > 0.
CREATE TABLE ledger_application_totals (
    application_id   bigint PRIMARY KEY REFERENCES applications(id),
    programme_id     bigint NOT NULL REFERENCES programmes(id),
    committed_cents  bigint NOT NULL,
    paid_cents       bigint NOT NULL,
    committed_at     timestamptz,
    first_payment_at timestamptz,
    last_payment_at  timestamptz
);
CREATE INDEX ledger_application_totals_programme ON ledger_application_totals (programme_id);

CREATE TABLE ledger_organisation_totals (
    programme_id     bigint NOT NULL REFERENCES programmes(id),
    organisation_id  bigint NOT NULL REFERENCES organisations(id),
    applications     bigint NOT NULL,
    exchanges        bigint NOT NULL,
    committed_cents  bigint NOT NULL,
    paid_cents       bigint NOT NULL,
    first_payment_at timestamptz,
    last_payment_at  timestamptz,
    PRIMARY KEY (programme_id, organisation_id)
);

CREATE TABLE ledger_spending_cube (
    programme_id     bigint NOT NULL REFERENCES programmes(id),
    host_country     text NOT NULL,
    visitor_country  text NOT NULL,
    visitor_kind     text NOT NULL,
    call_id          bigint NOT NULL,
    commitment_month timestamp,
    applications     bigint NOT NULL,
    funded           bigint NOT NULL,
    committed_cents  bigint NOT NULL,
    paid_cents       bigint NOT NULL,
    completed        bigint NOT NULL,
    paid_exchanges   bigint NOT NULL,
    funded_committed_cents bigint NOT NULL
);
-- NULLS NOT DISTINCT (PostgreSQL 15): an application with no commitment has no month.
CREATE UNIQUE INDEX ledger_spending_cube_key ON ledger_spending_cube
    (programme_id, host_country, visitor_country, visitor_kind, call_id, commitment_month) NULLS NOT DISTINCT;

CREATE TABLE ledger_daily_totals (
    programme_id    bigint NOT NULL REFERENCES programmes(id),
    day             date NOT NULL,
    first_at        timestamptz NOT NULL,
    committed_cents bigint NOT NULL,
    paid_cents      bigint NOT NULL,
    PRIMARY KEY (programme_id, day)
);

-- One application's share of the cube and of its organisation's totals, times `sign` (+1 to
-- add, -1 to take back). The breakdown keys are read from the application now, so an edit of
-- a key (trigger below) rebuilds instead.
CREATE FUNCTION ledger_add_application_share(t ledger_application_totals, sign bigint) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    on_ledger bigint := CASE WHEN t.committed_cents <> 0 OR t.paid_cents <> 0 THEN 1 ELSE 0 END;
    funded bigint := CASE WHEN t.committed_cents > 0 THEN 1 ELSE 0 END;
BEGIN
    IF t.application_id IS NULL OR on_ledger = 0 THEN RETURN; END IF;
    INSERT INTO ledger_spending_cube AS c
    SELECT t.programme_id, ho.country::text, vo.country::text, vo.kind, a.call_id,
           date_trunc('month', t.committed_at AT TIME ZONE 'UTC'),
           sign, sign * funded, sign * t.committed_cents, sign * t.paid_cents,
           sign * CASE WHEN funded = 1 AND t.paid_cents >= t.committed_cents THEN 1 ELSE 0 END,
           sign * CASE WHEN funded = 1 AND t.paid_cents > 0 THEN 1 ELSE 0 END,
           sign * funded * t.committed_cents
    FROM applications a
    JOIN organisations vo ON vo.id = a.organisation_id
    JOIN organisations ho ON ho.id = a.host_organisation_id
    WHERE a.id = t.application_id
    ON CONFLICT (programme_id, host_country, visitor_country, visitor_kind, call_id, commitment_month) DO UPDATE SET
        applications = c.applications + EXCLUDED.applications,
        funded = c.funded + EXCLUDED.funded,
        committed_cents = c.committed_cents + EXCLUDED.committed_cents,
        paid_cents = c.paid_cents + EXCLUDED.paid_cents,
        completed = c.completed + EXCLUDED.completed,
        paid_exchanges = c.paid_exchanges + EXCLUDED.paid_exchanges,
        funded_committed_cents = c.funded_committed_cents + EXCLUDED.funded_committed_cents;
    -- First and last payment only ever move outwards (entries are append-only), so the
    -- share being added carries them and the one taken back leaves them.
    INSERT INTO ledger_organisation_totals AS o
    SELECT t.programme_id, a.organisation_id, sign, sign * funded, sign * t.committed_cents, sign * t.paid_cents,
           CASE WHEN sign > 0 THEN t.first_payment_at END, CASE WHEN sign > 0 THEN t.last_payment_at END
    FROM applications a WHERE a.id = t.application_id
    ON CONFLICT (programme_id, organisation_id) DO UPDATE SET
        applications = o.applications + EXCLUDED.applications,
        exchanges = o.exchanges + EXCLUDED.exchanges,
        committed_cents = o.committed_cents + EXCLUDED.committed_cents,
        paid_cents = o.paid_cents + EXCLUDED.paid_cents,
        first_payment_at = least(o.first_payment_at, EXCLUDED.first_payment_at),
        last_payment_at = greatest(o.last_payment_at, EXCLUDED.last_payment_at);
END $$;

-- Runs after `ledger_check_limits`, which holds the programme row lock: the summaries of one
-- programme are written one transaction at a time, and no new lock order appears.
CREATE FUNCTION ledger_maintain_summaries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before ledger_application_totals;
    after ledger_application_totals;
BEGIN
    SELECT * INTO before FROM ledger_application_totals t WHERE t.application_id = NEW.application_id;
    INSERT INTO ledger_application_totals AS t
        (application_id, programme_id, committed_cents, paid_cents, committed_at, first_payment_at, last_payment_at)
    VALUES (NEW.application_id, NEW.programme_id,
            ledger_committed_delta(NEW.kind, NEW.amount_cents), ledger_paid_delta(NEW.kind, NEW.amount_cents),
            CASE WHEN NEW.kind = 'commitment' THEN NEW.created_at END,
            CASE WHEN NEW.kind = 'payment' THEN NEW.created_at END,
            CASE WHEN NEW.kind = 'payment' THEN NEW.created_at END)
    ON CONFLICT (application_id) DO UPDATE SET
        committed_cents = t.committed_cents + EXCLUDED.committed_cents,
        paid_cents = t.paid_cents + EXCLUDED.paid_cents,
        committed_at = least(t.committed_at, EXCLUDED.committed_at),
        first_payment_at = least(t.first_payment_at, EXCLUDED.first_payment_at),
        last_payment_at = greatest(t.last_payment_at, EXCLUDED.last_payment_at)
    RETURNING * INTO after;
    PERFORM ledger_add_application_share(before, -1);
    PERFORM ledger_add_application_share(after, 1);
    INSERT INTO ledger_daily_totals AS d (programme_id, day, first_at, committed_cents, paid_cents)
    VALUES (NEW.programme_id, (NEW.created_at AT TIME ZONE 'UTC')::date, NEW.created_at,
            ledger_committed_delta(NEW.kind, NEW.amount_cents), ledger_paid_delta(NEW.kind, NEW.amount_cents))
    ON CONFLICT (programme_id, day) DO UPDATE SET
        first_at = least(d.first_at, EXCLUDED.first_at),
        committed_cents = d.committed_cents + EXCLUDED.committed_cents,
        paid_cents = d.paid_cents + EXCLUDED.paid_cents;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_maintain_summaries AFTER INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_maintain_summaries();

-- The summaries as the entries and the current applications and organisations define them:
-- the definitions the trigger must agree with.
CREATE FUNCTION ledger_application_totals_from_entries(programme bigint) RETURNS SETOF ledger_application_totals
    LANGUAGE sql STABLE
    AS $$
        SELECT e.application_id, e.programme_id,
               sum(ledger_committed_delta(e.kind, e.amount_cents))::bigint,
               sum(ledger_paid_delta(e.kind, e.amount_cents))::bigint,
               min(e.created_at) FILTER (WHERE e.kind = 'commitment'),
               min(e.created_at) FILTER (WHERE e.kind = 'payment'),
               max(e.created_at) FILTER (WHERE e.kind = 'payment')
        FROM ledger_entries e
        WHERE e.programme_id = programme
        GROUP BY e.application_id, e.programme_id
    $$;

CREATE FUNCTION ledger_organisation_totals_from(programme bigint) RETURNS SETOF ledger_organisation_totals
    LANGUAGE sql STABLE
    AS $$
        SELECT t.programme_id, a.organisation_id, count(*), count(*) FILTER (WHERE t.committed_cents > 0),
               sum(t.committed_cents)::bigint, sum(t.paid_cents)::bigint, min(t.first_payment_at), max(t.last_payment_at)
        FROM ledger_application_totals_from_entries(programme) t
        JOIN applications a ON a.id = t.application_id
        WHERE t.committed_cents <> 0 OR t.paid_cents <> 0
        GROUP BY t.programme_id, a.organisation_id
    $$;

CREATE FUNCTION ledger_spending_cube_from(programme bigint) RETURNS SETOF ledger_spending_cube
    LANGUAGE sql STABLE
    AS $$
        SELECT t.programme_id, ho.country::text, vo.country::text, vo.kind, a.call_id,
               date_trunc('month', t.committed_at AT TIME ZONE 'UTC'),
               count(*), count(*) FILTER (WHERE t.committed_cents > 0),
               sum(t.committed_cents)::bigint, sum(t.paid_cents)::bigint,
               count(*) FILTER (WHERE t.committed_cents > 0 AND t.paid_cents >= t.committed_cents),
               count(*) FILTER (WHERE t.committed_cents > 0 AND t.paid_cents > 0),
               coalesce(sum(t.committed_cents) FILTER (WHERE t.committed_cents > 0), 0)::bigint
        FROM ledger_application_totals_from_entries(programme) t
        JOIN applications a ON a.id = t.application_id
        JOIN organisations vo ON vo.id = a.organisation_id
        JOIN organisations ho ON ho.id = a.host_organisation_id
        WHERE t.committed_cents <> 0 OR t.paid_cents <> 0
        GROUP BY 1, 2, 3, 4, 5, 6
    $$;

CREATE FUNCTION ledger_daily_totals_from_entries(programme bigint) RETURNS SETOF ledger_daily_totals
    LANGUAGE sql STABLE
    AS $$
        SELECT e.programme_id, (e.created_at AT TIME ZONE 'UTC')::date, min(e.created_at),
               sum(ledger_committed_delta(e.kind, e.amount_cents))::bigint,
               sum(ledger_paid_delta(e.kind, e.amount_cents))::bigint
        FROM ledger_entries e
        WHERE e.programme_id = programme
        GROUP BY 1, 2
    $$;

-- Recomputes one programme's summaries (this migration; a key edit below; bulk loads that
-- append with the triggers disabled). Takes the programme row lock the ledger trigger takes.
CREATE FUNCTION ledger_rebuild_summaries(programme bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM programmes p WHERE p.id = programme FOR UPDATE;
    DELETE FROM ledger_application_totals t WHERE t.programme_id = programme;
    DELETE FROM ledger_organisation_totals o WHERE o.programme_id = programme;
    DELETE FROM ledger_spending_cube c WHERE c.programme_id = programme;
    DELETE FROM ledger_daily_totals d WHERE d.programme_id = programme;
    INSERT INTO ledger_application_totals SELECT * FROM ledger_application_totals_from_entries(programme);
    INSERT INTO ledger_organisation_totals SELECT * FROM ledger_organisation_totals_from(programme);
    INSERT INTO ledger_spending_cube SELECT * FROM ledger_spending_cube_from(programme);
    INSERT INTO ledger_daily_totals SELECT * FROM ledger_daily_totals_from_entries(programme);
END $$;

-- Every summary row that differs from a recomputation (none, unless a trigger was bypassed).
CREATE FUNCTION ledger_summaries_drift(programme bigint) RETURNS TABLE (summary text, key text)
    LANGUAGE sql STABLE
    AS $$
        SELECT 'application', coalesce(s.application_id, e.application_id)::text
        FROM (SELECT * FROM ledger_application_totals t WHERE t.programme_id = programme) s
        FULL JOIN ledger_application_totals_from_entries(programme) e ON e.application_id = s.application_id
        WHERE ROW(s.*) IS DISTINCT FROM ROW(e.*)
        UNION ALL
        SELECT 'organisation', coalesce(s.organisation_id, e.organisation_id)::text
        FROM (SELECT * FROM ledger_organisation_totals o WHERE o.programme_id = programme AND o.applications <> 0) s
        FULL JOIN ledger_organisation_totals_from(programme) e ON e.organisation_id = s.organisation_id
        WHERE ROW(s.*) IS DISTINCT FROM ROW(e.*)
        UNION ALL
        SELECT 'cube', concat_ws('/', coalesce(s.host_country, e.host_country), coalesce(s.visitor_country, e.visitor_country),
                                 coalesce(s.visitor_kind, e.visitor_kind), coalesce(s.call_id, e.call_id),
                                 coalesce(s.commitment_month, e.commitment_month))
        FROM (SELECT * FROM ledger_spending_cube c WHERE c.programme_id = programme AND c.applications <> 0) s
        FULL JOIN ledger_spending_cube_from(programme) e
          ON (e.host_country, e.visitor_country, e.visitor_kind, e.call_id) = (s.host_country, s.visitor_country, s.visitor_kind, s.call_id)
         AND e.commitment_month IS NOT DISTINCT FROM s.commitment_month
        WHERE ROW(s.*) IS DISTINCT FROM ROW(e.*)
        UNION ALL
        SELECT 'day', coalesce(s.day, e.day)::text
        FROM (SELECT * FROM ledger_daily_totals d WHERE d.programme_id = programme) s
        FULL JOIN ledger_daily_totals_from_entries(programme) e ON e.day = s.day
        WHERE ROW(s.*) IS DISTINCT FROM ROW(e.*)
    $$;

-- A breakdown key changing under money already on the ledger (an organisation's country or
-- kind; an application's call, host or visitor) moves its shares: rebuild those programmes.
CREATE FUNCTION ledger_summaries_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'organisations' THEN
        PERFORM ledger_rebuild_summaries(x.programme_id)
        FROM (SELECT DISTINCT a.programme_id FROM applications a
              JOIN ledger_application_totals t ON t.application_id = a.id
              WHERE a.organisation_id = NEW.id OR a.host_organisation_id = NEW.id) x;
    ELSIF EXISTS (SELECT 1 FROM ledger_application_totals t WHERE t.application_id = NEW.id) THEN
        PERFORM ledger_rebuild_summaries(NEW.programme_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_summaries_organisation_key AFTER UPDATE OF country, kind ON organisations
    FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION ledger_summaries_key_changed();
CREATE TRIGGER ledger_summaries_application_key AFTER UPDATE OF call_id, host_organisation_id, organisation_id ON applications
    FOR EACH ROW WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.host_organisation_id IS DISTINCT FROM NEW.host_organisation_id
                       OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION ledger_summaries_key_changed();

-- `ledger_movements` (Migrations/0012) over the daily totals: the same columns, for a report
-- whose snapshot has no entry after its `as_of`.
CREATE FUNCTION ledger_summary_movements(programme bigint, bucket text)
    RETURNS TABLE (bucket_start timestamp, first_at timestamptz, committed bigint, paid bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT date_trunc(bucket, d.day::timestamp), min(d.first_at),
               sum(d.committed_cents)::bigint, sum(d.paid_cents)::bigint
        FROM ledger_daily_totals d
        WHERE d.programme_id = programme
        GROUP BY 1
    $$;

SELECT ledger_rebuild_summaries(p.id) FROM programmes p;
