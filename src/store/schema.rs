//! Numbered schema migrations keyed on PRAGMA user_version; each runs in one transaction.

/// `application_id` marks a file as a warden database ("WARD").
pub const APPLICATION_ID: i64 = 0x5741_5244;

/// Migration N (1-based) takes the schema from version N-1 to N. Append only: never edit a released one.
pub const MIGRATIONS: &[&str] = &[
    // 1: the foundation
    r#"
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('officer','assessor','programme','supervisor','admin')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE facility (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    region   TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('men','women','juvenile','mixed')),
    security TEXT NOT NULL CHECK (security IN ('minimum','medium','close','maximum'))
) STRICT;

CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facility(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('male','female')),
    age_group   TEXT NOT NULL CHECK (age_group IN ('adult','young')),
    legal_use   TEXT NOT NULL CHECK (legal_use IN ('remand','convicted','civil','immigration','any')),
    security    TEXT NOT NULL CHECK (security IN ('minimum','medium','close','maximum')),
    UNIQUE (facility_id, code)
) STRICT;

CREATE TABLE cell (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    code        TEXT NOT NULL,
    certified   INTEGER NOT NULL CHECK (certified >= 1),
    operational INTEGER NOT NULL CHECK (operational >= certified),
    maximum     INTEGER NOT NULL CHECK (maximum >= operational),
    out_of_use  TEXT,
    UNIQUE (unit_id, code)
) STRICT;

CREATE TABLE prisoner (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    family_name      TEXT NOT NULL,
    given_names      TEXT NOT NULL,
    birth            TEXT NOT NULL,
    sex              TEXT NOT NULL CHECK (sex IN ('male','female')),
    legal_status     TEXT NOT NULL CHECK (legal_status IN ('remand','convicted','civil','immigration')),
    admitted_at      TEXT NOT NULL,
    expected_release TEXT,
    home_district    TEXT NOT NULL,
    vep              INTEGER NOT NULL CHECK (vep IN (0,1)),
    vulnerable       INTEGER NOT NULL CHECK (vulnerable IN (0,1)),
    medical_alert    INTEGER NOT NULL CHECK (medical_alert IN (0,1)),
    facility_id      INTEGER REFERENCES facility(id),
    cell_id          INTEGER REFERENCES cell(id),
    in_custody       INTEGER NOT NULL CHECK (in_custody IN (0,1)),
    -- folded "family given" for prefix search and sorting
    sort_key         TEXT NOT NULL,
    -- the rest of the record (aliases, offences, next of kin ...) as JSON; see store::prisoners
    details          TEXT NOT NULL
) STRICT;
CREATE INDEX prisoner_facility ON prisoner(facility_id) WHERE in_custody = 1;
CREATE INDEX prisoner_cell ON prisoner(cell_id) WHERE in_custody = 1;
CREATE INDEX prisoner_sort_key ON prisoner(sort_key);
CREATE INDEX prisoner_admitted ON prisoner(admitted_at);
-- Covers the home screen's counts, so signing in does not read the whole register.
CREATE INDEX prisoner_headline ON prisoner(in_custody, legal_status, sex);

-- Folded names and numbers for substring search in any script; rowid = prisoner.id.
CREATE VIRTUAL TABLE prisoner_search USING fts5(names, tokenize = 'trigram');

CREATE TABLE custody_event (
    id          INTEGER PRIMARY KEY,
    prisoner_id INTEGER NOT NULL REFERENCES prisoner(id),
    kind        TEXT NOT NULL CHECK (kind IN ('admission','transfer-out','transfer-in','release')),
    at          TEXT NOT NULL,
    facility_id INTEGER NOT NULL REFERENCES facility(id),
    authority   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) STRICT;
CREATE INDEX custody_event_prisoner ON custody_event(prisoner_id);

-- Unsaved form contents, written as they are typed so a power cut loses at most the key in flight. Not register
-- data and not audited: a draft is deleted when its form is saved or discarded.
CREATE TABLE draft (
    owner      TEXT NOT NULL,
    key        TEXT NOT NULL,
    payload    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (owner, key)
) STRICT;

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
-- The chain detects tampering; these stop accidents through the application's own connection.
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
"#,
    // 2: allocation: non-associations, cell moves, segregation, and an index for the allocator's cell summaries
    r#"
CREATE TABLE non_association (
    id            INTEGER PRIMARY KEY,
    first_id      INTEGER NOT NULL REFERENCES prisoner(id),
    first_role    TEXT NOT NULL
                  CHECK (first_role IN ('victim','perpetrator','rival','gang','co-defendant','other')),
    second_id     INTEGER NOT NULL REFERENCES prisoner(id),
    second_role   TEXT NOT NULL
                  CHECK (second_role IN ('victim','perpetrator','rival','gang','co-defendant','other')),
    reason        TEXT NOT NULL CHECK (reason IN ('bullying','gang','organised-crime','legal-request','threat',
                                                  'violence','other')),
    scope         TEXT NOT NULL CHECK (scope IN ('cell','unit','facility')),
    comment       TEXT NOT NULL CHECK (length(trim(comment)) >= 1 AND length(comment) <= 240),
    start         TEXT NOT NULL,
    expiry        TEXT CHECK (expiry IS NULL OR expiry >= start),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    closed_at     TEXT,
    closed_by     TEXT,
    closed_reason TEXT,
    CHECK (first_id <> second_id),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (closed_reason IS NULL))
) STRICT;
-- One open record per pair, whichever way round it was entered. Records are closed, never deleted.
CREATE UNIQUE INDEX non_association_open_pair
    ON non_association(min(first_id, second_id), max(first_id, second_id)) WHERE closed_at IS NULL;
CREATE INDEX non_association_first ON non_association(first_id);
CREATE INDEX non_association_second ON non_association(second_id);
CREATE TRIGGER non_association_no_delete BEFORE DELETE ON non_association
BEGIN SELECT RAISE(ABORT, 'non-associations are closed, never deleted'); END;

CREATE TABLE movement (
    id              INTEGER PRIMARY KEY,
    prisoner_id     INTEGER NOT NULL REFERENCES prisoner(id),
    from_cell       INTEGER REFERENCES cell(id),
    to_cell         INTEGER REFERENCES cell(id),
    at              TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (reason IN ('admission','reclassification','overcrowding','non-association',
                                                    'discipline','medical','transfer','release')),
    comment         TEXT NOT NULL CHECK (length(comment) <= 240),
    recorded_by     TEXT NOT NULL,
    -- Set only when a supervisor placed someone despite a hard rule: the rules broken and why.
    overridden      TEXT,
    override_reason TEXT,
    CHECK (from_cell IS NOT NULL OR to_cell IS NOT NULL),
    CHECK ((overridden IS NULL) = (override_reason IS NULL))
) STRICT;
CREATE INDEX movement_prisoner ON movement(prisoner_id, at);

CREATE TABLE segregation (
    id          INTEGER PRIMARY KEY,
    prisoner_id INTEGER NOT NULL REFERENCES prisoner(id),
    started_at  TEXT NOT NULL,
    ended_at    TEXT CHECK (ended_at IS NULL OR ended_at >= started_at),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) >= 1 AND length(reason) <= 240),
    recorded_by TEXT NOT NULL,
    ended_by    TEXT,
    CHECK ((ended_at IS NULL) = (ended_by IS NULL))
) STRICT;
CREATE UNIQUE INDEX segregation_open ON segregation(prisoner_id) WHERE ended_at IS NULL;

-- What the allocator needs about each occupant, read from the index alone: the rows themselves carry the
-- whole record as JSON and a full scan of them takes ten times as long on a national register.
CREATE INDEX prisoner_placement
    ON prisoner(cell_id, sex, legal_status, birth, vep, vulnerable, json_extract(details, '$.languages'))
    WHERE in_custody = 1 AND cell_id IS NOT NULL;
"#,
    // 3: assessments: form versions as they were when first used, and assessment records with their revisions
    r#"
-- The text of every form version ever used, so a record made with it always shows with its own questions and
-- weights. A file changed without a new version number is refused when the forms load (store::assessments).
CREATE TABLE form_version (
    form_id    TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    source     TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
) STRICT;
CREATE TRIGGER form_version_fixed_update BEFORE UPDATE ON form_version
BEGIN SELECT RAISE(ABORT, 'a recorded form version never changes: give the file a new version number'); END;
CREATE TRIGGER form_version_fixed_delete BEFORE DELETE ON form_version
BEGIN SELECT RAISE(ABORT, 'a recorded form version is never deleted'); END;

-- One row per revision of an assessment. A draft is saved as each answer is entered; finalising locks it; an
-- amendment is a new revision of the same series, and the earlier revisions stay as they were.
CREATE TABLE assessment (
    id               INTEGER PRIMARY KEY,
    series           INTEGER NOT NULL,
    revision         INTEGER NOT NULL CHECK (revision >= 1),
    form_id          TEXT NOT NULL,
    form_version     INTEGER NOT NULL,
    form_sha256      TEXT NOT NULL,
    prisoner_id      INTEGER REFERENCES prisoner(id),
    facility_id      INTEGER REFERENCES facility(id),
    status           TEXT NOT NULL CHECK (status IN ('draft','final')),
    author           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    answers          TEXT NOT NULL,
    amend_reason     TEXT,
    -- Set when finalised:
    assessed_on      TEXT,
    finalised_at     TEXT,
    scores           TEXT,
    scored_result    TEXT,
    mandatory_reason TEXT,
    override_result  TEXT,
    override_reason  TEXT,
    result           TEXT,
    custody_level    TEXT CHECK (custody_level IN ('minimum','medium','close','maximum')),
    findings         TEXT,
    next_review      TEXT,
    approval         TEXT NOT NULL DEFAULT 'none' CHECK (approval IN ('none','pending','approved')),
    approved_by      TEXT,
    approved_at      TEXT,
    FOREIGN KEY (form_id, form_version) REFERENCES form_version(form_id, version),
    UNIQUE (series, revision),
    CHECK ((prisoner_id IS NULL) <> (facility_id IS NULL)),
    CHECK ((status = 'final') = (finalised_at IS NOT NULL)),
    CHECK ((override_result IS NULL) = (override_reason IS NULL)),
    CHECK ((approved_by IS NULL) = (approved_at IS NULL) AND (approved_by IS NULL) = (approval <> 'approved')),
    CHECK (approved_by IS NULL OR approved_by <> author),
    CHECK (revision = 1 OR amend_reason IS NOT NULL)
) STRICT;
-- At most one draft per series: two people amending one record at once would lose one of the amendments.
CREATE UNIQUE INDEX assessment_one_draft ON assessment(series) WHERE status = 'draft';
CREATE INDEX assessment_prisoner ON assessment(prisoner_id, form_id) WHERE prisoner_id IS NOT NULL;
CREATE INDEX assessment_facility ON assessment(facility_id, form_id) WHERE facility_id IS NOT NULL;
CREATE INDEX assessment_author_drafts ON assessment(author) WHERE status = 'draft';
CREATE INDEX assessment_pending ON assessment(approval) WHERE approval = 'pending';
CREATE INDEX assessment_review ON assessment(next_review) WHERE next_review IS NOT NULL;
-- A final revision is locked: only its approval may change, once, from pending to approved.
CREATE TRIGGER assessment_final_locked BEFORE UPDATE ON assessment
WHEN OLD.status = 'final' AND (
    NEW.status IS NOT OLD.status OR NEW.answers IS NOT OLD.answers OR NEW.result IS NOT OLD.result
    OR NEW.scores IS NOT OLD.scores OR NEW.override_result IS NOT OLD.override_result
    OR NEW.override_reason IS NOT OLD.override_reason OR NEW.custody_level IS NOT OLD.custody_level
    OR NEW.next_review IS NOT OLD.next_review OR NEW.author IS NOT OLD.author
    OR NEW.form_sha256 IS NOT OLD.form_sha256 OR NEW.assessed_on IS NOT OLD.assessed_on
    OR NOT (NEW.approval IS OLD.approval OR (OLD.approval = 'pending' AND NEW.approval = 'approved'))
    OR (OLD.approval = 'approved' AND NEW.approved_by IS NOT OLD.approved_by))
BEGIN SELECT RAISE(ABORT, 'a finalised assessment is locked: amend it instead'); END;
CREATE TRIGGER assessment_final_kept BEFORE DELETE ON assessment WHEN OLD.status = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised assessment is never deleted'); END;
"#,
    // 4: intervention rosters: programmes, weekly slots, cancelled sessions, referrals with their history,
    // attendance, and pre-release plans with their post-release referrals
    r#"
CREATE TABLE programme (
    id                 INTEGER PRIMARY KEY,
    facility_id        INTEGER NOT NULL REFERENCES facility(id),
    code               TEXT NOT NULL,
    name               TEXT NOT NULL,
    category           TEXT NOT NULL CHECK (category IN ('education','literacy','vocational','work','faith',
                           'counselling','cbt','sport','family-contact','pre-release')),
    provider           TEXT NOT NULL,
    facilitators       TEXT NOT NULL,
    room               TEXT NOT NULL,
    capacity           INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    starts_on          TEXT NOT NULL,
    ends_on            TEXT NOT NULL,
    eligibility        TEXT NOT NULL,
    completion_percent INTEGER NOT NULL CHECK (completion_percent BETWEEN 1 AND 100),
    vep_share_percent  INTEGER NOT NULL CHECK (vep_share_percent BETWEEN 0 AND 100),
    UNIQUE (facility_id, code),
    CHECK (ends_on >= starts_on)
) STRICT;

CREATE TABLE programme_slot (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts       TEXT NOT NULL,
    ends         TEXT NOT NULL,
    CHECK (ends > starts)
) STRICT;
CREATE INDEX programme_slot_programme ON programme_slot(programme_id);

-- A session that did not run (holiday, lockdown ...). Its absence from a register is then expected.
CREATE TABLE session_cancelled (
    slot_id    INTEGER NOT NULL REFERENCES programme_slot(id),
    on_date    TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('holiday','lockdown','staff-unavailable','room-unavailable','other')),
    comment    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (slot_id, on_date)
) STRICT;

-- One row per person and programme from referral to its end; `referral_event` keeps every change with who, when
-- and why. A suggestion is worked out from the needs screen and becomes a row only when someone acts on it.
CREATE TABLE referral (
    id              INTEGER PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programme(id),
    prisoner_id     INTEGER NOT NULL REFERENCES prisoner(id),
    status          TEXT NOT NULL CHECK (status IN ('referred','waitlisted','allocated','completed','withdrawn','declined')),
    need            TEXT,
    referred_on     TEXT NOT NULL,
    allocated_on    TEXT,
    override_reason TEXT,
    override_by     TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    CHECK ((override_reason IS NULL) = (override_by IS NULL))
) STRICT;
CREATE UNIQUE INDEX referral_open ON referral(programme_id, prisoner_id)
    WHERE status IN ('referred','waitlisted','allocated');
CREATE INDEX referral_prisoner ON referral(prisoner_id, status);
CREATE INDEX referral_programme ON referral(programme_id, status);

CREATE TABLE referral_event (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral(id),
    at          TEXT NOT NULL,
    by          TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL
) STRICT;
CREATE INDEX referral_event_referral ON referral_event(referral_id);
CREATE TRIGGER referral_event_kept_update BEFORE UPDATE ON referral_event
BEGIN SELECT RAISE(ABORT, 'referral history is never changed'); END;
CREATE TRIGGER referral_event_kept_delete BEFORE DELETE ON referral_event
BEGIN SELECT RAISE(ABORT, 'referral history is never deleted'); END;

CREATE TABLE attendance (
    referral_id INTEGER NOT NULL REFERENCES referral(id),
    slot_id     INTEGER NOT NULL REFERENCES programme_slot(id),
    on_date     TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('attended','sick','refused','court','legal-visit','lockdown',
                    'transferred','released','other')),
    comment     TEXT NOT NULL DEFAULT '',
    marked_at   TEXT NOT NULL,
    marked_by   TEXT NOT NULL,
    PRIMARY KEY (referral_id, slot_id, on_date),
    CHECK (outcome <> 'other' OR length(trim(comment)) > 0)
) STRICT;
CREATE INDEX attendance_session ON attendance(slot_id, on_date);

-- Continuity of care: one plan per person, with the referrals to organisations that take over after release.
CREATE TABLE release_plan (
    prisoner_id     INTEGER PRIMARY KEY REFERENCES prisoner(id),
    documents_ready INTEGER NOT NULL CHECK (documents_ready IN (0,1)),
    housing         TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
) STRICT;

CREATE TABLE aftercare_referral (
    id           INTEGER PRIMARY KEY,
    prisoner_id  INTEGER NOT NULL REFERENCES prisoner(id),
    organisation TEXT NOT NULL,
    contact      TEXT NOT NULL,
    need         TEXT NOT NULL DEFAULT '',
    appointment  TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
) STRICT;
CREATE INDEX aftercare_prisoner ON aftercare_referral(prisoner_id);
"#,
    // 5: sending an assessment back instead of approving it, review triggers, and the custody level in force while
    // a classification awaits approval (a discretionary override binds only once approved, unless it is stricter)
    r#"
CREATE TABLE assessment_return (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessment(id),
    returned_by   TEXT NOT NULL,
    returned_at   TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (length(trim(reason)) >= 10)
) STRICT;
CREATE TRIGGER assessment_return_only_pending BEFORE INSERT ON assessment_return
WHEN NOT EXISTS (SELECT 1 FROM assessment a WHERE a.id = NEW.assessment_id AND a.status = 'final'
                 AND a.approval = 'pending' AND a.author <> NEW.returned_by)
BEGIN SELECT RAISE(ABORT, 'only an assessment awaiting approval can be sent back, and not by its author'); END;
CREATE TRIGGER assessment_return_kept_update BEFORE UPDATE ON assessment_return
BEGIN SELECT RAISE(ABORT, 'a send-back is never changed'); END;
CREATE TRIGGER assessment_return_kept_delete BEFORE DELETE ON assessment_return
BEGIN SELECT RAISE(ABORT, 'a send-back is never deleted'); END;
CREATE TRIGGER assessment_returned_locked BEFORE UPDATE OF approval ON assessment
WHEN EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'this assessment was sent back: amend it instead'); END;

-- An event the form names as a review trigger (a new conviction, self-harm ...) brings the review of the assessment
-- it was raised against forward to the day it was raised.
CREATE TABLE review_trigger (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessment(id),
    event         TEXT NOT NULL,
    note          TEXT NOT NULL CHECK (length(trim(note)) >= 10),
    raised_by     TEXT NOT NULL,
    raised_at     TEXT NOT NULL
) STRICT;
CREATE INDEX review_trigger_assessment ON review_trigger(assessment_id);
CREATE TRIGGER review_trigger_only_final BEFORE INSERT ON review_trigger
WHEN NOT EXISTS (SELECT 1 FROM assessment a WHERE a.id = NEW.assessment_id AND a.status = 'final')
BEGIN SELECT RAISE(ABORT, 'a review can be called only on a finalised assessment'); END;
CREATE TRIGGER review_trigger_kept_update BEFORE UPDATE ON review_trigger
BEGIN SELECT RAISE(ABORT, 'a review trigger is never changed'); END;
CREATE TRIGGER review_trigger_kept_delete BEFORE DELETE ON review_trigger
BEGIN SELECT RAISE(ABORT, 'a review trigger is never deleted'); END;

-- The custody level the scores gave, before any discretionary override. Older records: the scored result when it
-- names a level, else the level recorded.
ALTER TABLE assessment ADD COLUMN scored_level TEXT
    CHECK (scored_level IN ('minimum','medium','close','maximum'));
UPDATE assessment SET scored_level = CASE
        WHEN lower(scored_result) IN ('minimum','medium','close','maximum') THEN lower(scored_result)
        ELSE custody_level END
    WHERE custody_level IS NOT NULL;
CREATE TRIGGER assessment_scored_level_locked BEFORE UPDATE OF scored_level ON assessment
WHEN OLD.status = 'final' AND NEW.scored_level IS NOT OLD.scored_level
BEGIN SELECT RAISE(ABORT, 'a finalised assessment is locked: amend it instead'); END;

-- Each finalised classification that counts, with the level it puts in force: sent-back revisions do not count;
-- while approval is pending an override binds only where it is stricter than the scores.
CREATE VIEW classification AS
SELECT a.id, a.series, a.prisoner_id, a.form_id, a.finalised_at, a.next_review, a.approval,
       CASE WHEN a.approval = 'pending' AND a.override_result IS NOT NULL AND a.scored_level IS NOT NULL
                 AND (CASE a.scored_level WHEN 'minimum' THEN 1 WHEN 'medium' THEN 2 WHEN 'close' THEN 3 ELSE 4 END)
                   > (CASE a.custody_level WHEN 'minimum' THEN 1 WHEN 'medium' THEN 2 WHEN 'close' THEN 3 ELSE 4 END)
            THEN a.scored_level ELSE a.custody_level END AS level
FROM assessment a
WHERE a.status = 'final' AND a.custody_level IS NOT NULL AND a.prisoner_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM assessment_return r WHERE r.assessment_id = a.id);
"#,
    // Issue 16: the operating-system accounts that may run the command line, each as one warden user; and the
    // forms whose records only roles with the VEP permission may see, as the form files declare them.
    r#"
CREATE TABLE os_account (
    account   TEXT PRIMARY KEY,
    staff_id  INTEGER NOT NULL UNIQUE REFERENCES staff(id),
    linked_at TEXT NOT NULL
) STRICT;

CREATE TABLE form_access (
    form_id TEXT PRIMARY KEY,
    access  TEXT NOT NULL CHECK (access IN ('normal','restricted'))
) STRICT;

-- Failed sign-ins under names that are no account, counted like an account's, so the messages at each try are
-- the same whether or not the name exists.
CREATE TABLE login_failure (
    name          TEXT PRIMARY KEY,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
) STRICT;
"#,
    // 7 (issue 17): the legal basis of detention as cases (warrant, offence class, committal, sentence), a court
    // order's release date with its reason, and the index the past-release alert reads. Each recorded sentence
    // becomes one case, its class 'unrecorded'; the old fields in `details` stay as they were.
    r#"
CREATE TABLE custody_case (
    id               INTEGER PRIMARY KEY,
    prisoner_id      INTEGER NOT NULL REFERENCES prisoner(id),
    warrant_ref      TEXT NOT NULL,
    court            TEXT NOT NULL,
    warrant_issued   TEXT NOT NULL,
    warrant_expires  TEXT,
    offence          TEXT NOT NULL,
    offence_class    TEXT NOT NULL
        CHECK (offence_class IN ('minor','serious','grave','civil','immigration','unrecorded')),
    committed_on     TEXT NOT NULL,
    -- NULL while not sentenced; then 'term' (years, months, days) or 'life'
    sentence         TEXT CHECK (sentence IN ('term','life')),
    years            INTEGER NOT NULL DEFAULT 0 CHECK (years >= 0),
    months           INTEGER NOT NULL DEFAULT 0 CHECK (months >= 0),
    days             INTEGER NOT NULL DEFAULT 0 CHECK (days >= 0),
    sentence_start   TEXT,
    -- 'concurrent' (optionally naming the case it runs with) or 'consecutive' (naming the case it follows)
    relation         TEXT NOT NULL DEFAULT 'concurrent' CHECK (relation IN ('concurrent','consecutive')),
    related_case     INTEGER REFERENCES custody_case(id),
    CHECK (sentence IS NULL OR sentence_start IS NOT NULL),
    CHECK (relation = 'concurrent' OR related_case IS NOT NULL)
) STRICT;
CREATE INDEX custody_case_prisoner ON custody_case(prisoner_id);

CREATE TABLE release_override (
    prisoner_id INTEGER PRIMARY KEY REFERENCES prisoner(id),
    release_on  TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0)
) STRICT;

CREATE INDEX prisoner_release ON prisoner(expected_release) WHERE in_custody = 1;

INSERT INTO custody_case(prisoner_id, warrant_ref, court, warrant_issued, offence, offence_class, committed_on,
                         sentence, months, sentence_start)
SELECT id,
       coalesce(nullif(json_extract(details, '$.warrant_ref'), ''), 'not recorded'),
       coalesce(nullif(json_extract(details, '$.committing_authority'), ''), 'not recorded'),
       coalesce(json_extract(details, '$.sentence_start'), substr(admitted_at, 1, 10)),
       coalesce(nullif(json_extract(details, '$.offences'), ''), 'not recorded'),
       'unrecorded',
       min(substr(admitted_at, 1, 10), coalesce(json_extract(details, '$.sentence_start'), substr(admitted_at, 1, 10))),
       'term',
       json_extract(details, '$.sentence_months'),
       coalesce(json_extract(details, '$.sentence_start'), substr(admitted_at, 1, 10))
FROM prisoner
WHERE json_extract(details, '$.sentence_months') IS NOT NULL
ORDER BY id;
"#,
    // 8 (issue 17, item 7): search as staff type. Every word of a person's names, Latin civil-status spellings and
    // aliases (folded, and in Latin letters too when written in another script), so the words of a query can be
    // found in any order, each as the beginning of one, with prefix indexes for the first one to three letters.
    // The folding now makes every Latin letter plain (đ, ø, ł, ß ...), so after this SQL the program rebuilds the
    // sort keys and both search indexes for every row ([`REINDEX_NAMES_AT`]).
    r#"
-- What ranks a match, one small row a person (the folded number, the sort key, custody, the words, the aliases as
-- written), so a search ranks its candidates from these rows and reads only the best from prisoner, whose rows
-- carry the whole record. The word index takes its text from here (external content): the program deletes a
-- row's old words from the index before it replaces the row.
CREATE TABLE prisoner_find (
    id         INTEGER PRIMARY KEY REFERENCES prisoner(id),
    number     TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    in_custody INTEGER NOT NULL CHECK (in_custody IN (0,1)),
    names      TEXT NOT NULL,
    aliases    TEXT NOT NULL,
    shown      TEXT NOT NULL
) STRICT;
CREATE VIRTUAL TABLE prisoner_word USING fts5(
    names, aliases,
    content = 'prisoner_find', content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* M* Co'",
    prefix = '1 2 3'
);
"#,
    // 9 (issue 21): imports of the register from a file, each run and the rows it has admitted, so a run cut short
    // (a power cut, a killed process) is finished by running the same file again instead of admitting twice.
    r#"
CREATE TABLE import_run (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_by TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('running','done'))
) STRICT;
CREATE INDEX import_run_sha ON import_run(sha256);

CREATE TABLE import_row (
    import_id   INTEGER NOT NULL REFERENCES import_run(id),
    row         INTEGER NOT NULL,
    -- NULL when the row's number was found on the register by then (admitted at another station meanwhile)
    prisoner_id INTEGER REFERENCES prisoner(id),
    PRIMARY KEY (import_id, row)
) STRICT;

-- A person's file between stations: the national person id that travels with it (one person everywhere), the
-- stations whose signed files this one accepts, and each file received, kept whole as the history it carried.
CREATE TABLE national_person (
    prisoner_id INTEGER PRIMARY KEY REFERENCES prisoner(id),
    national_id TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE trusted_station (
    public_key TEXT PRIMARY KEY CHECK (length(public_key) = 64),
    name       TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
) STRICT;

CREATE TABLE person_history (
    id          INTEGER PRIMARY KEY,
    prisoner_id INTEGER NOT NULL REFERENCES prisoner(id),
    station     TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    received_at TEXT NOT NULL,
    file        TEXT NOT NULL
) STRICT;
CREATE INDEX person_history_prisoner ON person_history(prisoner_id);
"#,
    // 10 (issue 17, item 1): a supervisor's decision about someone who turned 18 in a unit for young prisoners: stay (in their best
    // interests, as the UN Committee on the Rights of the Child allows) or move, with the reason (issue 17).
    r#"
CREATE TABLE age_review (
    id          INTEGER PRIMARY KEY,
    prisoner_id INTEGER NOT NULL REFERENCES prisoner(id),
    decided_at  TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('stay','move')),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    decided_by  TEXT NOT NULL
) STRICT;
CREATE INDEX age_review_prisoner ON age_review(prisoner_id);
"#,
    // 11 (issue 21): an import taken back by an administrator (the people it admitted removed while nothing had
    // been recorded about them since); the run and its audit rows stay, and the same file may be imported again.
    r#"
CREATE TABLE import_undo (
    import_id INTEGER PRIMARY KEY REFERENCES import_run(id),
    at        TEXT NOT NULL,
    by        TEXT NOT NULL,
    why       TEXT NOT NULL CHECK (length(trim(why)) > 0),
    people    INTEGER NOT NULL,
    -- NULL while the people are being removed (an undo cut short is finished by running it again)
    finished_at TEXT
) STRICT;
-- The cell move an import made for a row (its placement), told apart from moves staff made since.
ALTER TABLE import_row ADD COLUMN movement_id INTEGER;
"#,
    // 12 (issue 17, item 4): a supervisor's placement against a rule is temporary: the day it is looked at again,
    // and each review that keeps it (with the next day and the reason), until the person is in a cell that breaks
    // no rule.
    r#"
ALTER TABLE movement ADD COLUMN review_by TEXT;
CREATE TABLE placement_review (
    id          INTEGER PRIMARY KEY,
    movement_id INTEGER NOT NULL REFERENCES movement(id),
    reviewed_at TEXT NOT NULL,
    reviewed_by TEXT NOT NULL,
    next_review TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0)
) STRICT;
CREATE INDEX placement_review_movement ON placement_review(movement_id);
-- The few overrides, so Home's temporary-placement alert reads them and not every movement of the register.
CREATE INDEX movement_overridden ON movement(prisoner_id) WHERE overridden IS NOT NULL;
"#,
    // 13 (issue 19): the allocator's occupant index holds `in_custody` too. The query repeats the partial index's
    // condition, and without the column SQLite read every occupant's row (the whole record as JSON) to check it:
    // the index was used, but not alone (found by the test that explains the allocator's own query).
    r#"
DROP INDEX prisoner_placement;
CREATE INDEX prisoner_placement
    ON prisoner(cell_id, sex, legal_status, birth, vep, vulnerable, json_extract(details, '$.languages'), in_custody)
    WHERE in_custody = 1 AND cell_id IS NOT NULL;
"#,
];

/// After migrating to this version, every row's sort key and search rows are rebuilt in the same transaction
/// (`prisoners::reindex_names`): they are computed in Rust, by the folding the searches use.
pub const REINDEX_NAMES_AT: i64 = 8;

pub const LATEST: i64 = MIGRATIONS.len() as i64;
