import type { User } from "../../core/types.js";
import type { Account } from "./authorize.js";
import type { Links } from "./links.js";
import type { Resource } from "./resource.js";
import { httpDate } from "./time-format.js";

/**
 * A user who can log in with a password, as one of MaxScale's network (`inet`) admin
 * users. The hub does not record logins (`last_login` null, as MaxScale shows a user who
 * never logged in), nor password changes apart from other changes (`last_update` is the
 * user's last change).
 */
export function renderUser(u: User, account: Account, links: Links): Resource {
  return {
    attributes: { account, created: httpDate(u.createdAt), last_login: null, last_update: httpDate(u.updatedAt), name: u.id },
    id: u.id,
    links: { self: links.to("users", "inet", u.id) },
    type: "inet",
  };
}
