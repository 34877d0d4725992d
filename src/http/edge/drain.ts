import type { IncomingMessage } from "node:http";

/** How long a client may take to finish sending a body nobody will read. */
const DRAIN_MS = 5_000;

/**
 * Reads and throws away what is left of a request body, up to `limit` bytes. An answer
 * given before the body has arrived (413, 401) must wait for this: closing a socket with
 * unread data makes the kernel reset the connection, and a client that is still sending
 * then sees EPIPE or ECONNRESET instead of the answer. Resolves true when the body ended.
 */
export function drainBody(req: IncomingMessage, limit: number): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  if (req.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      req.removeListener("data", onData);
      req.removeListener("end", onEnd);
      req.removeListener("error", onFail);
      req.removeListener("close", onFail);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(req.complete);
    const timer = setTimeout(() => finish(false), DRAIN_MS);
    // Whatever the body was piped into (a depth guard, a parser that gave up) reads no more.
    req.unpipe();
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onFail);
    req.once("close", onFail);
    req.resume();
  });
}
