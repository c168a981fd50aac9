-- The first parlq catalog schema.
--
-- Dates of the procedure ("received", "answered", …) are 'YYYY-MM-DD' text;
-- times ("fetched_at", "started_at", …) are ISO 8601 text in UTC with
-- milliseconds ('2025-03-01T21:04:05.123Z'); an unknown value is NULL.
-- "record" columns hold the full question as JSON, the same JSON as the API.

-- One harvest run of one source.
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    outcome      TEXT NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running', 'ok', 'failed', 'interrupted')),
    requests     INTEGER NOT NULL DEFAULT 0,
    discovered   INTEGER NOT NULL DEFAULT 0,
    new          INTEGER NOT NULL DEFAULT 0,
    changed      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    not_modified INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_source ON runs (source, started_at);

-- One archived response (a WARC response record).
CREATE TABLE captures (
    id               INTEGER PRIMARY KEY,
    source           TEXT NOT NULL,
    url              TEXT NOT NULL,          -- canonical fetch URL
    question_id      TEXT,                   -- NULL for index and list pages
    record_id        TEXT NOT NULL UNIQUE,   -- WARC-Record-ID
    warc_file        TEXT NOT NULL DEFAULT '',
    warc_offset      INTEGER NOT NULL DEFAULT 0,
    payload_digest   TEXT NOT NULL DEFAULT '',
    norm_digest      TEXT NOT NULL DEFAULT '', -- digest of the normalized page
    http_status      INTEGER NOT NULL,
    etag             TEXT NOT NULL DEFAULT '',
    last_modified    TEXT NOT NULL DEFAULT '',
    fetched_at       TEXT NOT NULL,
    run_id           INTEGER REFERENCES runs (id),
    question_version INTEGER                 -- the version this capture was parsed into; NULL if never parsed
);
CREATE INDEX captures_by_url ON captures (url, fetched_at);
CREATE INDEX captures_by_question ON captures (question_id, fetched_at);
CREATE INDEX captures_by_source ON captures (source, fetched_at);

-- The current record of each question (its latest version).
CREATE TABLE questions (
    id                TEXT PRIMARY KEY,      -- 'brussels/prb/167744'
    source            TEXT NOT NULL,
    assembly          TEXT NOT NULL,
    type              TEXT NOT NULL,
    number            TEXT,
    title             TEXT NOT NULL,
    author            TEXT,
    author_party      TEXT,
    addressee         TEXT,
    addressee_role    TEXT,
    legislature       TEXT,
    session           TEXT,
    received          TEXT,
    published         TEXT,
    answered          TEXT,
    status            TEXT NOT NULL,
    language          TEXT NOT NULL,
    url               TEXT NOT NULL,
    question_text     TEXT,
    answer_text       TEXT,
    version           INTEGER NOT NULL,
    fetched_at        TEXT NOT NULL,         -- when this version was fetched
    capture_record_id TEXT,                  -- WARC-Record-ID it was parsed from
    parser_version    TEXT,
    record            TEXT NOT NULL          -- the full record, JSON
);
CREATE INDEX questions_by_source_status ON questions (source, status);

-- Every version of every question, oldest first; a new one only when the
-- parsed record changed.
CREATE TABLE versions (
    question_id       TEXT NOT NULL REFERENCES questions (id),
    version           INTEGER NOT NULL,
    status            TEXT NOT NULL,
    changed           TEXT NOT NULL DEFAULT '[]', -- JSON array of the record fields that changed
    fetched_at        TEXT NOT NULL,
    capture_record_id TEXT,
    parser_version    TEXT,
    record            TEXT NOT NULL,
    PRIMARY KEY (question_id, version)
);

-- Things that happened to a question, seen between two versions
-- (kind 'status': pending -> answered, -> lapsed, …).
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    question_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    from_value  TEXT NOT NULL DEFAULT '',
    to_value    TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    FOREIGN KEY (question_id, version) REFERENCES versions (question_id, version)
);
CREATE INDEX events_by_source ON events (source, at);

-- Harvest planning: one row per known question, from the moment an index
-- lists it, before its first successful fetch.
CREATE TABLE tracking (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    url          TEXT NOT NULL,    -- the page to fetch
    type         TEXT NOT NULL DEFAULT '',
    received     TEXT,
    updated      TEXT,             -- latest change date the index gave
    status       TEXT NOT NULL DEFAULT '', -- '' until first parsed
    answered     TEXT,
    listing      TEXT,             -- what the index row told, record JSON
    last_fetched TEXT,             -- last successful fetch
    last_changed TEXT,             -- fetch that produced the latest version
    last_failed  TEXT,
    failures     INTEGER NOT NULL DEFAULT 0, -- consecutive failed fetches
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tracking_by_source ON tracking (source, id);
