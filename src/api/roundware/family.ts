import type { Family } from "../family.js";
import { perServer } from "../per-server.js";
import { ROUNDWARE_DEFAULTS, ROUNDWARE_ENVIRONMENT, ROUNDWARE_FLAGS, listenerPort, roundwareConfig } from "./config.js";
import { Roundware } from "./context.js";
import { roundwareEdge } from "./edge.js";
import { ROUNDWARE_PREFIX, roundwareApi } from "./index.js";
import { KIND, validateProjectSettings } from "./projects.js";

const stateOf = perServer((ctx) => new Roundware(ctx));

export const roundwareFamily: Family = {
  name: "roundware",
  defaults: { roundware: ROUNDWARE_DEFAULTS },
  environment: ROUNDWARE_ENVIRONMENT,
  flags: ROUNDWARE_FLAGS,
  enabled: ({ config }) => roundwareConfig(config).enabled,
  init: async (ctx) => {
    const rw = stateOf(ctx);
    // The kind is registered here rather than in `serviceKinds` because its validator
    // checks `language_ids` against this server's languages.
    ctx.hub.services.registerKind({
      kind: KIND,
      // Roundware sessions last as long as the app runs; they never expire by default.
      defaultInactiveTimeoutSeconds: 0,
      validateSettings: (settings) => validateProjectSettings(settings, async (id) => (await rw.languages.get(id)) !== null),
    });
    await rw.languages.seed();
  },
  api: (ctx) => ({ edge: roundwareEdge, routes: (scope) => roundwareApi(scope, stateOf(ctx)) }),
  sharedPrefixes: () => [ROUNDWARE_PREFIX],
  ownListener: (ctx) => {
    const config = roundwareConfig(ctx.config);
    const port = listenerPort(config);
    if (port === null) return null;
    return { section: "roundware", host: config.host || ctx.config.host, port, tls: config.tls, prefixes: [ROUNDWARE_PREFIX] };
  },
};
