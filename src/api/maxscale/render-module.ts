import type { Json, JsonObject } from "../../core/types.js";
import type { Links } from "./links.js";
import type { Resource } from "./resource.js";
import { SESSIONHUB_VERSION } from "../../version.js";

/** The core's own module, whose parameters are those `GET /maxscale` shows. */
export const CORE_MODULE = "maxscale";

const CORE_PARAMETERS: JsonObject[] = [
  {
    description: "Number of statements kept per session and shown as its queries",
    mandatory: false,
    modifiable: false,
    name: "retain_last_statements",
    type: "count",
  },
];

function module(id: string, attributes: JsonObject, links: Links): Resource {
  return { attributes: { commands: [], maturity: "GA", version: SESSIONHUB_VERSION, ...attributes }, id, links: { self: links.to("maxscale", "modules", id) }, type: "modules" };
}

/**
 * The modules of this node, honestly few: the core, and one router per service kind — a
 * kind is what `list services` shows as a service's router, the family that manages it.
 * None of them has module commands.
 */
export function renderModules(kinds: string[], links: Links): Resource[] {
  const core = module(CORE_MODULE, { description: CORE_MODULE, module_type: CORE_MODULE, parameters: CORE_PARAMETERS as Json }, links);
  const routers = [...kinds].sort().map((kind) =>
    module(kind, { api: "router", description: `Sessions of the services of kind ${kind}`, module_type: "Router", parameters: null }, links),
  );
  return [core, ...routers];
}
