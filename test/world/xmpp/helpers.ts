// Shared glue for the XMPP world tests: our client logged in to the world's Prosody.
import { waitFor } from "../../../packages/core/src/util/events.js";
import { XmppClient, type XmppClientOptions, type XmppEvents } from "../../../packages/core/src/xmpp/index.js";
import type { Prosody } from "../index.js";

export type Service = "starttls" | "tls" | "ws";

export function serviceUrl(prosody: Prosody, kind: Service = "starttls"): string {
  if (kind === "tls") return `xmpps://${prosody.host}:${prosody.ports.directTls}`;
  if (kind === "ws") return prosody.websocketUrl;
  return `xmpp://${prosody.host}:${prosody.ports.c2s}`;
}

export function makeClient(prosody: Prosody, user: string, extra: Partial<XmppClientOptions> & { via?: Service } = {}): XmppClient {
  const u = prosody.users[user];
  if (!u) throw new Error(`no user ${user}`);
  const { via, ...rest } = extra;
  return new XmppClient({
    service: serviceUrl(prosody, via),
    domain: prosody.domain,
    username: u.name,
    password: u.password,
    resource: "cusax",
    ca: prosody.caPem,
    backoff: { baseMs: 200, maxMs: 2000 },
    ...rest,
  });
}

/** Waits (generously) for the next event that matches. */
export function next<K extends keyof XmppEvents>(
  client: XmppClient,
  event: K,
  match: (p: XmppEvents[K]) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<XmppEvents[K]> {
  return waitFor(client, event, match, { timeoutMs });
}
