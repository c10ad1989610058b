// protocol.md §7 (UC-a, UC-b) with I/O: gathers the evidence the pure rules of
// discovery.ts need (presence and PEP reach, vCard4, vcard-temp, Call-Info seen,
// the same-name rule), remembers every hit as a link claim, and publishes our
// own vCard4 and vcard-temp with our SIP AoR and number so others find us.
import type { Logger } from "../util/log.js";
import type { Store } from "../store/types.js";
import { normaliseAddress } from "../store/types.js";
import { bareJid, emptyVcard, type Vcard, type XmppClient } from "../xmpp/index.js";
import { jidCandidatesForSip, sipCandidatesForJid, type JidCandidate, type SameNamePair, type SipCandidate } from "./discovery.js";
import { learnLink, sipAddressOf } from "./learn-links.js";

export type DiscoverDeps = { store: Store; xmpp: XmppClient; ourSipDomain: string; sameName: readonly SameNamePair[]; log: Logger };

/** A look-up that fails (no PEP, no vCard, an error) is no evidence, not an error. */
async function quietly<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch {
    return undefined;
  }
}

/** UC-a: the SIP addresses of a JID, first to try first; each hit is stored as a claim. */
export async function findSipFor(d: DiscoverDeps, jid: string): Promise<SipCandidate[]> {
  const bare = bareJid(jid);
  const [pep, v4, vt] = await Promise.all([
    quietly(d.xmpp.fetchReach(bare)),
    quietly(d.xmpp.fetchVcard4(bare)),
    quietly(d.xmpp.fetchVcardTemp(bare)),
  ]);
  const user = d.store.findLinks(normaliseAddress({ kind: "jid", value: bare })).filter((l) => l.evidence.user !== undefined).map((l) => l.other.value);
  const candidates = sipCandidatesForJid(bare, {
    user,
    presenceReach: d.xmpp.presencesOf(bare).flatMap((r) => (r.reach ?? []).map((a) => a.uri)),
    pepReach: (pep ?? []).map((a) => a.uri),
    ...(v4 ? { vcard4: { impp: v4.impps, tel: v4.tels.map((t) => t.number) } } : {}),
    ...(vt ? { vcardTemp: { tel: vt.tels.map((t) => t.number) } } : {}),
  }, { ourSipDomain: d.ourSipDomain, sameName: d.sameName });
  const now = Date.now();
  for (const c of candidates) if (c.origin !== "user") learnLink(d.store, bare, c.dial, c.origin, now);
  return candidates;
}

/** UC-b: the JIDs of a SIP address: Call-Info seen on earlier calls, stored answers, the same-name rule. */
export function findJidFor(d: DiscoverDeps, sipUri: string): JidCandidate[] {
  const address = sipAddressOf(sipUri);
  if (!address) return [];
  const links = d.store.findLinks(address);
  const seen = (origin: "user" | "call-info") =>
    links.filter((l) => l.evidence[origin] !== undefined).sort((a, b) => (b.evidence[origin] ?? 0) - (a.evidence[origin] ?? 0)).map((l) => l.jid);
  return jidCandidatesForSip(sipUri, { user: seen("user"), callInfo: seen("call-info") }, { sameName: d.sameName });
}

/**
 * §7: our vCard4 (and vcard-temp for older servers) carries our SIP AoR as
 * <impp> and our number as <tel>. What the user already has there is kept.
 */
export async function publishOwnCards(d: DiscoverDeps, aor: string, tel?: string): Promise<void> {
  const merge = (card: Vcard | undefined): Vcard => {
    const v: Vcard = card ? { ...card, impps: [...card.impps], tels: [...card.tels] } : emptyVcard();
    if (!v.impps.includes(aor)) v.impps.unshift(aor);
    const number = tel?.replace(/^tel:/i, "");
    if (number && !v.tels.some((t) => t.number.replace(/[\s.()-]/g, "") === number)) v.tels.unshift({ number, types: ["voice"] });
    return v;
  };
  const [v4, vt] = await Promise.all([quietly(d.xmpp.fetchVcard4()), quietly(d.xmpp.fetchVcardTemp())]);
  // vcard-temp first: a server that mirrors one into the other (Prosody's
  // mod_vcard_legacy) would otherwise overwrite the vCard4 <impp>, which
  // vcard-temp cannot hold.
  await d.xmpp.publishVcardTemp(merge(vt)).catch((err: unknown) => d.log.info("vcard-temp not published", { error: String(err) }));
  await d.xmpp.publishVcard4(merge(v4)).catch((err: unknown) => d.log.info("vCard4 not published", { error: String(err) }));
}
