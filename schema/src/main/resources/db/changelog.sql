--liquibase formatted sql

--changeset uploads:1-accounts
CREATE TABLE accounts (
    id         uuid PRIMARY KEY,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- API keys are 256-bit random secrets, so one SHA-256 is enough to store them safely
-- (a slow password hash would only add latency to every request).
CREATE TABLE api_keys (
    key_hash   bytea PRIMARY KEY,
    account_id uuid        NOT NULL REFERENCES accounts (id),
    prefix     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

--changeset uploads:2-uploads
-- Upload ids are UUIDv7 (time-ordered), so (account_id, id) is also the listing order.
CREATE TABLE uploads (
    id           uuid PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id),
    status       text        NOT NULL CHECK (status IN ('received', 'ready', 'failed')),
    filename     text,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL CHECK (size_bytes > 0),
    sha256       text        NOT NULL,
    blob_key     text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_account_id ON uploads (account_id, id DESC);

CREATE TABLE thumbnails (
    upload_id    uuid    NOT NULL REFERENCES uploads (id),
    width        integer NOT NULL,
    height       integer NOT NULL,
    content_type text    NOT NULL,
    blob_key     text    NOT NULL,
    PRIMARY KEY (upload_id, width)
);

CREATE TABLE idempotency_keys (
    account_id     uuid        NOT NULL REFERENCES accounts (id),
    key            text        NOT NULL,
    content_sha256 text        NOT NULL,
    upload_id      uuid        NOT NULL REFERENCES uploads (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

--changeset uploads:3-outbox
-- The outbox is a queue: rows are deleted once Kafka acknowledged them. Vacuum it
-- eagerly so dead tuples never pile up in front of the relay's index scans.
CREATE TABLE outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic         text        NOT NULL,
    event_key     text        NOT NULL,
    -- Per-key order across relay instances: a key always maps to one shard, and a shard
    -- is leased to one relay instance at a time.
    shard         smallint    NOT NULL GENERATED ALWAYS AS ((hashtextextended(event_key, 0) & 15)::smallint) STORED,
    event_id      uuid        NOT NULL,
    event_type    text        NOT NULL,
    event_version integer     NOT NULL,
    occurred_at   timestamptz NOT NULL,
    traceparent   text,
    -- Extra Kafka headers (dead-letter and redrive records); null for plain events.
    headers       jsonb,
    -- The record value, byte for byte: JSON for events, the original bytes for dead letters.
    payload       bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
        autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_insert_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 100000);
CREATE INDEX outbox_shard_id ON outbox (shard, id);

CREATE TABLE relay_instances (
    instance_id  text PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL
);

-- One row per outbox shard; owner holds the lease until lease_until.
CREATE TABLE relay_shards (
    shard       smallint PRIMARY KEY,
    owner       text,
    lease_until timestamptz
);
INSERT INTO relay_shards (shard) SELECT generate_series(0, 15);

--changeset uploads:4-jobs
-- One row per (job, event) a job has applied, written in the transaction of the effect.
CREATE TABLE processed_events (
    job          text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job, event_id)
);

CREATE TABLE email_deliveries (
    event_id   uuid PRIMARY KEY,
    upload_id  uuid        NOT NULL REFERENCES uploads (id),
    account_id uuid        NOT NULL REFERENCES accounts (id),
    recipient  text        NOT NULL,
    message_id text        NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE account_stats (
    account_id       uuid   NOT NULL,
    day              date   NOT NULL,
    uploads_received bigint NOT NULL DEFAULT 0,
    bytes_received   bigint NOT NULL DEFAULT 0,
    thumbnails_made  bigint NOT NULL DEFAULT 0,
    emails_sent      bigint NOT NULL DEFAULT 0,
    dead_letters     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day)
);

CREATE TABLE dead_letters (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job              text        NOT NULL,
    status           text        NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'replaying', 'resolved', 'discarded', 'parked')),
    event_id         uuid,
    event_key        text,
    event_type       text,
    payload          bytea,
    headers          jsonb       NOT NULL,
    source_topic     text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    source_timestamp timestamptz,
    consumer_group   text        NOT NULL,
    exception_class  text        NOT NULL,
    message          text,
    stack_trace      text,
    fingerprint      text        NOT NULL,
    -- Every attempt: [{"at", "exception", "message", "stack"}], oldest first.
    attempts         jsonb       NOT NULL,
    attempt_count    integer     NOT NULL,
    first_failed_at  timestamptz NOT NULL,
    last_failed_at   timestamptz NOT NULL,
    replay_count     integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- A redelivered event whose letter is still unresolved is not dead-lettered twice.
CREATE UNIQUE INDEX dead_letters_unresolved_event ON dead_letters (job, event_id)
    WHERE status IN ('open', 'replaying', 'parked') AND event_id IS NOT NULL;
-- Records without a readable event id (poison pills) are identified by their position.
CREATE UNIQUE INDEX dead_letters_unresolved_position
    ON dead_letters (job, source_topic, source_partition, source_offset)
    WHERE status IN ('open', 'replaying', 'parked') AND event_id IS NULL;
CREATE INDEX dead_letters_job_status ON dead_letters (job, status, created_at);

--changeset uploads:5-operations
-- When a letter stopped needing attention (resolved or discarded); retention counts from here.
ALTER TABLE dead_letters ADD COLUMN closed_at timestamptz;
CREATE INDEX dead_letters_closed ON dead_letters (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX dead_letters_fingerprint ON dead_letters (fingerprint);
CREATE INDEX dead_letters_event_key ON dead_letters (event_key);

-- People who may replay and discard over HTTP. Keys are stored as SHA-256, like client keys,
-- in a table of their own: no client key can ever be an operator key.
CREATE TABLE operators (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    key_hash   bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- The audit trail: every replay and discard, who asked, why, for which letters, and how it went.
CREATE TABLE dead_letter_actions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('replay', 'discard')),
    operator       text        NOT NULL,
    via            text        NOT NULL CHECK (via IN ('cli', 'http')),
    reason         text        NOT NULL CHECK (length(btrim(reason)) > 0),
    filter         jsonb       NOT NULL,
    include_parked boolean     NOT NULL DEFAULT false,
    rate_limit     double precision,
    max_count      integer     NOT NULL,
    status         text        NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'completed', 'failed')),
    selected       integer     NOT NULL,
    done           integer     NOT NULL DEFAULT 0,
    skipped        integer     NOT NULL DEFAULT 0,
    error          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    heartbeat_at   timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
CREATE INDEX dead_letter_actions_created ON dead_letter_actions (created_at);

-- The letters an action selected, fixed when it starts: a resumed replay works through the rest.
-- done_at is set in the transaction that sends (or discards) the letter, so nothing goes twice.
-- For a replay, generation is the letter's replay number and outcome is written by the worker.
CREATE TABLE dead_letter_action_items (
    action_id  bigint      NOT NULL REFERENCES dead_letter_actions (id) ON DELETE CASCADE,
    letter_id  bigint      NOT NULL,
    done_at    timestamptz,
    generation integer,
    outcome    text CHECK (outcome IN ('sent', 'resolved', 'failed', 'parked', 'discarded',
                                       'skipped')),
    note       text,
    PRIMARY KEY (action_id, letter_id)
);
CREATE INDEX dead_letter_action_items_letter ON dead_letter_action_items (letter_id, generation);

--changeset uploads:6-failure-reasons-and-thumbnail-sizes
-- A failed upload says why, in a stable code clients can branch on and a sentence for people.
-- Uploads that failed before codes existed get the generic one.
ALTER TABLE uploads ADD COLUMN failure_code text, ADD COLUMN failure_detail text;
UPDATE uploads SET failure_code = 'processing_failed',
                   failure_detail = 'The image could not be processed.'
 WHERE status = 'failed';
ALTER TABLE uploads ADD CONSTRAINT uploads_failure_iff_failed
    CHECK ((status = 'failed') = (failure_code IS NOT NULL AND failure_detail IS NOT NULL));

-- A thumbnail is addressed by its size (the configured width, as in its URL); width and height
-- are those of the stored image, which is smaller than the size when the source was.
ALTER TABLE thumbnails RENAME COLUMN width TO size;
ALTER TABLE thumbnails ADD COLUMN width integer;
UPDATE thumbnails SET width = size;
ALTER TABLE thumbnails ALTER COLUMN width SET NOT NULL;

--changeset uploads:7-dead-letter-traces
-- The span of the dead letter (a child of the failed attempt's), as a W3C traceparent: an operator's
-- replay of the letter is its child, so the replayed processing stays in the upload's trace.
-- Letters written before it fall back to the traceparent among their original headers.
ALTER TABLE dead_letters ADD COLUMN traceparent text;

--changeset uploads:8-console
-- An operator key is a viewer's (look only) or an operator's (look and act). Keys made before
-- roles existed could act, so they stay operators.
ALTER TABLE operators ADD COLUMN role text NOT NULL DEFAULT 'operator'
    CHECK (role IN ('viewer', 'operator'));

-- A replay can be paused, resumed and cancelled; a cancelled one leaves its unsent letters as
-- they were.
ALTER TABLE dead_letter_actions DROP CONSTRAINT dead_letter_actions_status_check;
ALTER TABLE dead_letter_actions ADD CONSTRAINT dead_letter_actions_status_check
    CHECK (status IN ('running', 'paused', 'cancelled', 'completed', 'failed'));

-- Who paused, resumed or cancelled an action, when and why: part of the audit trail.
CREATE TABLE dead_letter_action_controls (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id bigint      NOT NULL REFERENCES dead_letter_actions (id) ON DELETE CASCADE,
    control   text        NOT NULL CHECK (control IN ('pause', 'resume', 'cancel')),
    operator  text        NOT NULL,
    via       text        NOT NULL CHECK (via IN ('cli', 'http')),
    reason    text,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_action_controls_action ON dead_letter_action_controls (action_id);

-- What each worker process last said of each of its jobs: consumer lag and breaker states, for
-- the console's overview. A row not refreshed for a while belongs to a worker that is gone.
CREATE TABLE worker_status (
    instance  text        NOT NULL,
    job       text        NOT NULL,
    lag       bigint,
    breakers  jsonb       NOT NULL DEFAULT '{}',
    seen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, job)
);
