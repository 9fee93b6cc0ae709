-- Deals: a sale in progress with a customer or prospect, in one stage of a
-- pipeline. Amounts are integer minor units of an ISO 4217 currency (cents
-- for EUR, yen for JPY, fils for KWD); the server checks each currency's
-- own limit of 999,999,999,999 major units, which stays below 2^53 so that
-- every amount is exact as a JavaScript number too. A deal's status follows
-- the kind of its stage. A deal points at the record's id, so a prospect's
-- deals stay with it when it converts.
--
-- Every stage a deal enters is a row of deal_stage_changes, from its creation
-- on (from_stage_id NULL), so time in stage, cycle time and the funnel are
-- computed from them. Deals that an import made for its leads carry the
-- import's id, so undoing the import removes them.
--
-- The server writes search_text (the folded title) at every create and
-- title change.

CREATE TABLE {tenant}.deals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    customer_id bigint NOT NULL REFERENCES {tenant}.customers (id),
    pipeline_id bigint NOT NULL REFERENCES {tenant}.pipelines (id),
    stage_id bigint NOT NULL,
    status text NOT NULL,
    amount bigint NOT NULL DEFAULT 0,
    currency text NOT NULL,
    expected_close_date date,
    owner_id bigint REFERENCES {tenant}.users (id),
    -- a lead owner named in an import whom no user matched
    owner_name text,
    priority text NOT NULL DEFAULT 'medium',
    source text,
    lost_reason text,
    notes text,
    stage_entered_at timestamptz NOT NULL,
    won_at timestamptz,
    lost_at timestamptz,
    closed_at timestamptz,
    import_id bigint REFERENCES {tenant}.imports (id),
    search_text text NOT NULL,
    -- the board's order in one number: priority (high first), then the
    -- expected close date (earliest first, none last)
    board_rank bigint GENERATED ALWAYS AS (
        (CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END) * 10000000::bigint
        + coalesce(expected_close_date - DATE '1900-01-01', 9999999)) STORED,
    created_by bigint REFERENCES {tenant}.users (id),
    updated_by bigint REFERENCES {tenant}.users (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL DEFAULT 1,

    CONSTRAINT deals_stage_in_pipeline FOREIGN KEY (pipeline_id, stage_id)
        REFERENCES {tenant}.pipeline_stages (pipeline_id, id),
    CONSTRAINT deals_status_known CHECK (status IN ('open', 'won', 'lost')),
    CONSTRAINT deals_priority_known CHECK (priority IN ('low', 'medium', 'high')),
    CONSTRAINT deals_amount_range CHECK (amount BETWEEN 0 AND 999999999999999),
    CONSTRAINT deals_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT deals_close_date_range CHECK (
        expected_close_date BETWEEN DATE '1900-01-01' AND DATE '9999-12-31'),
    CONSTRAINT deals_won_at CHECK ((status = 'won') = (won_at IS NOT NULL)),
    CONSTRAINT deals_lost_at CHECK ((status = 'lost') = (lost_at IS NOT NULL)),
    CONSTRAINT deals_closed_at CHECK ((status <> 'open') = (closed_at IS NOT NULL)),
    -- A lost deal says why, unless an import brought it in lost already.
    CONSTRAINT deals_lost_reason CHECK (
        status <> 'lost' OR lost_reason IS NOT NULL OR import_id IS NOT NULL),
    CONSTRAINT deals_owner_one CHECK (owner_id IS NULL OR owner_name IS NULL),
    CONSTRAINT deals_version_positive CHECK (version > 0),
    CONSTRAINT deals_text_lengths CHECK (
        char_length(title) BETWEEN 1 AND 200 AND char_length(owner_name) BETWEEN 1 AND 120
        AND char_length(source) BETWEEN 1 AND 80 AND char_length(lost_reason) BETWEEN 1 AND 1000
        AND char_length(notes) <= 10000)
);

-- The board: a stage's deals in board order, with the id as the tie-breaker
-- of keyset pagination, and its counts and sums.
CREATE INDEX deals_board ON {tenant}.deals (stage_id, board_rank, id);
CREATE INDEX deals_stage_sums ON {tenant}.deals (pipeline_id, stage_id)
    INCLUDE (currency, amount, customer_id, owner_id);

-- Lists in each sort order, a record's deals (its timeline, the count at
-- conversion, visibility), an owner's deals ("own" visibility), closings for
-- the reports, an import's deals for undo, and substring search on titles.
CREATE INDEX deals_list_created ON {tenant}.deals (created_at, id);
CREATE INDEX deals_list_updated ON {tenant}.deals (updated_at, id);
CREATE INDEX deals_customer ON {tenant}.deals (customer_id, created_at, id);
CREATE INDEX deals_owner ON {tenant}.deals (owner_id, created_at, id);
CREATE INDEX deals_closed ON {tenant}.deals (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX deals_import ON {tenant}.deals (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX deals_search ON {tenant}.deals USING gin (search_text ext.gin_trgm_ops);

CREATE TABLE {tenant}.deal_stage_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_id bigint NOT NULL REFERENCES {tenant}.deals (id),
    from_stage_id bigint REFERENCES {tenant}.pipeline_stages (id),
    to_stage_id bigint NOT NULL REFERENCES {tenant}.pipeline_stages (id),
    changed_at timestamptz NOT NULL,
    changed_by bigint REFERENCES {tenant}.users (id),
    CONSTRAINT deal_stage_changes_moves CHECK (from_stage_id IS DISTINCT FROM to_stage_id)
);

-- A deal's history in order, and the stage entries of a period for the funnel.
CREATE INDEX deal_stage_changes_deal ON {tenant}.deal_stage_changes (deal_id, changed_at, id);
CREATE INDEX deal_stage_changes_time ON {tenant}.deal_stage_changes (changed_at)
    INCLUDE (deal_id, to_stage_id);

-- The note of an imported lead becomes an activity of the prospect; undoing
-- the import removes it with the prospect.
ALTER TABLE {tenant}.activities ADD COLUMN import_id bigint REFERENCES {tenant}.imports (id);
CREATE INDEX activities_import ON {tenant}.activities (import_id) WHERE import_id IS NOT NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON {tenant}.deals TO {app_role};
GRANT SELECT, INSERT, DELETE ON {tenant}.deal_stage_changes TO {app_role};
GRANT DELETE ON {tenant}.activities TO {app_role};
