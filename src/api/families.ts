import type { Family } from "./family.js";
import { gameFamily } from "./game/family.js";
import { maxscaleFamily } from "./maxscale/family.js";
import { nativeFamily } from "./native/family.js";
import { roundwareFamily } from "./roundware/family.js";
import { sasComputeFamily } from "./sas-compute/family.js";

/** Every API family sessionhub serves, in mounting order. */
export const FAMILIES: Family[] = [nativeFamily, roundwareFamily, maxscaleFamily, sasComputeFamily, gameFamily];

/** The config sources every family adds: defaults, environment names and flags. */
export function familyConfigSources(families: Family[] = FAMILIES) {
  return {
    defaults: Object.assign({}, ...families.map((f) => f.defaults ?? {})) as Record<string, unknown>,
    environment: Object.assign({}, ...families.map((f) => f.environment ?? {})) as Record<string, string>,
    flagNames: Object.assign({}, ...families.map((f) => f.flags ?? {})) as Record<string, string>,
  };
}
