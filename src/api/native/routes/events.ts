import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { notFound } from "../../../core/errors.js";
import { ACTIVITY_EVENTS, type EventAccess, type HubEvent } from "../../../core/events.js";
import * as policy from "../../../core/policy.js";
import type { Principal, Service } from "../../../core/types.js";
import type { PublicSession } from "../../../core/views.js";
import { renderService, renderSession } from "../render.js";
import type { FamilyContext } from "../../context.js";
import { type HttpChunk, httpChunk, writeLater } from "./event-chunks.js";
import { SentEvents } from "./sent-events.js";
import type { NativeApp } from "../index.js";
import * as S from "../schemas.js";

const KEEPALIVE_MS = 15_000;
const BACKLOG_LIMIT = 10_000;
const RECENT_BATCH = 500;
const RECENT_SCAN = 10_000;

/**
 * What each event needs for every stream it reaches, made once per event rather than once
 * per stream: the policy subject of its session and its SSE frame. Live events reach every
 * stream as the same object, so a WeakMap keeps each as long as the event itself.
 */
const subjects = new WeakMap<HubEvent, policy.Subject>();
const frames = new WeakMap<HubEvent, string>();
/**
 * A delivery reaches every stream as the same array; the streams that show the same events
 * of it (most do) share one chunk of their frames, keyed by the positions of those events.
 */
const deliveries = new WeakMap<readonly HubEvent[], Map<string, HttpChunk>>();
const KEEPALIVE = httpChunk(": keepalive\n\n");

function subjectOf(e: HubEvent & { access: EventAccess }): policy.Subject {
  let subject = subjects.get(e);
  if (!subject) {
    subject = { ...e.access, members: e.access.members.map((userId) => ({ userId })) };
    subjects.set(e, subject);
  }
  return subject;
}

function visible(p: Principal, e: HubEvent, filter: { service?: string; session?: string }): boolean {
  if (ACTIVITY_EVENTS.has(e.type)) return false;
  if (filter.service && e.serviceId !== filter.service) return false;
  if (filter.session && e.sessionId !== filter.session) return false;
  if (p.isAdmin) return true;
  return e.access !== null && policy.canRead(p, subjectOf(e as HubEvent & { access: EventAccess }));
}

/** Event payloads carry sessions and services in the same shape as the REST resources. */
function renderData(data: HubEvent["data"]): unknown {
  const out: Record<string, unknown> = { ...data };
  if (data.session) out.session = renderSession(data.session as unknown as PublicSession);
  if (data.service) out.service = renderService(data.service as unknown as Service);
  return out;
}

function frame(e: HubEvent): string {
  let text = frames.get(e);
  if (text === undefined) {
    const body = { seq: e.seq, type: e.type, at: new Date(e.at).toISOString(), sessionId: e.sessionId, serviceId: e.serviceId, nodeId: e.nodeId, data: renderData(e.data) };
    text = `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(body)}\n\n`;
    frames.set(e, text);
  }
  return text;
}

/** The chunk of the frames of `events` at `shown`, positions each followed by a comma. */
function chunkOf(events: readonly HubEvent[], shown: string): HttpChunk {
  let byShown = deliveries.get(events);
  if (!byShown) deliveries.set(events, (byShown = new Map()));
  let chunk = byShown.get(shown);
  if (!chunk) {
    let text = "";
    for (const i of shown.slice(0, -1).split(",")) text += frame(events[Number(i)]!);
    chunk = httpChunk(text);
    byShown.set(shown, chunk);
  }
  return chunk;
}

/**
 * Up to `wanted` of the latest events that pass `show`, oldest first. The record is read
 * backwards in batches, and no further than RECENT_SCAN events, so a caller who may read
 * little does not make the stream read the whole record.
 */
async function recentEvents(hub: FamilyContext["hub"], wanted: number, show: (e: HubEvent) => boolean): Promise<HubEvent[]> {
  const found: HubEvent[] = [];
  let before = Number.MAX_SAFE_INTEGER;
  for (let scanned = 0; scanned < RECENT_SCAN && found.length < wanted; scanned += RECENT_BATCH) {
    const batch = await hub.eventsBefore(before, RECENT_BATCH);
    for (const e of batch) if (found.length < wanted && show(e)) found.push(e);
    if (batch.length < RECENT_BATCH) break;
    before = batch.at(-1)!.seq;
  }
  return found.reverse();
}

/**
 * Server-Sent Events of every change the caller may read. `Last-Event-ID` (or
 * `?lastEventId=`) resumes from the event record; live events that arrive while the
 * backlog is read are held and sent after it, so nothing is lost or repeated.
 */
export function eventRoutes(app: NativeApp, ctx: FamilyContext): void {
  const { hub } = ctx;
  // Open streams end when the server shuts down, so draining never waits on them.
  const open = new Set<() => void>();
  app.addHook("preClose", (done) => {
    for (const end of open) end();
    done();
  });

  app.get("/events", {
      schema: {
        tags: ["events"],
        summary: "Server-Sent Events of changes the caller may read",
        querystring: S.EventsQuery,
        produces: ["text/event-stream"],
        response: { 200: { description: "One event per SSE message", content: { "text/event-stream": { schema: S.Event } } } },
      },
    }, async (req, reply) => {
    const p = req.principal;
    const filter = { service: req.query.service, session: req.query.session };
    let watched = null as Awaited<ReturnType<typeof hub.sessions.get>> | null;
    if (filter.session) {
      watched = await hub.sessions.get(p, filter.session);
      filter.session = watched.id;
    }
    const lastHeader = req.headers["last-event-id"];
    const resumeFrom = typeof lastHeader === "string" && /^\d{1,15}$/.test(lastHeader) ? Number(lastHeader) : null;
    if (typeof lastHeader === "string" && resumeFrom === null && lastHeader !== "") throw notFound("event");

    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "x-request-id": req.id,
    });
    // HEAD (Fastify routes it here): the stream's headers, checked as for GET, and no stream.
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    // A reader that stops reading must not make the process hold what it owes: a stream
    // that still owes more than the bound when the next write comes is cut, and the reader
    // resumes with Last-Event-ID when it can.
    const backlogBound = ctx.config.limits.sseBacklogBytes;
    const owesTooMuch = () => res.writableLength > backlogBound;
    // Once the head is on the socket, whole chunks go straight to it: the response would
    // only frame each again, cork the socket and write the pieces in a later tick. Until
    // then, and once the socket stops taking writes, the response frames and holds them.
    // An HTTP/1.0 reader gets no chunked framing: its stream ends with the connection.
    const framed = res.chunkedEncoding;
    let socket: Socket | null = null;
    let draining = res.write(": sessionhub events\n\n", (err) => {
      if (!err) socket = res.socket;
    });
    const write = (chunk: HttpChunk) => {
      // A write that waited may find the stream cut or ended: nothing follows the last chunk.
      if (res.destroyed || res.writableEnded) return;
      draining = socket?.writable ? socket.write(framed ? chunk.wire : chunk.data) : res.write(chunk.data);
    };

    // Events are sent at most once each (sent-events.ts). The frames of one delivery go
    // out in one write.
    const sent = new SentEvents();
    const take = (events: readonly HubEvent[]): HttpChunk | null => {
      let shown = "";
      for (let i = 0; i < events.length; i += 1) {
        const e = events[i]!;
        if (!sent.add(e.seq)) continue;
        if (visible(p, e, filter)) shown += `${i},`;
      }
      return shown === "" ? null : chunkOf(events, shown);
    };
    const send = (events: readonly HubEvent[]) => {
      const chunk = take(events);
      if (chunk) write(chunk);
    };
    // What is read from the record waits for the reader to take it; a reader that stops
    // there leaves the live events held, and the stream is cut when they are too many.
    const taken = () =>
      draining || res.destroyed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const writer = socket ?? res;
            const done = () => {
              writer.off("drain", done);
              res.off("close", done);
              draining = true;
              resolve();
            };
            writer.on("drain", done);
            res.on("close", done);
          });
    const cut = () => {
      unsubscribe();
      req.log.info({ owedBytes: res.writableLength }, "event stream cut: its reader fell behind");
      res.destroy();
    };
    let held: HubEvent[] | null = [];
    const unsubscribe = hub.bus.subscribe((events) => {
      if (held) {
        held.push(...events);
        if (held.length > BACKLOG_LIMIT) cut();
        return;
      }
      if (owesTooMuch()) return cut();
      const chunk = take(events);
      if (chunk) writeLater(write, chunk);
    });
    if (resumeFrom === null && req.query.recent) send(await recentEvents(hub, req.query.recent, (e) => visible(p, e, filter)));
    if (resumeFrom !== null) {
      let after = resumeFrom;
      for (;;) {
        await taken();
        if (res.destroyed) break;
        const batch = await hub.eventsAfter(after, 1000);
        send(batch);
        after = batch.at(-1)?.seq ?? after;
        if (batch.length < 1000 || after - resumeFrom > BACKLOG_LIMIT) break;
      }
    }
    await taken();
    const pending = held;
    held = null;
    if (res.destroyed) {
      unsubscribe();
      return;
    }
    send(pending.sort((a, b) => a.seq - b.seq));

    const markActivity = () => {
      if (watched && (policy.isOwner(p, watched) || policy.isMember(p, watched))) hub.sessions.markActivity(watched);
    };
    markActivity();
    const keepalive = setInterval(() => {
      if (owesTooMuch()) return cut();
      writeLater(write, KEEPALIVE);
      markActivity();
    }, KEEPALIVE_MS);
    const close = () => {
      clearInterval(keepalive);
      unsubscribe();
      open.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    open.add(end);
    req.raw.on("close", close);
    res.on("close", close);
    res.on("error", close);
  });
}
