-- What a harvest holds back, what a run noted, and what the lists said.

-- Runs gain the outcome 'suspect' (the run did everything, but held back
-- captures that would have made records worse), the number of those
-- captures, and notes: what an ok run met that is not an error (robots.txt
-- missing, a quiet night, a legislature index that does not exist). SQLite
-- cannot change a CHECK constraint, so the table is rebuilt; the migration
-- runs with foreign keys off and checks them before it commits.
CREATE TABLE runs_new (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    outcome      TEXT NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running', 'ok', 'suspect', 'failed', 'interrupted')),
    requests     INTEGER NOT NULL DEFAULT 0,
    discovered   INTEGER NOT NULL DEFAULT 0,
    new          INTEGER NOT NULL DEFAULT 0,
    changed      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    not_modified INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    suspects     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT ''
);
INSERT INTO runs_new (id, source, started_at, finished_at, outcome, requests, discovered, new, changed,
                      unchanged, not_modified, failed, skipped, error)
    SELECT id, source, started_at, finished_at, outcome, requests, discovered, new, changed,
           unchanged, not_modified, failed, skipped, error FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_by_source ON runs (source, started_at);

-- A capture whose record would lose information the current version holds
-- (a text gone blank, an answer gone, a status gone backwards …): kept in
-- the archive and in captures, never made the current version unless an
-- operator accepts it. At most one is open per question: a newer one
-- supersedes it; a good capture stored after it clears it.
CREATE TABLE suspects (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    question_id TEXT NOT NULL,
    url         TEXT NOT NULL,          -- canonical fetch URL
    record_id   TEXT NOT NULL UNIQUE,   -- WARC-Record-ID of the capture held back
    fetched_at  TEXT NOT NULL,
    run_id      INTEGER REFERENCES runs (id),  -- NULL when found by reparse
    version     INTEGER NOT NULL,       -- the current version it would have replaced
    fields      TEXT NOT NULL,          -- JSON array of the fields that would lose information
    losses      TEXT NOT NULL,          -- JSON array of {"field", "was", "now"}
    record      TEXT NOT NULL,          -- the record read from the capture, JSON
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'cleared', 'accepted', 'superseded')),
    resolved_at TEXT
);
CREATE INDEX suspects_by_question ON suspects (question_id, state);
CREATE INDEX suspects_by_source ON suspects (source, state);

-- What each list (a seed and the pages it leads to) delivered the last
-- time its delivery passed the plausibility checks: the next run compares.
CREATE TABLE lists (
    source    TEXT NOT NULL,
    url       TEXT NOT NULL,            -- the seed, canonical
    items     INTEGER NOT NULL,         -- items delivered (every type)
    announced INTEGER NOT NULL,         -- what the list said it has; -1 unknown
    run_id    INTEGER REFERENCES runs (id),
    at        TEXT NOT NULL,
    PRIMARY KEY (source, url)
);

-- Related-question references a current record holds that name no stored
-- question yet ("ukparl/commons/number:40613@2026-03-09"): when that
-- question is stored, the reference in the record becomes its id.
CREATE TABLE related_refs (
    question_id TEXT NOT NULL REFERENCES questions (id),
    ref         TEXT NOT NULL,
    PRIMARY KEY (question_id, ref)
);
CREATE INDEX related_refs_by_ref ON related_refs (ref);
CREATE INDEX questions_by_number ON questions (source, number);
