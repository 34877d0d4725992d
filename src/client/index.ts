/** `import { SessionHub } from "sessionhub/client"`: the typed client of the native API. */
export { SessionHub, type SessionHubOptions } from "./session-hub.js";
export { EventStream, type WatchOptions } from "./events.js";
export { SessionHubError, type FailureKind } from "./errors.js";
export type * from "./types.js";
