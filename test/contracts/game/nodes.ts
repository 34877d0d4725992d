import { startServer } from "../../helpers/server.js";

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
 * The backends the concurrency items (35, 47, 48, 52) run on. SQLite is one process by
 * design, so one node; PostgreSQL adds an entry here with two nodes over one database
 * once its store exists, and the same tests then alternate requests between them.
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
];
