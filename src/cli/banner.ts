import type { Listening } from "../server.js";

/** How people see where everything is, once the server listens. */
export function banner(version: string, nodeId: string, store: string, listening: Listening[]): string {
  const main = listening.find((l) => l.name === "main")!;
  const rows: [string, string][] = [
    ["console", `${main.url}/admin/`],
    ["docs", `${main.url}/docs`],
  ];
  for (const l of listening) for (const api of l.apis) rows.push([api.name, api.url || l.url]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `sessionhub ${version} · node ${nodeId} · ${store}`,
    ...rows.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`),
    "",
  ].join("\n");
}
