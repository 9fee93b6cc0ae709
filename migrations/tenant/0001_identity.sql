-- Staff accounts, roles, sessions and API tokens of one tenant.
-- Secrets never appear in plain text: sessions, tokens and one-time links store
-- the SHA-256 of the token, and passwords an Argon2id hash.

CREATE TABLE {tenant}.roles (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    built_in boolean NOT NULL DEFAULT false,
    -- {"customers.view": "all", "customers.update": "own", ...}
    permissions jsonb NOT NULL DEFAULT '{}',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roles_name_length CHECK (char_length(name) BETWEEN 1 AND 80),
    CONSTRAINT roles_permissions_object CHECK (jsonb_typeof(permissions) = 'object')
);
CREATE UNIQUE INDEX roles_name_key ON {tenant}.roles (lower(name));

CREATE TABLE {tenant}.users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    email_key text NOT NULL,
    display_name text NOT NULL,
    role_id bigint NOT NULL REFERENCES {tenant}.roles (id),
    status text NOT NULL DEFAULT 'invited',
    password_hash text,
    -- Raised by a password change, deactivation or sign-out everywhere; sessions
    -- and tokens carrying an older value stop working on their next request.
    credential_version integer NOT NULL DEFAULT 1,
    last_login_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email_key),
    CONSTRAINT users_status_known CHECK (status IN ('invited', 'active', 'deactivated')),
    CONSTRAINT users_display_name_length CHECK (char_length(display_name) BETWEEN 1 AND 120),
    CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 3 AND 254),
    CONSTRAINT users_active_has_password CHECK (status <> 'active' OR password_hash IS NOT NULL)
);
CREATE INDEX users_role_id ON {tenant}.users (role_id);

CREATE TABLE {tenant}.sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES {tenant}.users (id),
    token_hash text NOT NULL,
    credential_version integer NOT NULL,
    client_addr text,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_user_id ON {tenant}.sessions (user_id);

CREATE TABLE {tenant}.api_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES {tenant}.users (id),
    role_id bigint NOT NULL REFERENCES {tenant}.roles (id),
    name text NOT NULL,
    token_hash text NOT NULL,
    token_prefix text NOT NULL,
    -- The owner's credential version at creation: a password change or a
    -- deactivation of the owner ends the token too.
    credential_version integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT api_tokens_name_length CHECK (char_length(name) BETWEEN 1 AND 120)
);
CREATE INDEX api_tokens_user_id ON {tenant}.api_tokens (user_id);
CREATE INDEX api_tokens_role_id ON {tenant}.api_tokens (role_id);

-- Invitation and password-reset links: usable once, before they expire.
CREATE TABLE {tenant}.one_time_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES {tenant}.users (id),
    purpose text NOT NULL,
    token_hash text NOT NULL,
    created_by bigint REFERENCES {tenant}.users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CONSTRAINT one_time_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT one_time_tokens_purpose_known CHECK (purpose IN ('invitation', 'password_reset'))
);
CREATE INDEX one_time_tokens_user_id ON {tenant}.one_time_tokens (user_id);

-- Tenant settings as typed JSON values; the server validates each key it knows.
CREATE TABLE {tenant}.settings (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES {tenant}.users (id)
);

-- Who did what, when and from where. The application may add entries but never
-- change or remove them.
CREATE TABLE {tenant}.audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_user_id bigint REFERENCES {tenant}.users (id),
    actor_token_id bigint REFERENCES {tenant}.api_tokens (id),
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text,
    client_addr text,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_target ON {tenant}.audit_events (target_type, target_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_action ON {tenant}.audit_events (action, occurred_at DESC);

-- Responses to create requests that carried an Idempotency-Key header.
CREATE TABLE {tenant}.idempotency_keys (
    user_id bigint NOT NULL REFERENCES {tenant}.users (id),
    key text NOT NULL,
    request_path text NOT NULL,
    request_hash text NOT NULL,
    status integer NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

GRANT SELECT, INSERT, UPDATE ON {tenant}.roles, {tenant}.users, {tenant}.sessions,
    {tenant}.api_tokens, {tenant}.one_time_tokens TO {app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON {tenant}.settings, {tenant}.idempotency_keys TO {app_role};
GRANT SELECT, INSERT ON {tenant}.audit_events TO {app_role};
