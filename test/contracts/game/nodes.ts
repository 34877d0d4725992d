import { startPostgres } from "../../helpers/postgres.js";
import { type TestServer, startServer } from "../../helpers/server.js";

/** Running sessionhub instances that share one database. */
export interface Nodes {
  urls: string[];
  stop(): Promise<void>;
}

/** A database backend and how many instances its concurrency tests run over it. */
export interface Backend {
  name: string;
  nodes: number;
  start(n: number): Promise<Nodes>;
}

/**
 * The backends the concurrency items (35, 47, 48, 52) run on: SQLite is one process by
 * design, so one node; PostgreSQL runs several instances over one database, and the
 * tests alternate their requests between them.
 */
export const BACKENDS: Backend[] = [
  {
    name: "SQLite, one node",
    nodes: 1,
    async start(n) {
      if (n !== 1) throw new Error("SQLite serves one node");
      const t = await startServer();
      return { urls: [t.url], stop: () => t.stop() };
    },
  },
  {
    name: "PostgreSQL, two nodes",
    nodes: 2,
    async start(n) {
      const cluster = await startPostgres();
      const url = await cluster.createDatabase();
      const servers: TestServer[] = [];
      try {
        for (let i = 0; i < n; i += 1) servers.push(await startServer({ env: { SESSIONHUB_DATABASE_URL: url } }));
      } catch (e) {
        await Promise.all(servers.map((s) => s.stop()));
        await cluster.stop();
        throw e;
      }
      return {
        urls: servers.map((s) => s.url),
        async stop() {
          await Promise.all(servers.map((s) => s.stop()));
          await cluster.stop();
        },
      };
    },
  },
];
