-- Deadlines as data and the notification outbox (issue 12, DESIGN.md §7). A workflow that
-- changes state writes its notifications in the same transaction: a rollback sends nothing.

ALTER TABLE programmes
    -- Days after the exchange's end by which the closing report is due (product default 30).
    ADD COLUMN report_due_days integer NOT NULL DEFAULT 30 CHECK (report_due_days BETWEEN 0 AND 365);
ALTER TABLE calls
    -- Days an evaluator has from the assignment to submit the score sheet (product default 10).
    ADD COLUMN evaluation_days integer NOT NULL DEFAULT 10 CHECK (evaluation_days BETWEEN 1 AND 365);

-- Set when the application is approved (activity end + report_due_days); kept afterwards, so a
-- later change of the programme's setting never moves a deadline someone was already given.
ALTER TABLE applications ADD COLUMN report_due_on date;
UPDATE applications a SET report_due_on = a.activity_end + p.report_due_days
FROM programmes p
WHERE p.id = a.programme_id
  AND a.status IN ('approved', 'agreement_signed', 'report_submitted', 'report_accepted', 'paid', 'closed');

-- Set when the evaluator is assigned (assignment date, UTC, + the call's evaluation_days).
ALTER TABLE assignments ADD COLUMN due_on date;
UPDATE assignments s SET due_on = (s.created_at AT TIME ZONE 'UTC')::date + c.evaluation_days
FROM applications a JOIN calls c ON c.id = a.call_id
WHERE a.id = s.application_id;

-- One row per recipient per event: the in-app notification and its e-mail delivery state. The
-- row holds the event's facts; its text is rendered from them (NotificationText) in the app and
-- in the mail, so a notification costs the changing transaction one INSERT and no lookups.
CREATE TABLE notifications (
    id               bigserial PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users(id),
    kind             text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    application_id   bigint NOT NULL REFERENCES applications(id),
    -- The application's status after the change, the reason given and the deadline concerned.
    status_after     text NOT NULL,
    reason           text CHECK (length(reason) <= 10000),
    due_on           date,
    created_at       timestamptz NOT NULL DEFAULT now(),
    read_at          timestamptz,
    -- pending: to be sent; sent; failed: dead-lettered (5xx, or retries exhausted);
    -- opted_out: the user turned e-mail off for this kind; expired: never sent, too old when
    -- e-mail came on.
    email_status     text NOT NULL DEFAULT 'pending'
                     CHECK (email_status IN ('pending', 'sent', 'failed', 'opted_out', 'expired')),
    email_attempts   integer NOT NULL DEFAULT 0 CHECK (email_attempts >= 0),
    email_next_at    timestamptz NOT NULL DEFAULT now(),
    -- A worker that claimed the row owns it until then; one that dies gives it back this way.
    email_lease_until timestamptz,
    email_last_error text,
    email_sent_at    timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_email_due ON notifications (email_next_at, id) WHERE email_status = 'pending';

-- E-mail opt-outs per user and kind (in-app notifications cannot be turned off).
CREATE TABLE notification_email_opt_outs (
    user_id  bigint NOT NULL REFERENCES users(id),
    kind     text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    PRIMARY KEY (user_id, kind)
);

