// protocol.md §7 UC-a / UC-b: the address-finding orders, as pure functions over
// the evidence we hold; XEP-0152 reach, XEP-0292 vCard4, XEP-0054 vcard-temp,
// RFC 6993 Call-Info, RFC 3966 tel: dialled as RFC 3261 §19.1.6 user=phone.
import { ParseError } from "../util/errors.js";
import { jidOfUri, parseXmppUri } from "./xmpp-uri.js";
import { addressKey, normaliseAddress, type Address, type LinkOrigin } from "../store/types.js";

/** A domain pair for which the user enabled the same-name rule. */
export type SameNamePair = { xmppDomain: string; sipDomain: string };

export type JidEvidence = {
  /** Addresses the user gave for this JID (§7 step 4, stored): tried first. */
  user?: readonly string[];
  /** <reach/> addr URIs from the contact's presence, in its order. */
  presenceReach?: readonly string[];
  /** <reach/> from its PEP node urn:xmpp:reach:0. */
  pepReach?: readonly string[];
  /** vCard4 <impp> URIs (any scheme) and <tel> values. */
  vcard4?: { impp: readonly string[]; tel: readonly string[] };
  /** vcard-temp <TEL><NUMBER/> values. */
  vcardTemp?: { tel: readonly string[] };
};

export type SipCandidate = {
  /** Normalised, for the link table. */
  address: Address;
  /** What to put in the INVITE's Request-URI (a GRUU keeps its `gr`). */
  dial: string;
  origin: LinkOrigin;
};

export type DiscoveryContext = {
  /** The domain of our SIP account: tel: numbers are dialled through it. */
  ourSipDomain: string;
  sameName?: readonly SameNamePair[];
};

function tryNormalise(a: Address): Address | undefined {
  try {
    return normaliseAddress(a);
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

/** A SIP/SIPS or tel URI (or a bare number) as a dialable candidate. */
function sipCandidate(value: string, origin: LinkOrigin, ctx: DiscoveryContext): SipCandidate | undefined {
  const v = value.trim();
  if (/^sips?:/i.test(v)) {
    const address = tryNormalise({ kind: "sip", value: v });
    if (!address) return undefined;
    return address.kind === "tel" ? telCandidate(address, origin, ctx) : { address, dial: v, origin };
  }
  const address = tryNormalise({ kind: "tel", value: v });
  return address && telCandidate(address, origin, ctx);
}

/** §7: a tel: number is dialled through our SIP account, `sip:+1555...@our-domain;user=phone`. */
function telCandidate(address: Address, origin: LinkOrigin, ctx: DiscoveryContext): SipCandidate {
  const number = address.value.slice(4);
  return { address, dial: `sip:${number}@${ctx.ourSipDomain.toLowerCase()};user=phone`, origin };
}

function splitJid(jid: string): { local: string; domain: string } | undefined {
  const bare = tryNormalise({ kind: "jid", value: jid });
  if (!bare) return undefined;
  const at = bare.value.lastIndexOf("@");
  return at < 0 ? undefined : { local: bare.value.slice(0, at), domain: bare.value.slice(at + 1) };
}

/**
 * UC-a, JID to SIP: the user's stored answer, then reach (presence, PEP), then
 * vCard4 impp/tel and vcard-temp TEL, then the same-name rule when enabled for
 * the domain pair. All hits, first first, each address once (its first origin).
 * An empty list means: ask the user.
 */
export function sipCandidatesForJid(jid: string, ev: JidEvidence, ctx: DiscoveryContext): SipCandidate[] {
  const raw: [string, LinkOrigin][] = [
    ...(ev.user ?? []).map((v): [string, LinkOrigin] => [v, "user"]),
    ...(ev.presenceReach ?? []).map((v): [string, LinkOrigin] => [v, "reach"]),
    ...(ev.pepReach ?? []).map((v): [string, LinkOrigin] => [v, "pep"]),
    // XEP-0292: <impp> may hold any IM scheme; only sip:/sips: are calls.
    ...(ev.vcard4?.impp ?? []).filter((v) => /^\s*sips?:/i.test(v)).map((v): [string, LinkOrigin] => [v, "vcard4"]),
    ...(ev.vcard4?.tel ?? []).map((v): [string, LinkOrigin] => [v, "vcard4"]),
    ...(ev.vcardTemp?.tel ?? []).map((v): [string, LinkOrigin] => [v, "vcard-temp"]),
  ];
  const parts = splitJid(jid);
  for (const pair of ctx.sameName ?? []) {
    if (parts && pair.xmppDomain.toLowerCase() === parts.domain) raw.push([`sip:${parts.local}@${pair.sipDomain}`, "same-name"]);
  }
  const seen = new Set<string>();
  const out: SipCandidate[] = [];
  for (const [value, origin] of raw) {
    // Only reach carries non-SIP schemes we skip silently (xmpp:, mailto:, ...).
    if (/^\s*[a-z][a-z0-9+.-]*:/i.test(value) && !/^\s*(sips?|tel):/i.test(value)) continue;
    const c = sipCandidate(value, origin, ctx);
    if (!c || seen.has(addressKey(c.address))) continue;
    seen.add(addressKey(c.address));
    out.push(c);
  }
  return out;
}

export type SipEvidence = {
  /** Answers the user gave for this SIP address. */
  user?: readonly string[];
  /** JIDs from Call-Info purpose=impp on earlier calls with this AoR, most recent first. */
  callInfo?: readonly string[];
  /** xmpp: URIs from vCard4 <impp> that name this SIP address too. */
  vcard4Impp?: readonly string[];
};

/** A JID, or the JID of an xmpp: URI (percent-decoded, query dropped). */
function jidText(value: string): string | undefined {
  if (!/^\s*xmpp:/i.test(value)) return value;
  try {
    return jidOfUri(parseXmppUri(value.trim()));
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

export type JidCandidate = { jid: string; origin: LinkOrigin };

/**
 * UC-b, SIP to JID: the user's answer, Call-Info seen on earlier calls, vCard4
 * <impp> xmpp: URIs, then the same-name rule (opt-in). Bare JIDs, each once.
 * An empty list means: ask the user, then offer to subscribe.
 */
export function jidCandidatesForSip(sipUri: string, ev: SipEvidence, ctx: Pick<DiscoveryContext, "sameName">): JidCandidate[] {
  const raw: [string, LinkOrigin][] = [
    ...(ev.user ?? []).map((v): [string, LinkOrigin] => [v, "user"]),
    ...(ev.callInfo ?? []).map((v): [string, LinkOrigin] => [v, "call-info"]),
    ...(ev.vcard4Impp ?? []).filter((v) => /^\s*xmpp:/i.test(v)).map((v): [string, LinkOrigin] => [v, "vcard4"]),
  ];
  const sip = tryNormalise({ kind: "sip", value: sipUri });
  const m = sip?.kind === "sip" ? /^sip:([^@]+)@([^:]+)/.exec(sip.value) : null;
  for (const pair of ctx.sameName ?? []) {
    // A number is not a JID node: the rule is for names (alice@ to alice@).
    if (m && pair.sipDomain.toLowerCase() === m[2] && !/^\+?[0-9]+$/.test(m[1]!)) raw.push([`${m[1]}@${pair.xmppDomain}`, "same-name"]);
  }
  const seen = new Set<string>();
  const out: JidCandidate[] = [];
  for (const [value, origin] of raw) {
    const jid = tryNormalise({ kind: "jid", value: jidText(value) ?? "" });
    if (!jid || !jid.value.includes("@") || seen.has(jid.value)) continue;
    seen.add(jid.value);
    out.push({ jid: jid.value, origin });
  }
  return out;
}
