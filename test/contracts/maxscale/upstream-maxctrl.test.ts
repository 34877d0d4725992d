import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http, usersWithTokens } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";
import { type MaxscaleServer, createService, startMaxscale } from "./fixture.js";
import { Rejected, maxctrl } from "./maxctrl-client.js";

/**
 * MaxScale's own maxctrl tests (`maxctrl/test/diagnostics.js`, `reload.js`,
 * `createdestroy.js`, `special.js`), replayed against sessionhub: the same commands, the
 * same expectation (the command is fulfilled, or rejected), with maxctrl's requests and
 * reading of the answers (`maxctrl-client.ts`). MaxScale's tests run against its test
 * configuration; here its names map to what the hub has: the service `RW-Split-Router`
 * is `rw-split-router` (service ids are lower-case), a client connection is a session a
 * client opened on it, and `SELECT 1` is that client's heartbeat. The servers, monitor,
 * listener, filter and module that configuration defines do not exist in the hub: the
 * commands naming them get MaxScale's answer for an unknown object.
 */
const SERVICE = "rw-split-router";

interface Client {
  /** `createConnection`: a client opens a session on the service; its number is the connection id. */
  connect(): Promise<{ id: string; number: number }>;
  /** `doQuery`: the client uses its session. */
  query(session: { id: string }): Promise<number>;
}

interface Suite {
  t: MaxscaleServer;
  client: Client;
  /** The family's listener, as `--hosts` names it. */
  host: string;
  /** maxctrl with the administrator's credentials. */
  run: ReturnType<typeof maxctrl>;
}

/** A server for the tests of one upstream file: started before them, stopped after them. */
function suiteServer(): Suite {
  const suite = {} as Suite;
  before(async () => {
    const t = await startMaxscale();
    await createService(t, SERVICE);
    const { maxuser } = await usersWithTokens(t.url, ["maxuser"]);
    suite.t = t;
    suite.host = new URL(t.ms).host;
    suite.run = maxctrl({ hosts: suite.host });
    suite.client = {
      async connect() {
        const r = await http(t.url, "POST", "/api/v1/sessions", { token: maxuser, body: { serviceId: SERVICE } });
        assert.equal(r.status, 201, r.text);
        return { id: r.body.id, number: r.body.number };
      },
      async query(session) {
        return (await http(t.url, "POST", `/api/v1/sessions/${session.id}/heartbeat`, { token: maxuser })).status;
      },
    };
  });
  after(() => suite.t.stop());
  return suite;
}

const fulfilled = async (p: Promise<unknown>, what: string) => {
  try {
    return await p;
  } catch (e) {
    assert.fail(`${what}: ${(e as Error).message}`);
  }
};

const rejected = async (p: Promise<unknown>, status: number | null, what: string): Promise<Rejected> => {
  const e = await p.then(
    () => assert.fail(`${what} was fulfilled`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof Rejected, `${what}: ${String(e)}`);
  assert.equal(e.status, status, `${what}: ${e.message}`);
  return e;
};

describe("upstream maxctrl/test/diagnostics.js", () => {
  const suite = suiteServer();
  let connection: { id: string; number: number };

  before(async () => {
    connection = await suite.client.connect();
  });

  const tests = [
    "list servers",
    "list services",
    `list listeners ${SERVICE}`,
    "list listeners",
    "list monitors",
    "list sessions",
    "list filters",
    "list modules",
    "list users",
    "list commands",
    "list threads",
    "show servers",
    "show services",
    "show monitors",
    "show sessions",
    "show filters",
    "show listeners",
    "show modules",
    "show maxscale",
    "show logging",
    "show threads",
    "show thread 0",
    `show service ${SERVICE}`,
    "show sessions",
    "show maxscale",
    "show logging",
    "show qc_cache",
    `show dbusers ${SERVICE}`,
    "show modules --load-all",
    "show replication",
    "show replication --monitor MariaDB-Monitor",
  ];
  for (const command of tests) {
    test(command, async () => {
      await fulfilled(suite.run(command), command);
    });
  }

  test("show module <a module the hub has>: the router of its services", async () => {
    const { rows } = (await fulfilled(suite.run("show module generic"), "show module generic")) as { rows: unknown[][] };
    assert.deepEqual(rows[0]!.slice(0, 2), ["generic", "Router"]);
  });

  test("the objects of MaxScale's test configuration are not in the hub: MaxScale's 404 for an unknown object", async () => {
    for (const [command, detail] of [
      ["show server server1", "server1 is not a server"],
      ["show listener RW-Split-Listener", "RW-Split-Listener is not a listener"],
      ["show monitor MariaDB-Monitor", "MariaDB-Monitor is not a monitor"],
      ["show filter Hint", "Hint is not a filter"],
      ["show module readwritesplit", "readwritesplit is not a module"],
      ["show commands readwritesplit", "readwritesplit is not a module"],
      ["show service RW-Split-Router", "RW-Split-Router is not a service"],
    ]) {
      const e = await rejected(suite.run(command!), 404, command!);
      assert.ok(e.message.includes(`"detail": "${detail}"`), e.message);
    }
  });

  test("show session <id>", async () => {
    const { rows } = (await fulfilled(suite.run(`show session ${connection.number}`), "show session")) as { rows: unknown[][] };
    assert.deepEqual(rows[0]!.slice(0, 4), [String(connection.number), SERVICE, "Session started", "maxuser"]);
  });

  test("show session <id> with reverse DNS lookups", async () => {
    await fulfilled(suite.run(`show session ${connection.number} --rdns`), "show session --rdns");
  });

  for (const command of ["list sessions", "show sessions"]) {
    test(`${command} with reverse DNS lookups`, async () => {
      await fulfilled(suite.run(`${command} --rdns`), command);
    });
  }

  test("MXS-2984: `list listeners <service> --tsv`: a service with no listeners prints no rows", async () => {
    const { rows } = (await fulfilled(suite.run(`list listeners ${SERVICE}`), "list listeners")) as { rows: unknown[][] };
    assert.deepEqual(rows, []);
  });

  test("MXS-1656: `list servers` with no servers prints an empty table", async () => {
    const { rows, sent } = (await fulfilled(suite.run("list servers"), "list servers")) as { rows: unknown[][]; sent: string[] };
    assert.deepEqual(rows, []);
    assert.equal(sent.at(-1), "GET /v1/servers");
  });
});

describe("upstream maxctrl/test/reload.js", () => {
  const suite = suiteServer();

  test("reload session", async () => {
    const connection = await suite.client.connect();
    await fulfilled(suite.run(`reload session ${connection.number}`), "reload session");
    const log = (await suite.t.call("GET", `/v1/sessions/${connection.number}`)).body.data.attributes.log as string[];
    assert.match(log.at(-1)!, /session restarted by ops$/);
  });

  test("reload sessions", async () => {
    await suite.client.connect();
    await fulfilled(suite.run("reload sessions"), "reload sessions");
  });

  test("reload service and reload tls are not provided: a clean 404", async () => {
    await rejected(suite.run(`reload service ${SERVICE}`), 404, "reload service");
    await rejected(suite.run("reload tls"), 404, "reload tls");
  });
});

describe("upstream maxctrl/test/createdestroy.js: sessions", () => {
  const suite = suiteServer();

  test("destroys session", async () => {
    const connection = await suite.client.connect();
    assert.equal(await suite.client.query(connection), 200);
    await fulfilled(suite.run(`destroy session ${connection.number}`), "destroy session");
    assert.notEqual(await suite.client.query(connection), 200, "the client's next query fails");
    assert.equal((await suite.t.server.hub.sessions.find(connection.id))!.endReason, "killed");
  });

  test("destroys session with TTL", async () => {
    const connection = await suite.client.connect();
    const before = suite.t.clock.now();
    await fulfilled(suite.run(`destroy session ${connection.number} --ttl 1`), "destroy session --ttl 1");
    const session = () => suite.t.server.hub.sessions.find(connection.id).then((s) => s!);
    const endAt = (await session()).endAt!;
    assert.ok(endAt >= before + 1000 && endAt <= suite.t.clock.now() + 1000, `deadline ${endAt - before} ms after the command`);
    // Until its deadline the session is live; a busy machine may answer only after it.
    const live = (answer: unknown, expected: unknown, what: string) =>
      assert.ok(answer === expected || suite.t.clock.now() >= endAt, `${what} before the TTL: ${String(answer)}`);
    live(await suite.client.query(connection), 200, "SELECT 1 right after");
    live((await suite.t.call("GET", `/v1/sessions/${connection.number}`)).body.data?.attributes.state, "Session started", "MaxScale's state");
    // `SELECT SLEEP(3)` must be cut short: the session ends at its TTL, not at the reaper's sweep.
    await until("the client's query to fail", async () => (await suite.client.query(connection)) !== 200);
    const s = await session();
    assert.equal(s.endReason, "killed");
    const late = s.endedAt! - endAt;
    assert.ok(late >= 0 && late < 2000, `ended ${late} ms after its TTL`);
  });

  test("does not destroy unknown session", async () => {
    await rejected(suite.run("destroy session 123456"), 404, "destroy session 123456");
  });
});

describe("upstream maxctrl/test/special.js", () => {
  const suite = suiteServer();
  let connection: { id: string; number: number };

  before(async () => {
    connection = await suite.client.connect();
  });

  test("extra options and no options", async () => {
    await fulfilled(maxctrl({ hosts: suite.host })("list servers"), "list servers");
  });

  test("multiple hosts: each is pinged at /v1/ first", async () => {
    const { sent } = (await fulfilled(maxctrl({ hosts: `${suite.host},${suite.host}` })("list servers"), "multiple hosts")) as { sent: string[] };
    assert.deepEqual(sent, ["GET /v1/", "GET /v1/", "GET /v1/servers", "GET /v1/servers"]);
  });

  test("no hosts", async () => {
    await rejected(maxctrl({ hosts: "" })("list servers"), null, "no hosts");
  });

  test("TSV output", async () => {
    await fulfilled(suite.run("list servers"), "list servers");
    await fulfilled(suite.run(`show service ${SERVICE}`), "show service");
  });

  test("secure mode: HTTPS to the plain listener fails", async () => {
    await rejected(maxctrl({ hosts: suite.host, secure: true })("list servers"), null, "--secure");
  });

  test("user credentials: a user the administrator gave a password reads (basic), and cannot write", async () => {
    const r = await http(suite.t.url, "POST", "/api/v1/users", { body: { id: "test", password: "test" } });
    assert.equal(r.status, 201, r.text);
    const asTest = maxctrl({ hosts: suite.host, user: "test", password: "test" });
    await fulfilled(asTest("list servers"), "list servers --user test");
    const { rows } = (await fulfilled(asTest("list users"), "list users")) as { rows: unknown[][] };
    assert.deepEqual(rows.map((row) => row.slice(0, 3)), [["ops", "inet", "admin"], ["alice", "inet", "basic"], ["test", "inet", "basic"]]);
    const e = await rejected(asTest(`destroy session ${connection.number}`), 403, "a basic user's destroy");
    assert.ok(e.message.includes("Administrative access required"));
  });

  test("reject on bad user credentials", async () => {
    await rejected(maxctrl({ hosts: suite.host, user: "not-a-user", password: "not-a-password" })("list servers"), 401, "bad credentials");
  });

  test("reverse DNS lookup", async () => {
    await fulfilled(suite.run("show sessions --rdns"), "show sessions --rdns");
    await fulfilled(suite.run(`show session ${connection.number} --rdns`), "show session --rdns");
  });

  test("reject on connection failure", async () => {
    await rejected(maxctrl({ hosts: "127.0.0.1:1" })("list servers"), null, "a closed port");
  });

  test("the client's session is untouched by all of this", async () => {
    assert.equal(await suite.client.query(connection), 200);
  });
});
