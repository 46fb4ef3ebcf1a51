-- Evaluator assignments. An evaluator sees an application only through a live assignment;
-- declaring a conflict of interest voids it (DESIGN.md §5).
CREATE TABLE assignments (
    id                    bigserial PRIMARY KEY,
    application_id        bigint NOT NULL REFERENCES applications(id),
    evaluator_id          bigint NOT NULL REFERENCES users(id),
    assigned_by           bigint NOT NULL REFERENCES users(id),
    status                text NOT NULL DEFAULT 'pending_declaration'
                          CHECK (status IN ('pending_declaration', 'declared', 'submitted', 'void')),
    conflict_of_interest  boolean,
    conflict_details      text,
    declared_at           timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX assignments_live ON assignments (application_id, evaluator_id) WHERE status <> 'void';
CREATE INDEX assignments_evaluator ON assignments (evaluator_id, id);
