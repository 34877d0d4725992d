import { accountCommands } from "./commands/login.js";
import { tokens, users } from "./commands/accounts.js";
import { events } from "./commands/events.js";
import { roundware } from "./commands/roundware.js";
import { admin, serve } from "./commands/server.js";
import { services } from "./commands/services.js";
import { sessions } from "./commands/sessions.js";
import { parse } from "./args.js";
import { helpFor } from "./help.js";
import { type Group, command, group } from "./spec.js";

const help = command({
  summary: "Help for sessionhub or one of its commands",
  args: ["<command…>?"],
  examples: ["sessionhub help", "sessionhub help sessions list"],
  async run({ args, out }) {
    const topic = parse(args, ROOT);
    out.line(helpFor(topic.path, topic.node));
  },
});

export const ROOT: Group = group({
  summary: "sessionhub — one session service, every session API",
  children: { serve, admin, ...accountCommands, sessions, services, users, tokens, events, roundware, help },
  sections: [
    ["Server", ["serve", "admin"]],
    ["Sign in", ["login", "logout", "whoami"]],
    ["Resources", ["sessions", "services", "users", "tokens", "events", "roundware"]],
    ["More", ["help"]],
  ],
});
