import { hostname } from "node:os";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type Logger, symbols } from "pino";
import { redactUrl } from "./redact.js";

const MAX_USER_AGENT = 256;

/**
 * One JSON line per answered request, in pino's format and on the logger's own stream,
 * written without a child logger and its serialisers: on a fast route the generic path
 * costs more than the route itself. Carries no headers, so no credential can leak; the
 * query string's secrets are blanked (redact.ts).
 */
export class AccessLog {
  private readonly prefix = `{"level":30,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  private readonly stream: { write(line: string): unknown };

  constructor(private readonly logger: Logger) {
    this.stream = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[symbols.streamSym]!;
  }

  record(req: FastifyRequest, reply: FastifyReply): void {
    this.write(req.id, req.method, req.url, reply.statusCode, reply.elapsedTime, req.ip, req.headers["user-agent"]);
  }

  /**
   * One line for a request the edge answered before it reached a route. The id and the
   * method are written without JSON.stringify: request ids are checked against
   * `[A-Za-z0-9._:-]` or made here (requestIdOf), and methods are tokens the HTTP parser
   * accepted, so neither can hold a character JSON escapes.
   */
  write(id: string, method: string, url: string, status: number, ms: number, ip: string | undefined, ua: string | undefined): void {
    if (!this.logger.isLevelEnabled("info")) return;
    const line =
      `${this.prefix},"time":${Date.now()},"reqId":"${id}","method":"${method}",` +
      `"url":${JSON.stringify(redactUrl(url))},"status":${status},"ms":${Math.round(ms * 100) / 100},` +
      `"ip":${JSON.stringify(ip ?? "")}${ua ? `,"userAgent":${JSON.stringify(ua.slice(0, MAX_USER_AGENT))}` : ""},"msg":"request completed"}\n`;
    this.stream.write(line);
  }
}
