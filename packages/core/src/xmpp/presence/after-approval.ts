// RFC 6121 §3.1.5-3.1.6 and §4.6 with XEP-0163 +notify filtering: once a
// contact approves our subscription, our presence (with XEP-0115 caps) goes to
// them again. Some servers (ejabberd 23.01) note a subscriber's caps, and so
// its +notify interests, only from presence that arrives while the publisher's
// roster already lists that subscriber; our first presence reached the contact
// before they approved us, so without a second one we would get none of their
// PEP events (activity, reach) until our own presence changed.
import type { RosterChange } from "../roster/roster-book.js";
import type { Subscription } from "../roster/roster.js";

const receivesTheirs = (s: Subscription | undefined): boolean => s === "to" || s === "both";

/** The bare JID of a contact whose roster push shows they just approved our subscription. */
export function newlyApprovedBy(change: RosterChange): string | undefined {
  if (change.kind !== "set") return undefined;
  return !receivesTheirs(change.previous?.subscription) && receivesTheirs(change.item.subscription) ? change.item.jid : undefined;
}
