-- The scheme as the ECCP texts define it (issue 11, DESIGN.md §2, §4, §8): who may visit,
-- participant declarations, host acceptance, once in the scheme, the four Commitment-to-Quality
-- signatures, the payment clock, appeals, retention and withdrawn (never deleted) documents.
-- Existing rows are carried forward and marked as recorded by this migration; the audit trail
-- is not touched, so its chain verifies as before.

-- Cluster membership of an organisation (an SME visits only as a cluster member), checked by
-- the coordinator against the ECCP profile when validating the organisation.
ALTER TABLE organisations
    ADD COLUMN cluster_name text CHECK (cluster_name IS NULL OR length(cluster_name) BETWEEN 1 AND 300),
    ADD COLUMN cluster_profile_url text CHECK (cluster_profile_url IS NULL OR length(cluster_profile_url) BETWEEN 9 AND 500),
    ADD CONSTRAINT organisations_cluster_pair CHECK ((cluster_name IS NULL) = (cluster_profile_url IS NULL));

ALTER TABLE programmes
    -- Where the payment clock starts (S: the exchange's end; product default: report acceptance).
    ADD COLUMN payment_due_from text NOT NULL DEFAULT 'report_acceptance'
        CHECK (payment_due_from IN ('exchange_end', 'report_acceptance')),
    ADD COLUMN appeal_days integer NOT NULL DEFAULT 14 CHECK (appeal_days BETWEEN 1 AND 365),
    -- The agency's balance payment to the partnership; records are kept 5 years after it (S).
    ADD COLUMN balance_received_on date;

ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN (
    'commitment_to_quality', 'signed_commitment_to_quality', 'boarding_pass', 'invoice', 'host_confirmation',
    'host_acceptance', 'agency_preapproval', 'residence_permit', 'closing_report', 'other'));
ALTER TABLE documents
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN withdrawn_by bigint REFERENCES users(id);

-- Documents are never deleted (S: records kept). A draft's document may be withdrawn: hidden
-- from lists, bytes and audit row kept. Nothing else about a document ever changes.
CREATE OR REPLACE FUNCTION documents_protect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'documents are kept: withdraw a draft''s document instead' USING ERRCODE = 'P0001';
    END IF;
    IF (NEW.id, NEW.application_id, NEW.kind, NEW.filename, NEW.media_type, NEW.size_bytes, NEW.sha256, NEW.content,
        NEW.uploaded_by, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.application_id, OLD.kind, OLD.filename, OLD.media_type, OLD.size_bytes, OLD.sha256, OLD.content,
        OLD.uploaded_by, OLD.created_at)
       OR OLD.withdrawn_at IS NOT NULL OR NEW.withdrawn_at IS NULL THEN
        RAISE EXCEPTION 'documents are immutable' USING ERRCODE = 'P0001';
    END IF;
    IF EXISTS (SELECT 1 FROM applications a WHERE a.id = OLD.application_id AND a.status <> 'draft') THEN
        RAISE EXCEPTION 'documents of a submitted application are kept' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$;

ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check CHECK (status IN (
    'draft', 'submitted', 'eligible', 'ineligible', 'in_evaluation', 'evaluated', 'approved', 'reserve',
    'rejected', 'agreement_signed', 'report_submitted', 'report_accepted', 'paid', 'closed', 'withdrawn',
    'cancelled', 'under_appeal'));

ALTER TABLE applications
    -- The host's answer to the match (S), recorded on the application, not as a status.
    ADD COLUMN host_acceptance text NOT NULL DEFAULT 'pending' CHECK (host_acceptance IN ('pending', 'accepted', 'declined')),
    ADD COLUMN host_decided_by bigint REFERENCES users(id),
    ADD COLUMN host_decided_at timestamptz,
    ADD COLUMN host_decision_reason text,
    ADD COLUMN host_acceptance_document_id bigint REFERENCES documents(id),
    -- An SME outside any cluster hosts only with the agency's pre-approval, recorded by a coordinator.
    ADD COLUMN host_preapproval_document_id bigint REFERENCES documents(id),
    ADD COLUMN host_preapproval_note text,
    ADD COLUMN host_preapproved_by bigint REFERENCES users(id),
    -- Participant declarations (S). NULL: not declared (applications made before this rule).
    ADD COLUMN participant_employed_by_visitor boolean,
    ADD COLUMN participant_third_country_national boolean,
    ADD COLUMN participant_residence_days integer CHECK (participant_residence_days BETWEEN 0 AND 36600),
    ADD COLUMN no_previous_visit_declared boolean,
    -- Travel days, checked against boarding passes, never counted as working days.
    ADD COLUMN travel_start date,
    ADD COLUMN travel_end date,
    -- Who decided an ineligible or rejected outcome and when: the appeal window and four eyes.
    ADD COLUMN outcome_by bigint REFERENCES users(id),
    ADD COLUMN outcome_at timestamptz,
    ADD COLUMN report_accepted_on date;

UPDATE applications
SET host_acceptance = 'accepted', host_decided_at = coalesce(submitted_at, updated_at),
    host_decision_reason = 'recorded by migration'
WHERE status <> 'draft';

UPDATE applications a
SET report_accepted_on = a.payment_due_on - p.payment_due_days
FROM programmes p
WHERE p.id = a.programme_id AND a.payment_due_on IS NOT NULL;

UPDATE applications SET outcome_at = coalesce(decided_at, updated_at) WHERE status IN ('ineligible', 'rejected');

-- The Commitment to Quality is signed by four parties (S). A signature names the document it
-- signed by its SHA-256: a new version of the document voids the earlier signatures.
CREATE TABLE agreement_signatures (
    id                    bigserial PRIMARY KEY,
    application_id        bigint NOT NULL REFERENCES applications(id),
    party                 text NOT NULL CHECK (party IN ('visitor_organisation', 'host_organisation', 'visitor_partnership', 'host_partnership')),
    signed_by             bigint REFERENCES users(id),
    on_behalf_of          text CHECK (on_behalf_of IS NULL OR length(on_behalf_of) BETWEEN 1 AND 300),
    evidence_document_id  bigint REFERENCES documents(id),
    document_id           bigint REFERENCES documents(id),
    document_sha256       text CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    recorded_by_migration boolean NOT NULL DEFAULT false,
    signed_at             timestamptz NOT NULL DEFAULT now(),
    CHECK (recorded_by_migration OR (signed_by IS NOT NULL AND document_id IS NOT NULL AND document_sha256 IS NOT NULL)),
    CHECK (on_behalf_of IS NULL OR evidence_document_id IS NOT NULL)
);
CREATE INDEX agreement_signatures_application ON agreement_signatures (application_id, party);
CREATE UNIQUE INDEX agreement_signatures_once ON agreement_signatures (application_id, party, document_sha256);

CREATE TRIGGER agreement_signatures_append_only BEFORE UPDATE OR DELETE ON agreement_signatures
    FOR EACH ROW EXECUTE FUNCTION append_only();

INSERT INTO agreement_signatures (application_id, party, document_id, document_sha256, recorded_by_migration, signed_at)
SELECT a.id, p.party, d.id, d.sha256, true, a.updated_at
FROM applications a
CROSS JOIN (VALUES ('visitor_organisation'), ('host_organisation'), ('visitor_partnership'), ('host_partnership')) AS p(party)
LEFT JOIN LATERAL (
    SELECT id, sha256 FROM documents
    WHERE application_id = a.id AND kind = 'commitment_to_quality' ORDER BY id DESC LIMIT 1
) d ON true
WHERE a.status IN ('agreement_signed', 'report_submitted', 'report_accepted', 'paid', 'closed');

-- Earlier ClusterXchange visitors of every partnership and phase (S: once in the scheme),
-- imported by coordinators; matched on the normalised VAT number or legal name + country.
CREATE TABLE previous_visitors (
    id               bigserial PRIMARY KEY,
    legal_name       text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 300),
    country          char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    vat_number       text CHECK (vat_number IS NULL OR length(vat_number) BETWEEN 1 AND 32),
    partnership      text NOT NULL CHECK (length(partnership) BETWEEN 1 AND 300),
    year             integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    normalised_name  text NOT NULL,
    normalised_vat   text,
    imported_by      bigint NOT NULL REFERENCES users(id),
    imported_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX previous_visitors_unique ON previous_visitors (normalised_name, country, partnership, year);
CREATE INDEX previous_visitors_vat ON previous_visitors (normalised_vat) WHERE normalised_vat IS NOT NULL;

-- Appeals against an ineligible or rejected outcome (redress).
CREATE TABLE appeals (
    id               bigserial PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES applications(id),
    appealed_status  text NOT NULL CHECK (appealed_status IN ('ineligible', 'rejected')),
    outcome_at       timestamptz NOT NULL,
    outcome_by       bigint REFERENCES users(id),
    grounds          text NOT NULL CHECK (length(grounds) BETWEEN 1 AND 10000),
    filed_by         bigint NOT NULL REFERENCES users(id),
    filed_at         timestamptz NOT NULL DEFAULT now(),
    decision         text CHECK (decision IN ('upheld', 'granted')),
    decision_reason  text,
    decided_by       bigint REFERENCES users(id),
    decided_at       timestamptz,
    CHECK ((decision IS NULL) = (decided_by IS NULL))
);
-- One appeal per outcome.
CREATE UNIQUE INDEX appeals_one_per_outcome ON appeals (application_id, outcome_at);
