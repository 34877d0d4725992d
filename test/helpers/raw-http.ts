import { type Socket, connect } from "node:net";
import { PATIENCE_MS } from "./wait.js";

/**
 * An HTTP/1.1 client over node:net that sends bytes exactly as given — raw bytes in the
 * request line, malformed or oversized headers, bodies whose framing the caller chooses —
 * which fetch and node:http refuse to send. One connection carries one request at a time
 * and is kept alive between requests while the server keeps it open.
 */

export interface RawRequest {
  /** The request line and headers, without the blank line that ends them. */
  head: Buffer;
  body?: Buffer;
  /** HEAD answers have no body whatever their headers say. */
  method: string;
}

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** An event stream: answered once its headers arrived, then the connection was dropped. */
  stream: boolean;
}

export type Outcome =
  | { kind: "answer"; response: RawResponse; ms: number }
  | { kind: "timeout"; ms: number; partial: string }
  | { kind: "dropped"; ms: number; error: string; partial: string };

const CRLF2 = Buffer.from("\r\n\r\n");

/** Builds a request head from parts; header values may hold any bytes. */
export function requestHead(method: string, target: string | Buffer, headers: [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from(`${method} `, "latin1"), Buffer.isBuffer(target) ? target : Buffer.from(target, "latin1"), Buffer.from(" HTTP/1.1", "latin1")];
  for (const [name, value] of headers) parts.push(Buffer.from(`\r\n${name}: `, "latin1"), Buffer.isBuffer(value) ? value : Buffer.from(value, "utf8"));
  return Buffer.concat(parts);
}

interface Parsed {
  response: RawResponse;
  /** The connection cannot carry another request. */
  closes: boolean;
}

/** Parses one response from `data` if it is complete; `ended` = the server closed the connection. */
function parse(data: Buffer, method: string, ended: boolean): Parsed | null {
  let start = 0;
  for (;;) {
    const end = data.indexOf(CRLF2, start);
    if (end < 0) return null;
    const lines = data.subarray(start, end).toString("latin1").split("\r\n");
    const status = Number(lines[0]!.split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const bodyStart = end + 4;
    // Interim answers (100 Continue) precede the real one.
    if (status >= 100 && status < 200) {
      start = bodyStart;
      continue;
    }
    const closes = /\bclose\b/i.test(headers.connection ?? "");
    const done = (body: Buffer, closing = closes): Parsed => ({ response: { status, headers, body, stream: false }, closes: closing });
    if (method === "HEAD" || status === 204 || status === 304) return done(Buffer.alloc(0));
    if ((headers["content-type"] ?? "").startsWith("text/event-stream")) {
      return { response: { status, headers, body: Buffer.alloc(0), stream: true }, closes: true };
    }
    if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      const chunks: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0) return null;
        const size = parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
        if (!Number.isFinite(size)) return done(Buffer.concat(chunks), true);
        if (size === 0) {
          const trailerEnd = data.indexOf(CRLF2, lineEnd);
          if (trailerEnd < 0 && data.length < lineEnd + 4) return null;
          return done(Buffer.concat(chunks));
        }
        if (data.length < lineEnd + 2 + size + 2) return null;
        chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    if (headers["content-length"] !== undefined) {
      const length = Number(headers["content-length"]);
      if (data.length < bodyStart + length) return ended ? done(data.subarray(bodyStart), true) : null;
      return done(data.subarray(bodyStart, bodyStart + length));
    }
    // No framing: the body runs to the end of the connection.
    return ended ? done(data.subarray(bodyStart), true) : null;
  }
}

/** One kept-alive connection to a listener. */
export class RawConnection {
  private socket: Socket | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /**
   * Sends one request and waits for its answer, at most `timeoutMs`. A kept-alive
   * connection the server closed while idle fails before any byte comes back; the
   * request is then sent once more on a new connection.
   */
  async send(req: RawRequest, timeoutMs: number): Promise<Outcome> {
    const reused = this.socket !== null;
    const outcome = await this.once(req, timeoutMs);
    if (reused && outcome.kind === "dropped" && outcome.partial === "") return this.once(req, timeoutMs);
    return outcome;
  }

  private once(req: RawRequest, timeoutMs: number): Promise<Outcome> {
    const started = Date.now();
    const socket = this.socket ?? this.open();
    return new Promise((resolve) => {
      let data = Buffer.alloc(0);
      let written = req.body === undefined || req.body.length === 0;
      let settled = false;
      const finish = (outcome: Outcome, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("end", onEnd);
        socket.off("error", onError);
        socket.off("close", onEnd);
        if (!reusable) {
          socket.destroy();
          if (this.socket === socket) this.socket = null;
        }
        resolve(outcome);
      };
      const partial = () => data.subarray(0, 200).toString("latin1");
      const attempt = (ended: boolean) => {
        const parsed = parse(data, req.method, ended);
        if (!parsed) {
          if (ended) finish({ kind: "dropped", ms: Date.now() - started, error: "connection closed before a complete answer", partial: partial() }, false);
          return;
        }
        // A connection whose request body was still being sent when the answer came may
        // hold the rest of that body: it is not used again.
        finish({ kind: "answer", response: parsed.response, ms: Date.now() - started }, !parsed.closes && !ended && written && !parsed.response.stream);
      };
      const onData = (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        attempt(false);
      };
      const onEnd = () => attempt(true);
      const onError = (e: NodeJS.ErrnoException) => {
        // A reset after a complete answer is still that answer.
        const parsed = parse(data, req.method, true);
        if (parsed) finish({ kind: "answer", response: parsed.response, ms: Date.now() - started }, false);
        else finish({ kind: "dropped", ms: Date.now() - started, error: e.code ?? e.message, partial: partial() }, false);
      };
      const timer = setTimeout(() => finish({ kind: "timeout", ms: Date.now() - started, partial: partial() }, false), timeoutMs);
      socket.on("data", onData);
      socket.on("end", onEnd);
      socket.on("close", onEnd);
      socket.on("error", onError);
      socket.write(Buffer.concat([req.head, CRLF2]));
      if (req.body && req.body.length > 0) {
        socket.write(req.body, () => {
          written = true;
        });
      }
    });
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    // Errors between requests (a reset of an idle connection) are seen by the next send.
    socket.on("error", () => {});
    socket.on("close", () => {
      if (this.socket === socket) this.socket = null;
    });
    this.socket = socket;
    return socket;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

/** One request on a connection of its own: the answer, or an error saying what came instead. */
export async function rawExchange(base: string, head: Buffer, body?: Buffer, timeoutMs = PATIENCE_MS): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  const connection = new RawConnection(hostname, Number(port));
  try {
    const method = head.subarray(0, head.indexOf(0x20)).toString("latin1");
    const outcome = await connection.send({ head, method, ...(body ? { body } : {}) }, timeoutMs);
    if (outcome.kind !== "answer") throw new Error(`${outcome.kind} after ${outcome.ms} ms: ${JSON.stringify(outcome.partial)}`);
    return outcome.response;
  } finally {
    connection.close();
  }
}
