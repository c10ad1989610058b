// XEP-0215 External Service Discovery (urn:xmpp:extdisco:2): §3.1 asking for
// services (optionally of one type), §3.3 asking for credentials of one
// service, and the <service/> attributes (host, port, transport, username,
// password, expires, restricted).
import { xml, type Element } from "../xml.js";

export const NS_EXTDISCO = "urn:xmpp:extdisco:2";

export type ExternalService = {
  type: string;
  host: string;
  port?: number;
  transport?: "udp" | "tcp";
  name?: string;
  username?: string;
  password?: string;
  /** When the credentials stop working (§4: `expires`, an XEP-0082 date-time). */
  expires?: Date;
  /** §4: the service needs credentials (maybe fetched with a credentials request). */
  restricted: boolean;
};

export type ExtdiscoQuery = { type?: string } | { credentials: { host: string; type: string; port?: number } };

/** §3.1 `<services/>` (with `type`: §3.2), or §3.3 `<credentials/>` for one service. */
export function serializeExtdiscoQuery(server: string, q: ExtdiscoQuery = {}): Element {
  if ("credentials" in q) {
    const c = q.credentials;
    const service = xml("service", { host: c.host, type: c.type, ...(c.port !== undefined && { port: String(c.port) }) });
    return xml("iq", { type: "get", to: server }, xml("credentials", { xmlns: NS_EXTDISCO }, service));
  }
  return xml("iq", { type: "get", to: server }, xml("services", { xmlns: NS_EXTDISCO, ...(q.type && { type: q.type }) }));
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,5}$/.test(v)) return undefined;
  const n = Number(v);
  return n > 0 && n < 65536 ? n : undefined;
}

function parseService(el: Element): ExternalService | undefined {
  const a = el.attrs as Record<string, string | undefined>;
  if (!a.type || !a.host) return undefined;
  const s: ExternalService = { type: a.type, host: a.host, restricted: a.restricted === "1" || a.restricted === "true" };
  const port = parsePort(a.port);
  if (port !== undefined) s.port = port;
  if (a.transport === "udp" || a.transport === "tcp") s.transport = a.transport;
  if (a.name) s.name = a.name;
  if (a.username !== undefined) s.username = a.username;
  if (a.password !== undefined) s.password = a.password;
  const expires = a.expires ? new Date(a.expires) : undefined;
  if (expires && !Number.isNaN(expires.getTime())) s.expires = expires;
  return s;
}

/** The services of a result to either query; ones without type or host are skipped. */
export function parseExtdiscoResult(el: Element): ExternalService[] {
  const holder = el.getChild("services", NS_EXTDISCO) ?? el.getChild("credentials", NS_EXTDISCO) ?? (el.attrs.xmlns === NS_EXTDISCO ? el : undefined);
  if (!holder) return [];
  return holder.getChildren("service").map(parseService).filter((s): s is ExternalService => s !== undefined);
}

/** STUN/TURN services (RFC 7064/7065 types) in the order the server listed them. */
export function iceServers(services: ExternalService[]): ExternalService[] {
  return services.filter((s) => ["stun", "stuns", "turn", "turns"].includes(s.type));
}
