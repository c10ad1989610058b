// RFC 3428 SIP MESSAGE in the history (protocol.md §8: the one exception for
// contacts with no known JID). DECISION(protocol.md D24): a MESSAGE from a
// SIP or tel address lands in the newest conversation of the contact that
// holds the address (a verified or confirmed link puts it in the JID's
// contact, a claim does not); we send one only to a contact with no JID, or
// when the user names a sip:/tel: address. 200 means delivered, 202 accepted
// by a server (sent), a failure failed.
import { ConfigError } from "../util/errors.js";
import type { Logger } from "../util/log.js";
import type { Address, Conversation, Message, Store } from "../store/types.js";
import { newThreadId } from "../xmpp/index.js";
import type { ReceivedMessage, SipUserAgent } from "../sip/index.js";
import { sipAddressOf } from "./learn-links.js";
import type { MessageStateChange } from "./delivery.js";

export type SipMessageDeps = {
  store: Store;
  sip: SipUserAgent;
  ourAor: string;
  log: Logger;
  added: (e: { conversation: Conversation; message: Message }) => void;
  changed: (c: MessageStateChange) => void;
  now?: () => number;
};

/** A URI of a From header as text (a SipUri or a raw string). */
function uriText(uri: unknown): string | undefined {
  if (typeof uri === "string") return uri;
  if (!uri || typeof uri !== "object") return undefined;
  const u = uri as { scheme: string; user?: string; host: string; port?: number };
  if (u.scheme === "tel") return u.user ? `tel:${u.user}` : undefined;
  return `${u.scheme}:${u.user ? `${u.user}@` : ""}${u.host}${u.port ? `:${u.port}` : ""}`;
}

/** The newest conversation of the contact holding `address` (created with the contact when none). */
export function conversationFor(store: Store, address: Address, at: number): Conversation {
  const contact = store.upsertContact(address, { at });
  return store.conversationsWith(contact.id)[0] ?? store.createConversation({ threadId: newThreadId(), peerContactId: contact.id, created: at });
}

export class SipMessages {
  private readonly now: () => number;
  private readonly off: () => void;

  constructor(private readonly d: SipMessageDeps) {
    this.now = d.now ?? Date.now;
    this.off = d.sip.events.on("message", (m) => this.receive(m));
  }

  stop(): void {
    this.off();
  }

  private receive(m: ReceivedMessage): void {
    // RFC 3428 §7 lets other types in (isComposing, CPIM); only text is a chat line.
    if (!/^text\/plain$/i.test(m.contentType) || m.body.trim() === "") return;
    const uri = uriText(m.from?.uri);
    const from = uri && sipAddressOf(uri);
    if (!uri || !from) return this.d.log.info("a SIP MESSAGE from no usable address: dropped", {});
    const at = this.now();
    const conversation = conversationFor(this.d.store, from, at);
    const r = this.d.store.appendMessage({ conversationId: conversation.id, direction: "in", from: from.value, to: this.d.ourAor, body: m.body, state: "received", at });
    if (r.status === "added") this.d.added({ conversation, message: r.message });
    else this.d.log.info("a SIP MESSAGE was not stored", { status: r.status });
  }

  /** Stores and sends; the message is pending until the final response (see `changed`). */
  send(to: string, body: string): { conversation: Conversation; message: Message; settled: Promise<Message> } {
    const address = sipAddressOf(to);
    if (!address) throw new ConfigError(`not a SIP or tel address: ${to}`);
    const at = this.now();
    const conversation = conversationFor(this.d.store, address, at);
    const r = this.d.store.appendMessage({ conversationId: conversation.id, direction: "out", from: this.d.ourAor, to: address.value, body, state: "pending", at });
    if (r.status !== "added") throw new ConfigError(`message not stored: ${r.status === "rejected" ? r.reason : r.status}`);
    const settled = this.d.sip.sendMessage(to, body).then((res) => {
      const state = res.ok ? (res.status === 200 ? "delivered" : "sent") : "failed";
      if (!res.ok) this.d.log.info("SIP MESSAGE not delivered", { reason: res.reason, ...("status" in res ? { status: res.status } : {}) });
      const u = this.d.store.updateDelivery(r.message.id, state, this.now());
      if (u.changed && u.message) this.d.changed({ conversationId: conversation.id, messageId: r.message.id, state, message: u.message });
      return u.message ?? r.message;
    });
    return { conversation, message: r.message, settled };
  }
}
