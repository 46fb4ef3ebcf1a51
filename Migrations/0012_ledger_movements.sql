-- Net ledger movements of one programme up to an instant, per UTC day or month (issue 9): the
-- one grouping behind the spending report's months and the spending chart's days.
--   bucket_start  the UTC day or month (-infinity for a non-finite booking time, only a tampered row)
--   first_at      the bucket's first booking time
--   committed     commitments minus releases; paid: payments (Migrations/0011)
-- Plain SQL and STABLE, so the planner inlines it into the calling query.
CREATE FUNCTION ledger_movements(programme bigint, up_to timestamptz, bucket text)
    RETURNS TABLE (bucket_start timestamp, first_at timestamptz, committed bigint, paid bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT date_trunc(bucket, e.created_at AT TIME ZONE 'UTC'), min(e.created_at),
               sum(ledger_committed_delta(e.kind, e.amount_cents))::bigint,
               sum(ledger_paid_delta(e.kind, e.amount_cents))::bigint
        FROM ledger_entries e
        WHERE e.programme_id = programme AND e.created_at <= up_to
        GROUP BY 1
    $$;
