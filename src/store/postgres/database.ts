import pg from "pg";
import { isUnavailable, translate } from "./errors.js";

export type Row = Record<string, unknown>;

/**
 * BIGINT (int8) columns as JS numbers: every time is epoch ms and every count or
 * number stays far below 2^53. Set per connection rather than on the pg module, so
 * other users of pg in the process keep its defaults.
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** SQL text, or a named statement: prepared once per connection, then only bound and run. */
export type Statement = string | { name: string; text: string };

const query = (sql: Statement, params: unknown[]): pg.QueryConfig => (typeof sql === "string" ? { text: sql, values: params } : { ...sql, values: params });

/** Statements on one connection (a client in a transaction) or on the pool. */
export class Queries {
  constructor(private readonly on: pg.Pool | pg.PoolClient) {}

  async rows(sql: Statement, params: unknown[] = []): Promise<Row[]> {
    return (await this.on.query<Row>(query(sql, params))).rows;
  }

  async one(sql: Statement, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, params))[0];
  }

  /** The number of rows the statement changed. */
  async run(sql: Statement, params: unknown[] = []): Promise<number> {
    return (await this.on.query(query(sql, params))).rowCount ?? 0;
  }
}

// A checked-out client is not watched by the pool: a dropped connection would emit an
// unhandled 'error'. The failing query rejects as well, and that is what is reported.
const ignore = () => {};

/** The pool, with every failure translated (see errors.ts). */
export class Database {
  private readonly direct: Queries;

  constructor(readonly pool: pg.Pool) {
    this.direct = new Queries(pool);
    // An idle connection that drops is removed by the pool, which connects anew on demand.
    pool.on("error", ignore);
  }

  async rows(sql: Statement, params: unknown[] = []): Promise<Row[]> {
    try {
      return await this.direct.rows(sql, params);
    } catch (e) {
      throw translate(e);
    }
  }

  async one(sql: Statement, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, params))[0];
  }

  async run(sql: Statement, params: unknown[] = []): Promise<number> {
    try {
      return await this.direct.run(sql, params);
    } catch (e) {
      throw translate(e);
    }
  }

  /** Runs `fn` in one transaction (READ COMMITTED); anything it throws rolls it back. */
  async tx<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw translate(e);
    }
    client.on("error", ignore);
    // A connection that failed, or failed to roll back, is closed rather than reused.
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await fn(new Queries(client));
      await client.query("COMMIT");
      return result;
    } catch (e) {
      if (isUnavailable(e)) broken = e as Error;
      else await client.query("ROLLBACK").catch((r: Error) => (broken = r));
      throw translate(e);
    } finally {
      client.removeListener("error", ignore);
      client.release(broken);
    }
  }
}
