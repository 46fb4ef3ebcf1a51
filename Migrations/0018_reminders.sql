-- Reminders (issue 12, DESIGN.md §7): a scheduler in `serve` reminds people of their deadlines
-- at programme-configured offsets (days from the deadline: -7 a week before, 0 on the day, 3
-- three days overdue), exactly once per deadline and offset, which this table's key enforces
-- whichever instance, and however many, run the scheduler.
ALTER TABLE programmes
    ADD COLUMN reminder_offsets integer[] NOT NULL DEFAULT '{-7,0,3}'
        CHECK (cardinality(reminder_offsets) <= 10 AND -365 <= ALL (reminder_offsets) AND 365 >= ALL (reminder_offsets));

CREATE TABLE reminders_sent (
    -- report_due (an application), evaluation_due (an assignment), payment_due (an application).
    deadline     text NOT NULL CHECK (deadline IN ('report_due', 'evaluation_due', 'payment_due')),
    subject_id   bigint NOT NULL,
    -- A deadline moved (a report returned with a new date) is a new deadline with its own reminders.
    due_on       date NOT NULL,
    offset_days  integer NOT NULL,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (deadline, subject_id, due_on, offset_days)
);
