// XEP-0184 receipts and XEP-0333 chat markers applied to the history: a
// receipt (or a `received` marker) makes our message delivered, a
// `displayed`/`acknowledged` marker makes it and every earlier one of the
// conversation displayed (XEP-0333 §4). Only the conversation's peer may
// move its messages. A marker our other resource sent (a sent carbon) means
// the user read the peer's messages there: they count as read here too.
import type { Logger } from "../util/log.js";
import type { Conversation, DeliveryState, Message, Store } from "../store/types.js";
import { normaliseAddress } from "../store/types.js";
import type { XmppClient, XmppEvents } from "../xmpp/index.js";

export type MessageStateChange = { conversationId: number; messageId: number; state: DeliveryState; message: Message };

export type DeliveryDeps = {
  store: Store;
  xmpp: XmppClient;
  log: Logger;
  changed: (c: MessageStateChange) => void;
  now?: () => number;
};

/** The conversation of a stored message, when `from` is its peer (any resource). */
function peerConversation(store: Store, m: Message, from: string): Conversation | undefined {
  const c = store.getConversation(m.conversationId);
  if (!c) return undefined;
  let bare: string;
  try {
    bare = normaliseAddress({ kind: "jid", value: from }).value;
  } catch {
    return undefined;
  }
  const contact = store.getContact(c.peerContactId);
  return contact?.addresses.some((a) => a.kind === "jid" && a.value === bare) ? c : undefined;
}

/** Our message with this stanza (or origin) id, sent to `from`. */
function ours(store: Store, id: string, from: string): { m: Message; c: Conversation } | undefined {
  const m = store.findMessage({ stanzaId: id, direction: "out" }) ?? store.findMessage({ originId: id, direction: "out" });
  const c = m && peerConversation(store, m, from);
  return m && c ? { m, c } : undefined;
}

export function watchDelivery(d: DeliveryDeps): () => void {
  const now = d.now ?? Date.now;
  const tell = (moved: Message[]) => {
    for (const m of moved) d.changed({ conversationId: m.conversationId, messageId: m.id, state: m.state, message: m });
  };
  const receipt = ({ from, id }: XmppEvents["receipt"], at: number) => {
    const found = ours(d.store, id, from);
    if (!found) return d.log.debug("a receipt for no message of ours to that peer", {});
    const r = d.store.updateDelivery(found.m.id, "delivered", at);
    return r.changed && r.message ? () => tell([r.message!]) : undefined;
  };
  const marker = (e: XmppEvents["marker"], at: number) => {
    if (e.outgoing) return readElsewhere(d, e, at);
    const found = ours(d.store, e.id, e.from);
    if (!found) return d.log.debug("a chat marker for no message of ours to that peer", { kind: e.kind });
    const state = e.kind === "received" ? "delivered" : "displayed";
    const moved = d.store.updateDeliveryUpTo(found.c.id, found.m.id, state, at);
    return () => tell(moved);
  };
  // Issue 13: network-driven writes go with the turn's batch (store.defer), in arrival order.
  const offs = [
    d.xmpp.on("receipt", (e) => {
      const at = now();
      d.store.defer(() => receipt(e, at));
    }),
    d.xmpp.on("marker", (e) => {
      const at = now();
      d.store.defer(() => marker(e, at));
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** Our other resource told the peer it displayed their message: read here too. */
function readElsewhere(d: DeliveryDeps, e: XmppEvents["marker"], at: number): void {
  if (e.kind === "received") return;
  const m = d.store.findMessage({ stanzaId: e.id, direction: "in" }) ?? d.store.findMessage({ originId: e.id, direction: "in" });
  if (m && peerConversation(d.store, m, e.peer)) d.store.markRead(m.conversationId, m.id, at);
}
