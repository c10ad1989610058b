// The user read a conversation: its incoming messages count as read (the
// unread state the API shows), and the XEP-0333 `displayed` marker for the
// newest markable one read now goes to the peer. DECISION(protocol.md D25):
// a marker only on the user's explicit read, only to a roster contact who has
// our presence subscription (from/both), never in a room.
import { ConfigError } from "../util/errors.js";
import type { Logger } from "../util/log.js";
import type { Message, Store } from "../store/types.js";
import { bareJid, type XmppClient } from "../xmpp/index.js";

export type ReadingDeps = { store: Store; xmpp: XmppClient; log: Logger; now?: () => number };

/** D25: may a `displayed` marker go to this bare JID? */
export function mayShowReading(xmpp: XmppClient, bare: string): boolean {
  const sub = xmpp.roster().find((i) => i.jid.toLowerCase() === bare.toLowerCase())?.subscription;
  return sub === "from" || sub === "both";
}

/** The message the `displayed` marker names: the newest markable XMPP chat message read now. */
function markerTarget(read: readonly Message[]): Message | undefined {
  return [...read].reverse().find((m) => m.markable && m.stanzaId && !/^(sips?|tel):/i.test(m.from));
}

/** Marks read (all, or up to message `upTo` of the conversation); returns what stays unread and whether a marker went. */
export async function readConversation(d: ReadingDeps, conversationId: number, upTo?: number): Promise<{ unread: number; displayed: boolean }> {
  const c = d.store.getConversation(conversationId);
  if (!c) throw new ConfigError(`no conversation ${conversationId}`);
  if (upTo !== undefined && d.store.getMessage(upTo)?.conversationId !== conversationId) {
    throw new ConfigError(`message ${upTo} is not in conversation ${conversationId}`);
  }
  const read = d.store.markRead(conversationId, upTo, (d.now ?? Date.now)());
  const target = markerTarget(read);
  let displayed = false;
  if (target && mayShowReading(d.xmpp, bareJid(target.from))) {
    // To the bare JID: our other resources see it as a carbon and count the messages read too.
    await d.xmpp.sendMarker(bareJid(target.from), { kind: "displayed", id: target.stanzaId! }, c.threadId).then(
      () => (displayed = true),
      (err: unknown) => d.log.warn("could not send the displayed marker", { error: String(err) }),
    );
  }
  return { unread: d.store.unreadCount(conversationId), displayed };
}
