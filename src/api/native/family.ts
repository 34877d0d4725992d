import type { Family } from "../family.js";
import { NATIVE_PREFIX, nativeApi } from "./index.js";

export const nativeFamily: Family = {
  name: "native",
  enabled: ({ config }) => config.native.enabled,
  mount: async (app, ctx) => {
    await app.register((scope) => nativeApi(scope, ctx), { prefix: NATIVE_PREFIX });
  },
};
