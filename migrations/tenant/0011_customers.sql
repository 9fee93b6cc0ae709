-- Customers and prospects in one table: a person or a business, a prospect or
-- a customer. A prospect that converts keeps its row, id and reference and gains
-- a customer code, so whatever points at the id (history, activities, cases,
-- deals) carries over. Records are archived, never deleted.
--
-- The server writes display_name, sort_name, search_text, email_key,
-- phone_keys and registration_key from the other columns at every create and
-- update; they exist for matching, sorting and search.

CREATE TABLE {tenant}.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    lifecycle text NOT NULL,
    status text NOT NULL,
    code text,
    code_number bigint,
    reference text,
    reference_number bigint,

    -- people
    title text,
    first_name text,
    middle_name text,
    last_name text,
    gender text,
    date_of_birth date,
    occupation text,
    employer text,
    identification_type text,
    identification_number text,

    -- businesses
    legal_name text,
    trading_name text,
    registration_number text,
    registration_key text,
    industry text,
    website text,
    date_of_incorporation date,
    number_of_employees integer,

    -- both
    email text,
    email_key text,
    -- [{"label": "Mobile", "number": "as typed", "e164": "+4420...", "extension": null}]
    phones jsonb NOT NULL DEFAULT '[]',
    -- E.164 forms of phones, with ";ext=" and the extension when there is one
    phone_keys text[] NOT NULL DEFAULT '{}',
    address_lines text[] NOT NULL DEFAULT '{}',
    city text,
    region text,
    postal_code text,
    country text,
    notes text,
    owner_id bigint REFERENCES {tenant}.users (id),
    source text,
    tags text[] NOT NULL DEFAULT '{}',
    external_ref text,

    -- prospects: kept as text until the pipeline turns them into deals
    lead_stage text,
    lead_owner_name text,

    display_name text NOT NULL,
    sort_name text COLLATE "C" NOT NULL,
    search_text text NOT NULL,

    created_by bigint REFERENCES {tenant}.users (id),
    updated_by bigint REFERENCES {tenant}.users (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    converted_at timestamptz,
    archived_at timestamptz,
    version integer NOT NULL DEFAULT 1,

    CONSTRAINT customers_code_key UNIQUE (code),
    CONSTRAINT customers_code_number_key UNIQUE (code_number),
    CONSTRAINT customers_reference_key UNIQUE (reference),
    CONSTRAINT customers_reference_number_key UNIQUE (reference_number),
    -- the target of the kind-checked foreign keys of customer_contacts
    CONSTRAINT customers_id_kind_key UNIQUE (id, kind),

    CONSTRAINT customers_kind_known CHECK (kind IN ('person', 'business')),
    CONSTRAINT customers_lifecycle_known CHECK (lifecycle IN ('prospect', 'customer')),
    CONSTRAINT customers_status_known CHECK (
        (lifecycle = 'customer' AND status IN ('active', 'inactive', 'dormant', 'blacklisted'))
        OR (lifecycle = 'prospect' AND status IN ('open', 'qualified', 'disqualified'))),
    CONSTRAINT customers_code_when_customer CHECK (
        (lifecycle = 'customer') = (code IS NOT NULL)
        AND (code IS NULL) = (code_number IS NULL)),
    CONSTRAINT customers_reference_when_prospect CHECK (
        (lifecycle <> 'prospect' OR reference IS NOT NULL)
        AND (reference IS NULL) = (reference_number IS NULL)),
    CONSTRAINT customers_converted CHECK (
        converted_at IS NULL OR (lifecycle = 'customer' AND reference IS NOT NULL)),
    CONSTRAINT customers_person_fields CHECK (kind <> 'person' OR (
        first_name IS NOT NULL AND last_name IS NOT NULL AND legal_name IS NULL
        AND trading_name IS NULL AND registration_number IS NULL AND industry IS NULL
        AND website IS NULL AND date_of_incorporation IS NULL AND number_of_employees IS NULL)),
    CONSTRAINT customers_business_fields CHECK (kind <> 'business' OR (
        legal_name IS NOT NULL AND first_name IS NULL AND last_name IS NULL
        AND middle_name IS NULL AND title IS NULL AND gender IS NULL AND date_of_birth IS NULL
        AND occupation IS NULL AND employer IS NULL AND identification_type IS NULL
        AND identification_number IS NULL)),
    CONSTRAINT customers_contact_channel CHECK (
        email IS NOT NULL OR cardinality(phone_keys) > 0
        OR (kind = 'business' AND website IS NOT NULL)),
    CONSTRAINT customers_prospect_fields CHECK (
        reference IS NOT NULL OR (lead_stage IS NULL AND lead_owner_name IS NULL)),
    CONSTRAINT customers_email_key CHECK ((email IS NULL) = (email_key IS NULL)),
    CONSTRAINT customers_registration_key CHECK (
        registration_number IS NOT NULL OR registration_key IS NULL),
    CONSTRAINT customers_phones_array CHECK (
        jsonb_typeof(phones) = 'array' AND jsonb_array_length(phones) <= 10
        AND cardinality(phone_keys) <= jsonb_array_length(phones)),
    CONSTRAINT customers_country_format CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT customers_employees_range CHECK (number_of_employees BETWEEN 0 AND 10000000),
    CONSTRAINT customers_version_positive CHECK (version > 0),
    CONSTRAINT customers_tags_items CHECK (cardinality(tags) <= 20 AND NOT ('' = ANY (tags))),
    CONSTRAINT customers_address_lines_items CHECK (cardinality(address_lines) <= 4),
    CONSTRAINT customers_text_lengths CHECK (
        char_length(code) <= 40 AND char_length(reference) <= 40
        AND char_length(title) <= 40 AND char_length(first_name) BETWEEN 1 AND 100
        AND char_length(middle_name) <= 100 AND char_length(last_name) BETWEEN 1 AND 100
        AND char_length(gender) <= 40 AND char_length(occupation) <= 120
        AND char_length(employer) <= 200 AND char_length(identification_type) <= 60
        AND char_length(identification_number) <= 60
        AND char_length(legal_name) BETWEEN 1 AND 200 AND char_length(trading_name) <= 200
        AND char_length(registration_number) <= 60 AND char_length(industry) <= 120
        AND char_length(website) <= 300 AND char_length(email) BETWEEN 3 AND 254
        AND char_length(city) <= 120 AND char_length(region) <= 120
        AND char_length(postal_code) <= 20 AND char_length(notes) <= 10000
        AND char_length(source) <= 80 AND char_length(external_ref) <= 100
        AND char_length(lead_stage) <= 80 AND char_length(lead_owner_name) <= 120
        AND char_length(display_name) BETWEEN 1 AND 400)
);

-- Lists show records that are not archived, per lifecycle, in one of four
-- orders; each index serves its order in both directions with the id as the
-- tie-breaker of keyset pagination.
CREATE INDEX customers_list_created ON {tenant}.customers (lifecycle, created_at, id)
    WHERE archived_at IS NULL;
CREATE INDEX customers_list_updated ON {tenant}.customers (lifecycle, updated_at, id)
    WHERE archived_at IS NULL;
CREATE INDEX customers_list_name ON {tenant}.customers (lifecycle, sort_name, id)
    WHERE archived_at IS NULL;
CREATE INDEX customers_list_code ON {tenant}.customers (code_number, id)
    WHERE archived_at IS NULL AND code_number IS NOT NULL;
CREATE INDEX customers_list_reference ON {tenant}.customers (reference_number, id)
    WHERE archived_at IS NULL AND reference_number IS NOT NULL;
CREATE INDEX customers_list_archived ON {tenant}.customers (lifecycle, archived_at, id)
    WHERE archived_at IS NOT NULL;

-- Filters: an owner's records (also what "own" visibility reads), a status, a tag.
CREATE INDEX customers_owner ON {tenant}.customers (owner_id, lifecycle, created_at, id);
CREATE INDEX customers_status ON {tenant}.customers (lifecycle, status, created_at, id)
    WHERE archived_at IS NULL;
CREATE INDEX customers_tags ON {tenant}.customers USING gin (tags);

-- Substring search over the folded text; pg_trgm answers LIKE '%...%' from it.
CREATE INDEX customers_search ON {tenant}.customers USING gin (search_text ext.gin_trgm_ops);

-- Duplicate checks on create, and lookups by the id of another system.
CREATE INDEX customers_email_key ON {tenant}.customers (email_key);
CREATE INDEX customers_phone_keys ON {tenant}.customers USING gin (phone_keys);
CREATE INDEX customers_registration_key ON {tenant}.customers (registration_key);
CREATE INDEX customers_external_ref ON {tenant}.customers (external_ref);

GRANT SELECT, INSERT, UPDATE ON {tenant}.customers TO {app_role};
