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
    if (!this.logger.isLevelEnabled("info")) return;
    const ua = req.headers["user-agent"];
    const line =
      `${this.prefix},"time":${Date.now()},"reqId":${JSON.stringify(req.id)},"method":"${req.method}",` +
      `"url":${JSON.stringify(redactUrl(req.url))},"status":${reply.statusCode},"ms":${Math.round(reply.elapsedTime * 100) / 100},` +
      `"ip":${JSON.stringify(req.ip)}${ua ? `,"userAgent":${JSON.stringify(ua.slice(0, MAX_USER_AGENT))}` : ""},"msg":"request completed"}\n`;
    this.stream.write(line);
  }
}
