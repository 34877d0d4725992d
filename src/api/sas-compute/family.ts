import type { Family } from "../family.js";
import { perServer } from "../per-server.js";
import { SAS_LOGON_DEFAULTS, SAS_LOGON_ENVIRONMENT } from "../sas-logon/config.js";
import { sasLogonApi } from "../sas-logon/plugin.js";
import { KIND, SasCompute } from "./compute.js";
import { SAS_ENVIRONMENT, SAS_FLAGS, SAS_DEFAULTS, sasConfig, validateSettings } from "./config.js";
import { sasComputeEdge } from "./edge.js";
import { sasComputeApi } from "./plugin.js";

const PREFIX = "/compute";

const computeOf = perServer(
  (ctx) => new SasCompute(ctx.hub, sasConfig(ctx.config), (e) => ctx.log.error({ err: e }, "sas-compute background work failed")),
);

/**
 * The SAS Viya Compute API family: contexts are services of kind `sas-compute`, compute
 * sessions are core sessions, and their jobs run in this node's runner. SAS Logon's
 * token endpoint is served beside it, on the main listener and on its own port.
 */
export const sasComputeFamily: Family = {
  name: "sas-compute",
  defaults: { sasCompute: SAS_DEFAULTS, sasLogon: SAS_LOGON_DEFAULTS },
  environment: { ...SAS_ENVIRONMENT, ...SAS_LOGON_ENVIRONMENT },
  flags: SAS_FLAGS,
  enabled: ({ config }) => sasConfig(config).enabled,
  serviceKinds: [{ kind: KIND, validateSettings, defaultInactiveTimeoutSeconds: SAS_DEFAULTS.limits.defaultInactiveSeconds }],
  async init(ctx) {
    const compute = computeOf(ctx);
    // The built-in context, on first start: the default of the VS Code extension and restaflib,
    // which send it SAS code. The script language runs in contexts whose executor is `script`.
    if ((await compute.contexts()).length === 0) {
      await ctx.hub.services.ensure({
        id: "sas-job-execution",
        kind: KIND,
        name: "SAS Job Execution compute context",
        description: "Runs SAS language programs: macro statements, global statements and DATA _NULL_ steps.",
        settings: { executor: "sas" },
      });
    }
    await compute.runner.start();
  },
  api: (ctx) => {
    const compute = computeOf(ctx);
    return { edge: sasComputeEdge, routes: (scope) => sasComputeApi(scope, ctx, compute) };
  },
  sharedPrefixes: (ctx) => (sasConfig(ctx.config).port === 0 ? [PREFIX] : []),
  companions: (ctx) => sasLogonApi(ctx),
  ownListener(ctx) {
    const { port, host, tls } = sasConfig(ctx.config);
    return port === 0 ? null : { section: "sasCompute", host, port, tls, prefixes: [PREFIX] };
  },
  async stop(ctx) {
    await computeOf(ctx).runner.stop();
  },
};
