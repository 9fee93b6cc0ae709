-- Tenants and the host names they are reached on. Every tenant owns one schema,
-- named from its id (tenant_000042), never from text a person typed.
-- Nothing here references a tenant schema, so these tables can become reference
-- tables of a sharded cluster while tenant schemas move between nodes.

CREATE TABLE control.tenants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL,
    display_name text NOT NULL,
    schema_name text NOT NULL,
    status text NOT NULL DEFAULT 'active',
    code_prefix text NOT NULL DEFAULT 'CUS-',
    prospect_prefix text NOT NULL DEFAULT 'PRO-',
    case_prefix text NOT NULL DEFAULT 'CASE-',
    time_zone text NOT NULL DEFAULT 'UTC',
    currency text NOT NULL DEFAULT 'USD',
    country text NOT NULL DEFAULT 'US',
    schema_version integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_schema_name_key UNIQUE (schema_name),
    CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$' AND slug NOT LIKE '%--%'),
    CONSTRAINT tenants_display_name_length CHECK (char_length(display_name) BETWEEN 1 AND 200),
    CONSTRAINT tenants_schema_name_format CHECK (schema_name ~ '^tenant_[0-9]{6,}$'),
    CONSTRAINT tenants_status_known CHECK (status IN ('active', 'suspended', 'deleted')),
    CONSTRAINT tenants_prefix_format CHECK (code_prefix ~ '^[A-Z0-9-]{0,12}$'
        AND prospect_prefix ~ '^[A-Z0-9-]{0,12}$' AND case_prefix ~ '^[A-Z0-9-]{0,12}$'),
    CONSTRAINT tenants_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT tenants_country_format CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT tenants_deleted_at CHECK ((status = 'deleted') = (deleted_at IS NOT NULL))
);

CREATE TABLE control.domains (
    hostname text PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
    kind text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT domains_kind_known CHECK (kind IN ('subdomain', 'custom')),
    CONSTRAINT domains_hostname_format CHECK (hostname ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$')
);
CREATE UNIQUE INDEX domains_one_subdomain ON control.domains (tenant_id) WHERE kind = 'subdomain';
CREATE INDEX domains_tenant_id ON control.domains (tenant_id);

-- One row per migration applied to one tenant schema.
CREATE TABLE control.tenant_migrations (
    tenant_id bigint NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, version)
);

-- The server reads tenants and domains to resolve hosts; it changes nothing here.
GRANT USAGE ON SCHEMA control TO {app_role};
GRANT SELECT ON control.tenants, control.domains TO {app_role};
