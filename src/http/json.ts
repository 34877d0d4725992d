import secureJson from "secure-json-parse";

/**
 * JSON bodies as every family reads them: `__proto__` and `constructor.prototype` keys
 * are refused (a later merge or Object.assign could otherwise change an object's
 * prototype), exactly as Fastify's own parser refuses them. Throws a SyntaxError with
 * the reason; each family words it in its own error format. Depth is bounded before
 * this runs, at the edge (edge/json-depth.ts).
 */
export function parseJson(text: string): unknown {
  return secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" });
}
