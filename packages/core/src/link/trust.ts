// protocol.md §7 "Link trust" and §9: a <reach/> or a Call-Info is a claim;
// both directions agreeing, or the user, make a link trustworthy.
//
//              jid-claim + sip-claim seen           user-confirm
//   claimed ------------------------------> verified -----------> user-confirmed
//      |  ^------------------------------------------------ user-revoke ---|
//      +------------------------ user-confirm ---------------------------->|
//
// Evidence never lowers trust; only the user revokes (store.setLinkTrust).
import type { Link, LinkOrigin, LinkTrust } from "../store/types.js";

/** Which side of a link an origin speaks for. */
export type ClaimSide = "jid" | "sip" | "rule" | "user";

/**
 * The JID's side: what its own account publishes about itself (presence
 * <reach/>, PEP reach, its vCards). The SIP side: Call-Info on a call that came
 * from the SIP address. The same-name rule is an inference of ours: neither.
 */
export const ORIGIN_SIDE: Readonly<Record<LinkOrigin, ClaimSide>> = {
  reach: "jid",
  pep: "jid",
  vcard4: "jid",
  "vcard-temp": "jid",
  "call-info": "sip",
  "same-name": "rule",
  user: "user",
};

export type TrustEvent = "jid-claim" | "sip-claim" | "rule" | "user-confirm" | "user-revoke";

type Evidence = Link["evidence"];

export function hasSide(evidence: Evidence, side: ClaimSide): boolean {
  return (Object.keys(evidence) as LinkOrigin[]).some((o) => ORIGIN_SIDE[o] === side);
}

type Target = LinkTrust | "verified-if-both";

/** What each event does to each trust level; evidence only adds, the user decides. */
export const TRUST_MOVES: Readonly<Record<LinkTrust, Readonly<Record<TrustEvent, Target>>>> = {
  claimed: { "jid-claim": "verified-if-both", "sip-claim": "verified-if-both", rule: "claimed", "user-confirm": "user-confirmed", "user-revoke": "claimed" },
  verified: { "jid-claim": "verified", "sip-claim": "verified", rule: "verified", "user-confirm": "user-confirmed", "user-revoke": "claimed" },
  "user-confirmed": { "jid-claim": "user-confirmed", "sip-claim": "user-confirmed", rule: "user-confirmed", "user-confirm": "user-confirmed", "user-revoke": "claimed" },
};

/** A move; `both` is true when, after the event, each side has claimed the link. */
export function moveTrust(current: LinkTrust | undefined, event: TrustEvent, both: boolean): LinkTrust {
  const to = TRUST_MOVES[current ?? "claimed"][event];
  return to === "verified-if-both" ? (both ? "verified" : "claimed") : to;
}

export function eventOf(origin: LinkOrigin): TrustEvent {
  const side = ORIGIN_SIDE[origin];
  return side === "jid" ? "jid-claim" : side === "sip" ? "sip-claim" : side === "user" ? "user-confirm" : "rule";
}

/** The trust to store with Store.addLink when `origin` asserts the link again. */
export function nextTrust(prev: Pick<Link, "trust" | "evidence"> | undefined, origin: LinkOrigin): LinkTrust {
  const evidence: Evidence = { ...(prev?.evidence ?? {}), [origin]: 0 };
  const both = hasSide(evidence, "jid") && hasSide(evidence, "sip");
  return moveTrust(prev?.trust, eventOf(origin), both);
}

/**
 * protocol.md §7: may anything automatic happen on this link (bind a call to a
 * chat, message a JID learned from SIP, add to the roster)? Verified and
 * confirmed links, yes. A claimed link only when the JID is in our roster with
 * a subscription and the claim came from the JID's own side: the roster
 * vouches for the JID's account, not for what a SIP caller says about it.
 */
export function mayAutomate(link: Pick<Link, "trust" | "evidence"> | undefined, rosterSubscribed: boolean): boolean {
  if (!link) return false;
  if (link.trust !== "claimed") return true;
  return rosterSubscribed && hasSide(link.evidence, "jid");
}

/** Strong enough to act on without any roster backing. */
export function isTrusted(link: Pick<Link, "trust"> | undefined): boolean {
  return link !== undefined && link.trust !== "claimed";
}
