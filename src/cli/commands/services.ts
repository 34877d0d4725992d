import { command, group } from "../spec.js";
import { defined, json, seconds, text, whole } from "../values.js";
import { SERVICE_COLUMNS, SERVICE_FIELDS } from "../views.js";

const fields = {
  name: { type: "string", value: "NAME", help: "a name for people (default: the id)" },
  description: { type: "string", value: "TEXT", help: "what it is for" },
  settings: { type: "string", value: "JSON", help: "settings of its kind, a JSON object" },
  timeout: { type: "string", value: "DURATION", help: "its sessions end after this long idle (600, 10m, 2h; 0 never)" },
} as const;

const list = command({
  summary: "List services",
  examples: ["sessionhub services list", "sessionhub services list -o wide"],
  async run({ hub, out }) {
    out.list(await hub().services.list(), SERVICE_COLUMNS);
  },
});

const show = command({
  summary: "Show one service",
  args: ["<id-or-number>"],
  examples: ["sessionhub services show lobby"],
  async run({ args, hub, out }) {
    out.record(await hub().services.get(args[0]!), SERVICE_FIELDS, SERVICE_COLUMNS);
  },
});

const changes = (flags: Record<string, string | boolean | undefined>) =>
  defined({
    name: text(flags, "name"),
    description: text(flags, "description"),
    settings: json(flags, "settings"),
    defaultInactiveTimeoutSeconds: seconds(flags, "timeout"),
  });

const create = command({
  summary: "Create a service (administrators)",
  description: `Create a service: a place where sessions are created. Its kind says which API manages it
(generic, game, roundware, sas-compute); its number is the next free one unless --number picks one.`,
  args: ["<id>"],
  flags: {
    kind: { type: "string", value: "KIND", help: "generic (default), game, roundware or sas-compute" },
    number: { type: "string", value: "N", help: "its number (a Roundware project id); must be free" },
    ...fields,
  },
  examples: [
    'sessionhub services create lobby --name "Lobby" --timeout 30m',
    "sessionhub services create tour --kind roundware --settings '{\"roundware\":{\"geo_listen_enabled\":true}}'",
  ],
  async run({ args, flags, hub, out }) {
    const s = await hub().services.create({ id: args[0]!, ...defined({ kind: text(flags, "kind"), number: whole(flags, "number", 1) }), ...changes(flags) });
    out.done(s, `created service ${s.id} (number ${s.number}, kind ${s.kind})`, s.id);
  },
});

const update = command({
  summary: "Change a service (administrators)",
  args: ["<id>"],
  flags: fields,
  examples: ["sessionhub services update lobby --timeout 1h", `sessionhub services update lobby --settings '{"maxUsersPerSession":8}'`],
  async run({ args, flags, hub, out }) {
    const s = await hub().services.update(args[0]!, changes(flags));
    out.done(s, `updated service ${s.id}`, s.id);
  },
});

const remove = command({
  summary: "Delete a service (administrators)",
  description: "Delete a service. Refused while it has live sessions, unless --force, which ends them first.",
  args: ["<id>"],
  flags: { force: { type: "boolean", help: "end its live sessions and delete it anyway" } },
  examples: ["sessionhub services delete lobby", "sessionhub services delete lobby --force"],
  async run({ args, flags, hub, out }) {
    await hub().services.delete(args[0]!, { force: flags.force === true });
    out.done({ deleted: args[0] }, `deleted service ${args[0]}`, args[0]);
  },
});

export const services = group({
  summary: "List, show, create, change and delete services",
  children: { list, show, create, update, delete: remove },
});
