-- The plan journal (docs/journal.md). Times are epoch milliseconds (UTC), as in the SQLite journal;
-- the lease uses the database's clock (now()) so that masters' clocks never matter.
CREATE TABLE baton_epoch (
  id         SMALLINT PRIMARY KEY CHECK (id = 1),
  epoch      BIGINT   NOT NULL,
  holder     TEXT     NOT NULL,
  address    TEXT     NOT NULL,
  claimed_at BIGINT   NOT NULL
);
INSERT INTO baton_epoch (id, epoch, holder, address, claimed_at) VALUES (1, 0, '', '', 0);

CREATE TABLE baton_epochs (
  epoch      BIGINT PRIMARY KEY,
  holder     TEXT   NOT NULL,
  address    TEXT   NOT NULL,
  claimed_at BIGINT NOT NULL
);

CREATE TABLE baton_plans (
  plan_id       TEXT    PRIMARY KEY,
  accepted_at   BIGINT  NOT NULL,
  last_sequence BIGINT  NOT NULL,
  state         INTEGER NOT NULL,
  finished_at   BIGINT
);

-- position: global, increasing in commit order because one writer appends at a time (the epoch
-- row's lock orders a new leader's claim after the old leader's last commit).
CREATE TABLE baton_events (
  position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id  TEXT   NOT NULL,
  sequence BIGINT NOT NULL,
  epoch    BIGINT NOT NULL,
  crc      BIGINT NOT NULL,
  data     BYTEA  NOT NULL,
  UNIQUE (plan_id, sequence)
);

CREATE TABLE baton_snapshots (
  plan_id  TEXT   NOT NULL,
  sequence BIGINT NOT NULL,
  crc      BIGINT NOT NULL,
  data     BYTEA  NOT NULL,
  PRIMARY KEY (plan_id, sequence)
);

-- Leader election without Consul (PostgresLeadership): one row per lease name.
CREATE TABLE baton_lease (
  name       TEXT        PRIMARY KEY,
  holder     TEXT        NOT NULL,
  address    TEXT        NOT NULL,
  term       BIGINT      NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
