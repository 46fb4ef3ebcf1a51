-- Login throttling by exponential backoff and registration limits (issue 15, findings 4 and 5).
--
-- The old hard lock (5 failures per account, 20 per address, then 900 s of 429 for everyone,
-- the legitimate owner included) is replaced by one row per throttled key: after a number of
-- free failures each further failure doubles the delay before the next attempt is heard.
-- Shared through PostgreSQL so every instance behind a load balancer sees the same state.
DROP TABLE login_failures;

CREATE TABLE login_throttle (
    scope            text NOT NULL CHECK (scope IN ('account', 'account_address', 'address')),
    key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 320),
    failures         integer NOT NULL CHECK (failures >= 0),
    blocked_until    timestamptz,
    last_failure_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
-- For forgetting keys that have been quiet for the memory window.
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure_at);

-- Registration attempts that passed validation, for sliding-window limits per client address
-- and per e-mail domain. Only the domain is kept, not the address.
CREATE TABLE registration_attempts (
    id              bigserial PRIMARY KEY,
    client_address  text NOT NULL,
    email_domain    text NOT NULL,
    attempted_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_attempts_address ON registration_attempts (client_address, attempted_at);
CREATE INDEX registration_attempts_domain ON registration_attempts (email_domain, attempted_at);
CREATE INDEX registration_attempts_time ON registration_attempts (attempted_at);

-- The failure count after one more failure: restarted when the key was quiet for `memory_seconds`.
CREATE FUNCTION login_next_failures(failures integer, last_failure_at timestamptz, memory_seconds float8)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN last_failure_at < now() - make_interval(secs => memory_seconds) THEN 1
                ELSE least(failures, 1000000) + 1 END
$$;

-- Until when a key with `failures` failures waits: nothing for the first `free` ones, then
-- base, 2·base, 4·base … seconds, never more than `cap_seconds`.
CREATE FUNCTION login_backoff_until(failures integer, free integer, base_seconds float8, cap_seconds float8)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN failures <= free THEN NULL
                ELSE now() + make_interval(secs => least(cap_seconds, base_seconds * power(2, least(failures - free - 1, 40))))
           END
$$;
