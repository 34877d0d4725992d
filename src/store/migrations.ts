import { type Scalar, attributePath } from "../core/query.js";
import { postgresDialect } from "./postgres/dialect.js";
import type { Dialect } from "./sql/compile.js";
import { sqliteDialect } from "./sqlite/dialect.js";

/**
 * Schema migrations, one list for every backend: each entry carries its SQL in each
 * dialect. Families that need tables of their own add entries through
 * `StoreOptions.migrations`; ids are applied once, in order, and recorded in
 * `schema_migrations`.
 */
export interface Migration {
  id: string;
  sqlite: string;
  postgres: string;
}

/** An index on the value at an attribute path, for filters `<field> eq <a value like sample>`. */
export interface AttributeIndex {
  name: string;
  /** `attributes.<path>`, as the query model names it. */
  field: string;
  sample: Scalar;
}

/**
 * The SQL of indexes on attribute values, in each dialect: each on the very expression the
 * query compiler writes for the field (so the planner matches it), and partial, holding
 * only the sessions that have a value there. A family adds them through its migrations
 * for the few attributes it looks for across every session (MaxScale's log flags at start).
 */
export function attributeIndexes(indexes: AttributeIndex[]): Pick<Migration, "sqlite" | "postgres"> {
  const sql = (dialect: Dialect) =>
    indexes
      .map((i) => {
        const value = dialect.jsonPath("attributes", attributePath(i.field), i.sample);
        return `CREATE INDEX ${i.name} ON sessions ((${value})) WHERE (${value}) IS NOT NULL;`;
      })
      .join("\n");
  return { sqlite: sql(sqliteDialect), postgres: sql(postgresDialect) };
}

export const CORE_MIGRATIONS: Migration[] = [
  {
    id: "0001_core",
    sqlite: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE services (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  default_timeout INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  number INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  owner TEXT,
  node_id TEXT NOT NULL,
  state TEXT NOT NULL,
  end_reason TEXT,
  status TEXT,
  name TEXT,
  description TEXT,
  visibility TEXT NOT NULL,
  password_hash TEXT,
  capacity INTEGER,
  member_count INTEGER NOT NULL DEFAULT 0,
  member_seq INTEGER NOT NULL DEFAULT 0,
  invited TEXT NOT NULL DEFAULT '[]',
  client TEXT NOT NULL DEFAULT '{}',
  attributes TEXT NOT NULL DEFAULT '{}',
  inactive_timeout INTEGER,
  timeout_seconds INTEGER NOT NULL,
  expires_at INTEGER,
  end_at INTEGER,
  end_at_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  state_changed_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  ended_at INTEGER,
  version INTEGER NOT NULL
);
CREATE INDEX sessions_service ON sessions(service_id, number);
CREATE INDEX sessions_owner ON sessions(owner, number);
CREATE INDEX sessions_created ON sessions(created_at, id);
CREATE INDEX sessions_expiry ON sessions(expires_at) WHERE state <> 'ended' AND expires_at IS NOT NULL;
CREATE INDEX sessions_end_at ON sessions(end_at) WHERE state <> 'ended' AND end_at IS NOT NULL;
CREATE INDEX sessions_ended ON sessions(ended_at) WHERE state = 'ended';

CREATE TABLE session_members (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  joined_at INTEGER NOT NULL,
  team INTEGER,
  PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
CREATE INDEX session_members_user ON session_members(user_id);

CREATE TABLE log_lines (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  stream TEXT NOT NULL,
  position INTEGER NOT NULL,
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  job_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, stream, position)
) WITHOUT ROWID;
CREATE INDEX log_lines_job ON log_lines(job_id, stream, position) WHERE job_id IS NOT NULL;

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT,
  description TEXT,
  code TEXT NOT NULL,
  state TEXT NOT NULL,
  condition_code INTEGER NOT NULL DEFAULT 0,
  node_id TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  state_changed_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (session_id, seq)
);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  session_id TEXT,
  service_id TEXT,
  node_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  access TEXT
);
CREATE INDEX events_session ON events(session_id, at);
CREATE INDEX events_at ON events(at);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  roles TEXT NOT NULL DEFAULT '[]',
  password_hash TEXT,
  device_id TEXT UNIQUE,
  client_type TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT,
  issuer TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  session_id TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
`,
    // Text that is sorted or compared by range is COLLATE "C": byte order, as SQLite
    // compares, whatever the database's default collation.
    postgres: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE services (
  id TEXT COLLATE "C" PRIMARY KEY,
  number BIGINT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  settings JSONB NOT NULL DEFAULT '{}',
  default_timeout INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);
CREATE SEQUENCE services_number_seq;

CREATE TABLE sessions (
  number BIGSERIAL PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  service_id TEXT COLLATE "C" NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  owner TEXT COLLATE "C",
  node_id TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  end_reason TEXT COLLATE "C",
  status TEXT COLLATE "C",
  name TEXT COLLATE "C",
  description TEXT COLLATE "C",
  visibility TEXT COLLATE "C" NOT NULL,
  password_hash TEXT,
  capacity INTEGER,
  member_count INTEGER NOT NULL DEFAULT 0,
  member_seq INTEGER NOT NULL DEFAULT 0,
  invited JSONB NOT NULL DEFAULT '[]',
  client JSONB NOT NULL DEFAULT '{}',
  attributes JSONB NOT NULL DEFAULT '{}',
  inactive_timeout INTEGER,
  timeout_seconds INTEGER NOT NULL,
  expires_at BIGINT,
  end_at BIGINT,
  end_at_reason TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  state_changed_at BIGINT NOT NULL,
  last_activity_at BIGINT NOT NULL,
  ended_at BIGINT,
  version INTEGER NOT NULL
);
CREATE INDEX sessions_service ON sessions(service_id, number);
CREATE INDEX sessions_owner ON sessions(owner, number);
CREATE INDEX sessions_created ON sessions(created_at, id);
CREATE INDEX sessions_expiry ON sessions(expires_at) WHERE state <> 'ended' AND expires_at IS NOT NULL;
CREATE INDEX sessions_end_at ON sessions(end_at) WHERE state <> 'ended' AND end_at IS NOT NULL;
CREATE INDEX sessions_ended ON sessions(ended_at) WHERE state = 'ended';
CREATE INDEX sessions_invited ON sessions USING GIN (invited);

CREATE TABLE session_members (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  joined_at BIGINT NOT NULL,
  team INTEGER,
  PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_members_user ON session_members(user_id);

CREATE TABLE log_lines (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  stream TEXT NOT NULL,
  position INTEGER NOT NULL,
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  job_id TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, stream, position)
);
CREATE INDEX log_lines_job ON log_lines(job_id, stream, position) WHERE job_id IS NOT NULL;

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT,
  description TEXT,
  code TEXT NOT NULL,
  state TEXT NOT NULL,
  condition_code INTEGER NOT NULL DEFAULT 0,
  node_id TEXT,
  attributes JSONB NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  ended_at BIGINT,
  state_changed_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (session_id, seq)
);

CREATE TABLE events (
  seq BIGSERIAL PRIMARY KEY,
  type TEXT NOT NULL,
  session_id TEXT,
  service_id TEXT,
  node_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  data JSONB NOT NULL,
  access JSONB
);
CREATE INDEX events_session ON events(session_id, at);
CREATE INDEX events_at ON events(at);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  number BIGSERIAL UNIQUE,
  roles JSONB NOT NULL DEFAULT '[]',
  password_hash TEXT,
  device_id TEXT UNIQUE,
  client_type TEXT,
  attributes JSONB NOT NULL DEFAULT '{}',
  disabled BOOLEAN NOT NULL DEFAULT false,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE tokens (
  id TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT,
  issuer TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  session_id TEXT NOT NULL,
  snapshot JSONB NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (scope, key)
);
`,
  },
  {
    id: "0002_family_records",
    sqlite: `
CREATE TABLE family_records (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  doc TEXT NOT NULL,
  blob BLOB,
  blob_bytes INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX family_records_session ON family_records(session_id, namespace) WHERE session_id IS NOT NULL;
`,
    postgres: `
CREATE TABLE family_records (
  namespace TEXT NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  doc JSONB NOT NULL,
  blob BYTEA,
  blob_bytes BIGINT NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, key)
);
CREATE INDEX family_records_session ON family_records(session_id, namespace) WHERE session_id IS NOT NULL;
`,
  },
  {
    // Lists are read per service in creation order (the default sort) far more than any
    // other way: this index lets a page stop after `limit` rows instead of sorting every
    // session of the service.
    id: "0003_sessions_by_service_and_creation",
    sqlite: "CREATE INDEX sessions_service_created ON sessions(service_id, created_at, id);",
    postgres: "CREATE INDEX sessions_service_created ON sessions(service_id, created_at, id);",
  },
  {
    // The team layout becomes a session field the core holds every API to. The game
    // family kept it in attributes.game (numTeams, teamSize); sessions that have that
    // object get its values (0 where absent or not a whole number in bounds) and lose
    // the two keys. Documents SQLite cannot parse are left as they are.
    id: "0004_session_teams",
    sqlite: `
ALTER TABLE sessions ADD COLUMN team_count INTEGER;
ALTER TABLE sessions ADD COLUMN team_size INTEGER;
UPDATE sessions SET
  team_count = CASE WHEN json_type(attributes, '$.game.numTeams') = 'integer' AND json_extract(attributes, '$.game.numTeams') BETWEEN 0 AND 10000
    THEN json_extract(attributes, '$.game.numTeams') ELSE 0 END,
  team_size = CASE WHEN json_type(attributes, '$.game.teamSize') = 'integer' AND json_extract(attributes, '$.game.teamSize') BETWEEN 0 AND 1000000
    THEN json_extract(attributes, '$.game.teamSize') ELSE 0 END,
  attributes = json_remove(attributes, '$.game.numTeams', '$.game.teamSize')
WHERE CASE WHEN json_valid(attributes) THEN json_type(attributes, '$.game') = 'object' ELSE 0 END;
`,
    postgres: `
ALTER TABLE sessions ADD COLUMN team_count INTEGER, ADD COLUMN team_size INTEGER;
UPDATE sessions SET
  team_count = CASE WHEN jsonb_typeof(attributes #> '{game,numTeams}') = 'number' AND (attributes #>> '{game,numTeams}') ~ '^([0-9]{1,4}|10000)$'
    THEN (attributes #>> '{game,numTeams}')::integer ELSE 0 END,
  team_size = CASE WHEN jsonb_typeof(attributes #> '{game,teamSize}') = 'number' AND (attributes #>> '{game,teamSize}') ~ '^([0-9]{1,6}|1000000)$'
    THEN (attributes #>> '{game,teamSize}')::integer ELSE 0 END,
  attributes = attributes #- '{game,numTeams}' #- '{game,teamSize}'
WHERE jsonb_typeof(attributes -> 'game') = 'object';
`,
  },
  {
    // The console's reads at a million sessions: counts by state and service (and the
    // members in each) from one covering index, lists sorted by name, and the search by
    // name, a covering index scan in SQLite and a trigram index in PostgreSQL. pg_trgm
    // ships with PostgreSQL and is a trusted extension; where it cannot be installed the
    // search still works, by a sequential scan.
    id: "0005_console_indexes",
    sqlite: `
CREATE INDEX sessions_state_service ON sessions(state, service_id, member_count);
CREATE INDEX sessions_name ON sessions(name, id);
`,
    // Members are read joined to their session, whose id is COLLATE "C": a join across two
    // collations cannot use the index of session_members, so every session read scanned the
    // whole member table. The same collation on both sides lets it use the primary key.
    postgres: `
ALTER TABLE session_members ALTER COLUMN session_id TYPE TEXT COLLATE "C";
CREATE INDEX sessions_state_service ON sessions(state, service_id, member_count);
CREATE INDEX sessions_name ON sessions(name NULLS FIRST, id);
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX sessions_name_trigrams ON sessions USING GIN (name gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'no trigram index for the search by session name: %', SQLERRM;
END $$;
`,
  },
  {
    // Counts at a million sessions. SQLite keeps a tally of sessions (and their members)
    // per service and state, exact because triggers change it in the transaction of every
    // write: counts and aggregates by service and state (metrics, the console's overview,
    // a count by state) read it instead of the sessions. PostgreSQL keeps none: its nodes
    // would all write the same few rows, and queue on them. Both get indexes for counts
    // by service and status, and for what a user may read of a service: in SQLite one
    // that holds every column the readableBy condition looks at, so a count of what a
    // user may read of a service reads that index alone, not the rows.
    id: "0006_counts",
    sqlite: `
CREATE INDEX sessions_service_status ON sessions(service_id, status);
CREATE INDEX sessions_service_visibility ON sessions(service_id, visibility, owner, id, invited);
CREATE TABLE session_tallies (
  service_id TEXT NOT NULL,
  state TEXT NOT NULL,
  sessions INTEGER NOT NULL,
  members INTEGER NOT NULL,
  PRIMARY KEY (service_id, state)
) WITHOUT ROWID;
INSERT INTO session_tallies (service_id, state, sessions, members)
  SELECT service_id, state, COUNT(*), SUM(member_count) FROM sessions GROUP BY service_id, state;
CREATE TRIGGER sessions_tally_insert AFTER INSERT ON sessions BEGIN
  INSERT INTO session_tallies (service_id, state, sessions, members) VALUES (NEW.service_id, NEW.state, 1, NEW.member_count)
    ON CONFLICT (service_id, state) DO UPDATE SET sessions = sessions + 1, members = members + excluded.members;
END;
CREATE TRIGGER sessions_tally_delete AFTER DELETE ON sessions BEGIN
  UPDATE session_tallies SET sessions = sessions - 1, members = members - OLD.member_count
    WHERE service_id = OLD.service_id AND state = OLD.state;
END;
CREATE TRIGGER sessions_tally_update AFTER UPDATE OF service_id, state, member_count ON sessions BEGIN
  UPDATE session_tallies SET sessions = sessions - 1, members = members - OLD.member_count
    WHERE service_id = OLD.service_id AND state = OLD.state;
  INSERT INTO session_tallies (service_id, state, sessions, members) VALUES (NEW.service_id, NEW.state, 1, NEW.member_count)
    ON CONFLICT (service_id, state) DO UPDATE SET sessions = sessions + 1, members = members + excluded.members;
END;
`,
    postgres: `
CREATE INDEX sessions_service_status ON sessions(service_id, status);
CREATE INDEX sessions_service_visibility ON sessions(service_id, visibility);
`,
  },
  {
    // A list by state in creation order (every API's default sort) reads this index and
    // stops at the page: without it SQLite takes the state index and sorts every session
    // in that state (3.6 s at a million idle sessions for a page of one).
    id: "0007_sessions_by_state_and_creation",
    sqlite: "CREATE INDEX sessions_state_created ON sessions(state, created_at, id);",
    postgres: "CREATE INDEX sessions_state_created ON sessions(state, created_at, id);",
  },
];
