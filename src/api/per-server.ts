import type { FamilyContext } from "./context.js";

/**
 * A family's state, made once per server and shared by its init, mount, own listener
 * and stop. Keyed by the server's context, not a module global, because tests run
 * several servers in one process.
 */
export function perServer<T>(make: (ctx: FamilyContext) => T): (ctx: FamilyContext) => T {
  const states = new WeakMap<FamilyContext, T>();
  return (ctx) => {
    let state = states.get(ctx);
    if (state === undefined) {
      state = make(ctx);
      states.set(ctx, state);
    }
    return state;
  };
}
