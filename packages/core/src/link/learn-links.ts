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

/** Records that `jid` and `uri` belong together, as `origin` says; returns the link. */
export function learnLink(store: Store, jid: string, uri: string, origin: LinkOrigin, at: number): Link | undefined {
  const other = sipAddressOf(uri);
  if (!other) return undefined;
  const bare = normaliseAddress({ kind: "jid", value: jid }).value;
  return store.transaction(() => {
    const prev = store.getLink(bare, other);
    return store.addLink({ jid: bare, other, origin, at, trust: nextTrust(prev, origin) });
  });
}
