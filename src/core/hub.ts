import type { Store } from "./store.js";
import { ActivityTracker } from "./activity.js";
import { ACTIVITY_EVENTS, EventBus } from "./events.js";
import { Insights } from "./insights.js";
import { Jobs } from "./jobs.js";
import type { FilterLimits } from "./query.js";
import { FamilyRecords } from "./records.js";
import { Reaper, type ReaperOptions } from "./reaper.js";
import { ServiceDirectory } from "./services.js";
import { type SessionRules, Sessions } from "./sessions.js";
import { Statistics } from "./statistics.js";

export interface HubOptions extends SessionRules {
  /** How large a filter may be; families bound their parsers by it, stores check every query against it. */
  filterLimits: FilterLimits;
  reaper: Omit<ReaperOptions, "clock">;
  /** Inactivity timeout of a service created without one. */
  defaultInactiveTimeoutSeconds: number;
  /** How often batched activity marks are written. */
  activityFlushMs: number;
}

/**
 * The core, assembled: what every API family is given. It owns the event bus, the
 * service directory, the session manager, the activity batcher and the reaper.
 */
export class Hub {
  readonly bus = new EventBus();
  readonly services: ServiceDirectory;
  readonly sessions: Sessions;
  readonly jobs: Jobs;
  readonly activity: ActivityTracker;
  readonly reaper: Reaper;
  readonly insights: Insights;
  readonly statistics: Statistics;
  readonly clock: () => number;
  readonly nodeId: string;
  readonly filterLimits: FilterLimits;
  private flushTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    readonly store: Store,
    private readonly options: HubOptions,
    private readonly onError: (e: unknown) => void,
  ) {
    this.clock = options.clock;
    this.nodeId = options.nodeId;
    this.filterLimits = options.filterLimits;
    this.services = new ServiceDirectory(store, this.bus, options.clock, options.defaultInactiveTimeoutSeconds, options.jsonDepth);
    this.activity = new ActivityTracker(store, this.bus);
    this.sessions = new Sessions(store, this.bus, this.services, this.activity, options);
    this.jobs = new Jobs(store, this.bus, this.sessions, options.clock, options.jsonDepth);
    this.insights = new Insights(store);
    this.statistics = new Statistics(store, this.sessions, options.clock);
    this.reaper = new Reaper(store, this.sessions, this.activity, this.bus, { ...options.reaper, clock: options.clock }, onError);
  }

  /** The event record after `seq`, oldest first: what resumable streams replay. */
  eventsAfter(seq: number, limit: number) {
    return this.store.readEvents(seq, limit);
  }

  /** The event record before `seq`, newest first, without activity marks: what a stream shows as recent. */
  eventsBefore(seq: number, limit: number) {
    return this.store.readEventsBefore(seq, limit, [...ACTIVITY_EVENTS]);
  }

  /** The record store of one family, its namespaces prefixed with the family's name. */
  records(family: string): FamilyRecords {
    return new FamilyRecords(this.store, family, this.clock, this.options.jsonDepth);
  }

  async start(): Promise<void> {
    this.unlisten = await this.store.listen((events) => this.bus.publish(events));
    this.reaper.start();
    this.flushTimer = setInterval(() => void this.activity.flush().catch(this.onError), this.options.activityFlushMs);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    await this.reaper.stop();
    await this.activity.flush().catch(this.onError);
    await this.unlisten?.();
    this.unlisten = null;
  }
}
