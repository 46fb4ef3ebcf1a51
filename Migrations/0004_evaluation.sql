-- Evaluation: score sheets per assignment and a coordinator's consensus per application.
-- Scores are stored in half points (0..10) keyed by criterion: jsonb {"relevance": 9, ...}.
CREATE TABLE score_sheets (
    assignment_id   bigint PRIMARY KEY REFERENCES assignments(id),
    application_id  bigint NOT NULL REFERENCES applications(id),
    evaluator_id    bigint NOT NULL REFERENCES users(id),
    scores          jsonb NOT NULL,
    comments        jsonb NOT NULL DEFAULT '{}'::jsonb,
    comment         text,
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX score_sheets_application ON score_sheets (application_id);

CREATE TABLE consensus_sheets (
    application_id  bigint PRIMARY KEY REFERENCES applications(id),
    scores          jsonb NOT NULL,
    justification   text NOT NULL CHECK (length(justification) > 0),
    recorded_by     bigint NOT NULL REFERENCES users(id),
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
