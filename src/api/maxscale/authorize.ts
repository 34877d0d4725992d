import type { FastifyRequest } from "fastify";
import type { Principal, User } from "../../core/types.js";
import { failure } from "./errors.js";

/** MaxScale's two kinds of REST API account. */
export type Account = "admin" | "basic";

/** What MaxScale counts as changing something. */
const WRITES: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The MaxScale account a caller stands for: sessionhub's administrators are `admin`
 * accounts; any other user who can log in with a password (as maxctrl does) is `basic`;
 * anyone else — a device user holding a token, a JWT of someone unknown here — has none.
 */
export function accountOf(p: Principal, user: Pick<User, "passwordHash" | "disabled"> | null): Account | null {
  if (p.isAdmin) return "admin";
  return user !== null && user.passwordHash !== null && !user.disabled ? "basic" : null;
}

/** MaxScale's rule: `basic` accounts read, only `admin` accounts write. */
export const mayCall = (method: string, account: Account | null) => account === "admin" || (account === "basic" && !WRITES.has(method));

/**
 * The authorization step of every route, after authentication has named the caller.
 * Browsers' preflights carry no credentials and are answered without one.
 */
export function authorization(findUser: (id: string) => Promise<User | null>) {
  return async (req: FastifyRequest): Promise<void> => {
    if (req.method === "OPTIONS") return;
    const p = req.principal;
    const account = accountOf(p, p.isAdmin ? null : await findUser(p.userId));
    if (!mayCall(req.method, account)) throw failure(403, "Administrative access required");
  };
}
