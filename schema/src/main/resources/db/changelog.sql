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
    payload       json        NOT NULL,
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
