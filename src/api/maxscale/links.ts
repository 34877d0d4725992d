import type { FastifyRequest } from "fastify";
import { failure } from "./errors.js";

/** `host[:port]` or `[ipv6][:port]`; a port is 1–5 digits. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::[0-9]{1,5})?$/;

function validHost(host: string | undefined): host is string {
  if (host === undefined || !HOST.test(host)) return false;
  const port = /:([0-9]{1,5})$/.exec(host.startsWith("[") ? host.slice(host.indexOf("]")) : host)?.[1];
  return port === undefined || Number(port) <= 65535;
}

/**
 * The base of every link: the configured public URL, else the scheme of the listener and
 * the request's Host. A Host that is not `host[:port]` is refused rather than echoed into
 * links.
 */
export function baseUrl(req: FastifyRequest, publicUrl: string): string {
  const host = req.headers.host;
  if (!validHost(host)) throw failure(400, "Invalid Host header");
  if (publicUrl !== "") return publicUrl.replace(/\/+$/, "");
  return `${req.protocol}://${host}`;
}

/**
 * Links of the family's resources, under a base. Every one ends in a slash, as
 * MaxScale's do; a trailing slash never changes what a path names here.
 */
export class Links {
  constructor(readonly base: string) {}

  /** `<base>/v1/<segment>/.../`, each segment percent-encoded. */
  to = (...segments: (string | number)[]) => `${this.base}/v1/${segments.map((s) => encodeURIComponent(s)).join("/")}/`;

  sessions = () => this.to("sessions");
  session = (number: number) => this.to("sessions", number);
  sessionServices = (number: number) => this.to("sessions", number, "relationships", "services");
  services = () => this.to("services");
  service = (id: string) => this.to("services", id);
  maxscale = () => this.to("maxscale");
}
