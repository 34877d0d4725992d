import type { Family } from "../family.js";
import { nativeEdge } from "./edge.js";
import { NATIVE_PREFIX, nativeApi } from "./index.js";

export const nativeFamily: Family = {
  name: "native",
  enabled: ({ config }) => config.native.enabled,
  api: (ctx) => ({ edge: nativeEdge, routes: (scope) => nativeApi(scope, ctx) }),
  sharedPrefixes: () => [NATIVE_PREFIX],
};
