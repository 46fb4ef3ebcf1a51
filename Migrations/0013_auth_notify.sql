-- Every instance caches bearer token -> user for AUTH_CACHE_SECONDS (issue 10). These
-- notifications make a logout, a revoked, expired-early or deleted session, a deactivation, or a
-- change of role, organisation, e-mail or name reach every instance at once, whoever made the
-- change: the service or an administrator's SQL. The payload is the user id; '*' means everyone.
-- NOTIFY is delivered at commit, and not at all if the transaction rolls back.
CREATE FUNCTION auth_notify_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cx_auth', OLD.user_id::text);
    RETURN NULL;
END $$;

CREATE FUNCTION auth_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cx_auth', OLD.id::text);
    RETURN NULL;
END $$;

CREATE FUNCTION auth_notify_everyone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cx_auth', '*');
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_auth_notify AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION auth_notify_session();
CREATE TRIGGER sessions_auth_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_everyone();
CREATE TRIGGER users_auth_notify AFTER UPDATE OF role, active, organisation_id, email, name OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION auth_notify_user();
CREATE TRIGGER users_auth_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_everyone();
