// protocol.md §7: links between JIDs and SIP/tel addresses, learned as claims
// from what each side says (reach in presence or a message, Call-Info on a
// call) and stored with the trust that link/trust.ts gives them.
import type { Address, Link, LinkOrigin, Store } from "../store/types.js";
import { normaliseAddress } from "../store/types.js";
import { nextTrust } from "./trust.js";

/** A sip:/sips:/tel: URI as a store address, or undefined for other schemes or junk. */
export function sipAddressOf(uri: string): Address | undefined {
  const kind = /^\s*tel:/i.test(uri) ? "tel" : /^\s*sips?:/i.test(uri) ? "sip" : undefined;
  if (!kind) return undefined;
  try {
    return normaliseAddress({ kind, value: uri });
  } catch {
    return undefined; // a claim we cannot read is no claim
  }
}

/** DECISION(protocol.md D30): links one claimant (a JID, or a SIP address for Call-Info) may make us keep. */
export const MAX_CLAIMS = 16;

/**
 * Records that `jid` and `uri` belong together, as `origin` says; returns the
 * link. Undefined when the URI is no SIP/tel address, when the user removed
 * this link (D31: only `user` brings it back), or when the claimant already
 * holds MAX_CLAIMS links and this would be a new one (D30).
 */
export function learnLink(store: Store, jid: string, uri: string, origin: LinkOrigin, at: number): Link | undefined {
  const other = sipAddressOf(uri);
  if (!other) return undefined;
  let bare: string;
  try {
    bare = normaliseAddress({ kind: "jid", value: jid }).value;
  } catch {
    return undefined;
  }
  return store.transaction(() => {
    if (origin !== "user" && store.isLinkRejected(bare, other)) return undefined;
    const prev = store.getLink(bare, other);
    if (!prev && origin !== "user") {
      const claimant: Address = origin === "call-info" ? other : { kind: "jid", value: bare };
      if (store.findLinks(claimant).length >= MAX_CLAIMS) return undefined;
    }
    return store.addLink({ jid: bare, other, origin, at, trust: nextTrust(prev, origin) });
  });
}
