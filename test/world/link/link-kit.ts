// Shared glue for the link world tests: two endpoints of ours on one world.
import { createClient, type CusaxClient, type CusaxClientOptions } from "../../../packages/core/src/index.js";
import { MemoryStore } from "../../../packages/core/src/store/memory-store.js";
import type { MediaHooks } from "../../../packages/core/src/sip/index.js";
import { startKamailio, startProsody, until, type SipServer, type XmppServer } from "../index.js";
import { ToneMedia } from "../sip/call-kit.js";

export function toneHooks(hz: number): MediaHooks {
  return { create: () => new ToneMedia(hz) };
}

export function endpoint(
  track: <T extends { stop(): Promise<void> }>(t: T) => T,
  prosody: XmppServer,
  kamailio: SipServer,
  user: string,
  extra: Partial<Omit<CusaxClientOptions, "sip" | "xmpp">> = {},
  sipUser = user,
): CusaxClient {
  const x = prosody.users[user]!;
  const s = kamailio.users[sipUser]!;
  const client = createClient({
    store: new MemoryStore(),
    xmpp: { service: `xmpp://${prosody.host}:${prosody.ports.c2s}`, domain: prosody.domain, username: x.name, password: x.password, ca: prosody.caPem },
    sip: {
      aor: s.aor, password: s.password, transport: "udp", outboundProxy: `sip:${kamailio.host}:${kamailio.ports.udp}`,
      listen: { host: kamailio.host }, mediaHooks: toneHooks(user === "alice" ? 440 : 880), expires: 120,
    },
    ...extra,
  });
  return track({ client, stop: () => client.stop() }).client;
}

/** Subscribes both ways (each asks, each approves). */
export async function befriend(a: CusaxClient, b: CusaxClient, domain: string, names: [string, string]): Promise<void> {
  const [an, bn] = names.map((n) => `${n}@${domain}`) as [string, string];
  for (const [me, other, otherJid] of [[a, b, bn], [b, a, an]] as const) {
    other.xmpp.on("subscriptionRequest", (r) => void other.xmpp.approve(r.from));
    await me.xmpp.rosterAdd({ jid: otherJid });
    await me.xmpp.subscribe(otherJid);
  }
  await until("mutual subscription", () =>
    a.xmpp.roster().some((i) => i.jid === bn && i.subscription === "both") && b.xmpp.roster().some((i) => i.jid === an && i.subscription === "both"),
  );
}


/** A fresh world with alice and bob as endpoints of ours, subscribed both ways and callable to each other. */
export async function twoFriends(track: <T extends { stop(): Promise<void> }>(t: T) => T) {
  const prosody = track(await startProsody({ users: ["alice", "bob"] }));
  const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
  const alice = endpoint(track, prosody, kamailio, "alice");
  const bob = endpoint(track, prosody, kamailio, "bob");
  await alice.start();
  await bob.start();
  await befriend(alice, bob, prosody.domain, ["alice", "bob"]);
  await until("each sees the other callable", () =>
    alice.sipStateOf(`bob@${prosody.domain}`) === "callable" && bob.sipStateOf(`alice@${prosody.domain}`) === "callable");
  return { prosody, kamailio, alice, bob };
}
