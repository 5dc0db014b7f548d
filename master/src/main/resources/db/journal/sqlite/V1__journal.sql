-- The plan journal (docs/journal.md). Times are epoch milliseconds (UTC).
CREATE TABLE baton_epoch (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  epoch      INTEGER NOT NULL,
  holder     TEXT    NOT NULL,
  address    TEXT    NOT NULL,
  claimed_at INTEGER NOT NULL
);
INSERT INTO baton_epoch (id, epoch, holder, address, claimed_at) VALUES (1, 0, '', '', 0);

CREATE TABLE baton_epochs (
  epoch      INTEGER PRIMARY KEY,
  holder     TEXT    NOT NULL,
  address    TEXT    NOT NULL,
  claimed_at INTEGER NOT NULL
);

CREATE TABLE baton_plans (
  plan_id       TEXT    PRIMARY KEY,
  accepted_at   INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL,
  state         INTEGER NOT NULL,
  finished_at   INTEGER
);

-- position: global, increasing in commit order (AUTOINCREMENT never reuses a deleted one).
CREATE TABLE baton_events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  plan_id  TEXT    NOT NULL,
  sequence INTEGER NOT NULL,
  epoch    INTEGER NOT NULL,
  crc      INTEGER NOT NULL,
  data     BLOB    NOT NULL,
  UNIQUE (plan_id, sequence)
);

CREATE TABLE baton_snapshots (
  plan_id  TEXT    NOT NULL,
  sequence INTEGER NOT NULL,
  crc      INTEGER NOT NULL,
  data     BLOB    NOT NULL,
  PRIMARY KEY (plan_id, sequence)
);
