-- ClusterXchange core schema: accounts, organisations, programmes, calls, applications,
-- documents and the hash-chained audit trail. Money is integer cents (bigint) everywhere.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE organisations (
    id               bigserial PRIMARY KEY,
    legal_name       text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 300),
    country          char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    kind             text NOT NULL CHECK (kind IN ('sme','cluster','research','support_organisation','public_authority','large_company')),
    city             text NOT NULL CHECK (length(city) BETWEEN 1 AND 200),
    latitude         double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude        double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    vat_number       text,
    iban             text,
    status           text NOT NULL DEFAULT 'pending_validation'
                     CHECK (status IN ('pending_validation','validated','rejected')),
    status_reason    text,
    validated_by     bigint,
    validated_at     timestamptz,
    open_to_hosting  boolean NOT NULL DEFAULT true,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_legal_name_country ON organisations (lower(legal_name), country);

CREATE TABLE users (
    id               bigserial PRIMARY KEY,
    email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash    text NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role             text NOT NULL CHECK (role IN ('applicant','evaluator','coordinator','auditor')),
    organisation_id  bigint REFERENCES organisations(id),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'applicant' OR organisation_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
ALTER TABLE organisations ADD CONSTRAINT organisations_validated_by_fk FOREIGN KEY (validated_by) REFERENCES users(id);

-- Only the SHA-256 of a bearer token is stored: a database leak yields no usable token.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, shared by every instance so throttling holds behind a load balancer.
CREATE TABLE login_failures (
    id             bigserial PRIMARY KEY,
    email          text NOT NULL,
    client_address text NOT NULL,
    failed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);
CREATE INDEX login_failures_address ON login_failures (client_address, failed_at);

CREATE TABLE programmes (
    id                          bigserial PRIMARY KEY,
    code                        text NOT NULL UNIQUE,
    name                        text NOT NULL,
    period_start                date NOT NULL,
    period_end                  date NOT NULL CHECK (period_end >= period_start),
    cap_cents                   bigint NOT NULL CHECK (cap_cents >= 0),
    per_visit_cap_cents         bigint NOT NULL DEFAULT 110000 CHECK (per_visit_cap_cents >= 0),
    per_third_party_cap_cents   bigint NOT NULL DEFAULT 6000000 CHECK (per_third_party_cap_cents >= 0),
    halving_distance_km         integer NOT NULL DEFAULT 200 CHECK (halving_distance_km >= 0),
    halving_working_days        integer NOT NULL DEFAULT 5 CHECK (halving_working_days >= 0),
    minimum_working_days        integer NOT NULL DEFAULT 3 CHECK (minimum_working_days >= 1),
    maximum_calendar_days       integer NOT NULL DEFAULT 31 CHECK (maximum_calendar_days >= 1),
    max_funded_exchanges_per_visitor integer NOT NULL DEFAULT 1 CHECK (max_funded_exchanges_per_visitor >= 1),
    prefinancing_percent        integer NOT NULL DEFAULT 0 CHECK (prefinancing_percent BETWEEN 0 AND 100),
    payment_due_days            integer NOT NULL DEFAULT 10 CHECK (payment_due_days >= 0),
    four_eyes_payments          boolean NOT NULL DEFAULT true,
    target_exchanges            integer NOT NULL DEFAULT 80,
    version                     integer NOT NULL DEFAULT 1,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE programme_lump_sums (
    programme_id  bigint NOT NULL REFERENCES programmes(id),
    country       char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
    sourced       boolean NOT NULL DEFAULT false,
    note          text,
    PRIMARY KEY (programme_id, country)
);

CREATE TABLE calls (
    id                           bigserial PRIMARY KEY,
    programme_id                 bigint NOT NULL REFERENCES programmes(id),
    title                        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    opens_at                     timestamptz NOT NULL,
    closes_at                    timestamptz NOT NULL CHECK (closes_at > opens_at),
    -- [{key, weight_basis_points, minimum_half_points, description}]
    criteria                     jsonb NOT NULL,
    overall_minimum_half_points  integer NOT NULL DEFAULT 6 CHECK (overall_minimum_half_points BETWEEN 0 AND 10),
    divergence_limit_half_points integer NOT NULL DEFAULT 3 CHECK (divergence_limit_half_points BETWEEN 0 AND 10),
    minimum_evaluators           integer NOT NULL DEFAULT 2 CHECK (minimum_evaluators >= 1),
    version                      integer NOT NULL DEFAULT 1,
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_programme ON calls (programme_id);

CREATE TABLE applications (
    id                    bigserial PRIMARY KEY,
    programme_id          bigint NOT NULL REFERENCES programmes(id),
    call_id               bigint NOT NULL REFERENCES calls(id),
    organisation_id       bigint NOT NULL REFERENCES organisations(id),
    host_organisation_id  bigint NOT NULL REFERENCES organisations(id),
    created_by            bigint NOT NULL REFERENCES users(id),
    status                text NOT NULL DEFAULT 'draft' CHECK (status IN (
        'draft','submitted','eligible','ineligible','in_evaluation','evaluated','approved','reserve',
        'rejected','agreement_signed','report_submitted','report_accepted','paid','closed','withdrawn','cancelled')),
    participant_name      text NOT NULL,
    participant_email     text NOT NULL,
    participant_position  text NOT NULL,
    origin_city           text NOT NULL,
    origin_country        char(2) NOT NULL,
    origin_latitude       double precision NOT NULL CHECK (origin_latitude BETWEEN -90 AND 90),
    origin_longitude      double precision NOT NULL CHECK (origin_longitude BETWEEN -180 AND 180),
    activity_start        date NOT NULL,
    activity_end          date NOT NULL,
    activity_type         text NOT NULL,
    objectives            text NOT NULL,
    working_days          integer NOT NULL,
    distance_km           double precision NOT NULL,
    lump_sum_cents        bigint NOT NULL CHECK (lump_sum_cents >= 0),
    granted_cents         bigint CHECK (granted_cents >= 0),
    final_amount_cents    bigint CHECK (final_amount_cents >= 0 AND final_amount_cents <= granted_cents),
    payment_due_on        date,
    actual_start          date,
    actual_end            date,
    report_summary        text,
    status_reason         text,
    submitted_at          timestamptz,
    decided_at            timestamptz,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (host_organisation_id <> organisation_id)
);
CREATE INDEX applications_org ON applications (organisation_id, id);
CREATE INDEX applications_call_status ON applications (call_id, status, id);
CREATE INDEX applications_status ON applications (status, id);
-- One funded exchange per visitor organisation and programme (S), held by the database itself.
CREATE UNIQUE INDEX applications_one_funded_exchange ON applications (programme_id, organisation_id)
    WHERE status IN ('approved','agreement_signed','report_submitted','report_accepted','paid','closed');

CREATE TABLE documents (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    kind            text NOT NULL CHECK (kind IN ('commitment_to_quality','boarding_pass','invoice','host_confirmation','closing_report','other')),
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    media_type      text NOT NULL CHECK (media_type IN ('application/pdf','image/png','image/jpeg')),
    size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content         bytea NOT NULL,
    uploaded_by     bigint NOT NULL REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_application ON documents (application_id, id);

-- Records are kept (S): a document of a submitted application is never deleted or changed.
CREATE FUNCTION documents_protect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'documents are immutable' USING ERRCODE = 'P0001';
    END IF;
    IF EXISTS (SELECT 1 FROM applications a WHERE a.id = OLD.application_id AND a.status <> 'draft') THEN
        RAISE EXCEPTION 'documents of a submitted application are kept' USING ERRCODE = 'P0001';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER documents_protect BEFORE UPDATE OR DELETE ON documents FOR EACH ROW EXECUTE FUNCTION documents_protect();

-- The audit trail: append-only, hash-chained. The chain order is fixed under a transaction
-- advisory lock and the id is drawn *after* taking it, so id order equals chain order even
-- with concurrent writers across service instances.
CREATE SEQUENCE audit_log_id_seq;
CREATE TABLE audit_log (
    id              bigint PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    actor_id        bigint,
    actor_role      text,
    action          text NOT NULL,
    entity_type     text NOT NULL,
    entity_id       bigint,
    before          jsonb,
    after           jsonb,
    request_id      text,
    client_address  text,
    prev_hash       text NOT NULL,
    hash            text NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_time ON audit_log (occurred_at);

-- The canonical text that a row's hash covers; verify recomputes it the same way.
CREATE FUNCTION audit_row_digest(r audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws('|',
        r.prev_hash, r.id::text, to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(r.actor_id::text, ''), coalesce(r.actor_role, ''), r.action, r.entity_type,
        coalesce(r.entity_id::text, ''), coalesce(r.before::text, ''), coalesce(r.after::text, ''),
        coalesce(r.request_id, ''), coalesce(r.client_address, '')), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_hash text;
BEGIN
    -- Under REPEATABLE READ / SERIALIZABLE the snapshot could predate the previous row and
    -- fork the chain, so audited transactions must run READ COMMITTED (row locks instead).
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audited changes must run at READ COMMITTED' USING ERRCODE = 'P0001';
    END IF;
    PERFORM pg_advisory_xact_lock(7243001);
    NEW.id := nextval('audit_log_id_seq');
    NEW.occurred_at := clock_timestamp();
    SELECT hash INTO last_hash FROM audit_log ORDER BY id DESC LIMIT 1;
    NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
    NEW.hash := audit_row_digest(NEW);
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log EXECUTE FUNCTION append_only();
