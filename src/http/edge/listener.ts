import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { AccessLog } from "../access-log.js";
import type { Metrics } from "../metrics.js";
import { type ApiEdge, type EdgeAnswer, type EdgeRequest, withoutBodyForHead } from "./api.js";
import { drainBody } from "./drain.js";
import type { ApiTable } from "./table.js";
import { bestEffortPath, normaliseTarget } from "./target.js";

export interface EdgeLimits {
  urlBytes: number;
  pathSegmentBytes: number;
  headerBytes: number;
  drainBytes: number;
}

export interface TlsFiles {
  key: Buffer;
  cert: Buffer;
}

export interface FrontDoorOptions {
  /** The listener's name in metrics and logs. */
  name: string;
  table: ApiTable;
  limits: EdgeLimits;
  tls: TlsFiles | null;
  accessLog: AccessLog;
  metrics: Metrics;
}

/** What the edge attaches to each request it lets through. */
export interface EdgeContext {
  api: ApiEdge;
}

const EDGE = Symbol("sessionhub.edge");

/** The edge context of a request (requests made with `inject` never crossed the front door: null). */
export function edgeOf(req: IncomingMessage): EdgeContext | null {
  return (req as IncomingMessage & { [EDGE]?: EdgeContext })[EDGE] ?? null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is well formed, else a new one. */
export function requestIdOf(headers: IncomingMessage["headers"]): string {
  const given = headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Bytes of the request's header section as the client sent it (names, values, separators). */
function headerBytes(req: IncomingMessage): number {
  let total = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 1) total += raw[i]!.length + 2;
  return total;
}

function writeAnswer(res: ServerResponse, answer: EdgeAnswer, requestId: string, close: boolean): void {
  const headers: Record<string, string | number> = { ...answer.headers, "x-request-id": requestId };
  if (answer.body !== "") headers["content-length"] = Buffer.byteLength(answer.body);
  else if (answer.status !== 204 && answer.status !== 304) headers["content-length"] = 0;
  if (close) headers.connection = "close";
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** An answer written straight to a socket that will carry nothing more, which then closes. */
function writeRaw(socket: Socket, answer: EdgeAnswer, requestId: string): void {
  if (socket.writable) {
    const head = [`HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status] ?? "Error"}`];
    for (const [k, v] of Object.entries({ ...answer.headers, "x-request-id": requestId })) head.push(`${k}: ${v}`);
    head.push(`content-length: ${Buffer.byteLength(answer.body)}`, "connection: close");
    socket.end(`${head.join("\r\n")}\r\n\r\n${answer.body}`);
  }
  // What the client sends next cannot be read: give the answer a moment to leave, then go.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** The request line of a packet the HTTP parser refused, read as far as it goes. */
function requestLineOf(packet: Buffer | undefined): { method: string; target: string } {
  if (!packet) return { method: "GET", target: "/" };
  const line = packet.subarray(0, Math.min(packet.length, 16 * 1024)).toString("latin1").split("\r\n", 1)[0]!;
  const [method = "GET", target = "/"] = line.split(" ");
  return { method: /^[A-Z]{1,16}$/.test(method) ? method : "GET", target };
}

/**
 * The front door of one listener: the HTTP (or HTTPS) server Fastify runs on. Before
 * Fastify sees a request, its target is checked and normalised and its header size
 * measured; a refused request is answered here, in the format of the API its path
 * belongs to. The HTTP parser's own refusals (bytes it cannot parse, headers over the
 * hard cap) are answered the same way, from the request line as far as it was read.
 */
export function frontDoor(options: FrontDoorOptions) {
  const { table, limits, accessLog, metrics, name } = options;

  const answerEarly = (req: IncomingMessage, res: ServerResponse, api: ApiEdge, status: number, message: string, path: string) => {
    const started = performance.now();
    const requestId = requestIdOf(req.headers);
    const url = req.url ?? "";
    const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
    const edgeReq: EdgeRequest = { method: req.method ?? "GET", path, query, headers: req.headers, requestId };
    const answer = api.error(status, message, edgeReq);
    void drainBody(req, limits.drainBytes).then((drained) => {
      writeAnswer(res, answer, requestId, !drained);
      const ms = performance.now() - started;
      // A refused target is logged by its path only: its query is unread, and may hold anything.
      accessLog.write(requestId, edgeReq.method, path, answer.status, ms, req.socket.remoteAddress, req.headers["user-agent"]);
      metrics.observeEdge(name, edgeReq.method, answer.status, ms / 1000);
    });
  };

  const serverFactory = (
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    fastify: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number },
  ) => {
    const serverOptions = {
      // Node's own cap is a backstop; the configured limit is answered below, in the API's format.
      maxHeaderSize: Math.max(limits.headerBytes * 2, 16 * 1024),
      requireHostHeader: false,
    };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      const target = normaliseTarget(req.url ?? "/", limits);
      const api = table.pick(target.path);
      if (!target.ok) return answerEarly(req, res, api, target.status, target.message, target.path);
      if (headerBytes(req) > limits.headerBytes) {
        return answerEarly(req, res, api, 431, `The request's headers are larger than ${limits.headerBytes} bytes.`, target.path);
      }
      req.url = target.url;
      (req as IncomingMessage & { [EDGE]?: EdgeContext })[EDGE] = { api };
      handler(req, res);
    };
    const server = options.tls
      ? https.createServer({ ...serverOptions, key: options.tls.key, cert: options.tls.cert }, onRequest)
      : http.createServer(serverOptions, onRequest);
    // CONNECT asks for a tunnel, which no API offers; without this Node drops the connection unanswered.
    server.on("connect", (req: IncomingMessage, socket: Socket) => {
      const path = bestEffortPath(req.url ?? "/");
      const requestId = requestIdOf(req.headers);
      const answer = table.pick(path).error(405, "CONNECT is not supported.", { method: "CONNECT", path, query: "", headers: req.headers, requestId });
      writeRaw(socket, answer, requestId);
      accessLog.write(requestId, "CONNECT", path, answer.status, 0, socket.remoteAddress, req.headers["user-agent"]);
      metrics.observeEdge(name, "CONNECT", answer.status, 0);
    });
    // What Fastify sets on a server it makes itself.
    if (fastify.keepAliveTimeout !== undefined) server.keepAliveTimeout = fastify.keepAliveTimeout;
    if (fastify.requestTimeout !== undefined) server.requestTimeout = fastify.requestTimeout;
    server.setTimeout(fastify.connectionTimeout ?? 0);
    return server;
  };

  /** The parser could not read a request: answer in the format its path suggests, then close. */
  const clientErrorHandler = (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => {
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const message =
      status === 431
        ? "The request's headers are too large."
        : status === 408
          ? "The request took too long to arrive."
          : "The request is not valid HTTP/1.1 (a byte the request line or headers may not contain, or a malformed header).";
    const { method, target } = requestLineOf(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined);
    const path = bestEffortPath(target);
    const requestId = randomUUID();
    const answer = withoutBodyForHead(table.pick(path).error(status, message, { method, path, query: "", headers: {}, requestId }), method);
    writeRaw(socket, answer, requestId);
    accessLog.write(requestId, method, path, answer.status, 0, socket.remoteAddress, undefined);
    metrics.observeEdge(name, method, answer.status, 0);
  };

  return { serverFactory, clientErrorHandler };
}
