import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { storeConformance } from "./conformance.js";

const cluster: PostgresCluster = await startPostgres();
const url = await cluster.createDatabase();

storeConformance({
  name: "PostgreSQL (embedded server)",
  open: async (nodeId, clock) => new PostgresStore({ url, nodeId, clock }),
  spansNodes: true,
  teardown: () => cluster.stop(),
});
