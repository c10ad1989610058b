// The messaging side of the endpoint beside conversations.ts: delivery state
// (XEP-0184, XEP-0333), chat states (XEP-0085), reading, SIP MESSAGE
// (RFC 3428, protocol.md D24) and the archive checkpoint (XEP-0313, D26).
import { ConfigError } from "../util/errors.js";
import { Emitter } from "../util/events.js";
import type { Logger } from "../util/log.js";
import type { Conversation, Message, Store } from "../store/types.js";
import type { SipUserAgent } from "../sip/index.js";
import { CHAT_STATES, type ChatState, type XmppClient } from "../xmpp/index.js";
import { ChatStates, type PeerChatState } from "./chat-states.js";
import { watchDelivery, type MessageStateChange } from "./delivery.js";
import { readConversation } from "./reading.js";
import { SipMessages } from "./sip-messages.js";

/** Settings key of the XEP-0313 checkpoint (protocol.md D26). */
export const ARCHIVE_CHECKPOINT_KEY = "mam-checkpoint";

export type MessagingEvents = {
  messageState: MessageStateChange;
  chatState: PeerChatState;
  message: { conversation: Conversation; message: Message };
};

export type MessagingDeps = { store: Store; xmpp: XmppClient; sip: SipUserAgent; ourAor: string; log: Logger };

export class Messaging {
  readonly events = new Emitter<MessagingEvents>();
  private readonly chatStates: ChatStates;
  private readonly sipMessages: SipMessages;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly d: MessagingDeps) {
    const changed = (c: MessageStateChange) => this.events.emit("messageState", c);
    this.offs.push(watchDelivery({ store: d.store, xmpp: d.xmpp, log: d.log, changed }));
    this.chatStates = new ChatStates({ store: d.store, xmpp: d.xmpp });
    this.chatStates.events.on("chatState", (s) => this.events.emit("chatState", s));
    this.sipMessages = new SipMessages({
      store: d.store, sip: d.sip, ourAor: d.ourAor, log: d.log, changed,
      added: (e) => this.events.emit("message", e),
    });
    // D26: the checkpoint is kept once every message before it is in the store.
    // Deferred like the messages (store.defer keeps arrival order), so it is never ahead of them.
    this.offs.push(d.xmpp.on("archiveCheckpoint", ({ id }) => d.store.defer(() => d.store.putSetting(ARCHIVE_CHECKPOINT_KEY, id))));
  }

  stop(): void {
    this.offs.forEach((off) => off());
    this.chatStates.stop();
    this.sipMessages.stop();
  }

  private conversation(id: number): { c: Conversation; jid?: string; sip?: string } {
    const c = this.d.store.getConversation(id);
    if (!c) throw new ConfigError(`no conversation ${id}`);
    const addresses = this.d.store.getContact(c.peerContactId)?.addresses ?? [];
    const jid = addresses.find((a) => a.kind === "jid")?.value;
    const sip = addresses.find((a) => a.kind === "sip")?.value ?? addresses.find((a) => a.kind === "tel")?.value;
    return { c, ...(jid ? { jid } : {}), ...(sip ? { sip } : {}) };
  }

  /** D24: a conversation whose contact has no JID chats over SIP MESSAGE; undefined when it has one. */
  sipTargetOf(conversationId: number): string | undefined {
    const { jid, sip } = this.conversation(conversationId);
    return jid ? undefined : sip;
  }

  sendSip(to: string, text: string): { conversation: Conversation; message: Message; settled: Promise<Message> } {
    return this.sipMessages.send(to, text);
  }

  /** XEP-0085: tells the peer our state in this conversation; false when §5.1 says they would not want it (or no JID). */
  async sendChatState(conversationId: number, state: ChatState): Promise<boolean> {
    if (!(CHAT_STATES as readonly string[]).includes(state)) throw new ConfigError(`not a chat state: ${state}`);
    const { c, jid } = this.conversation(conversationId);
    if (!jid || !this.chatStates.mayTell(jid) || this.d.xmpp.state !== "online") return false;
    const to = c.peerJid && c.peerJid.toLowerCase().startsWith(`${jid}/`) ? c.peerJid : jid;
    await this.d.xmpp.sendChatState(to, state, c.threadId);
    return true;
  }

  read(conversationId: number, upTo?: number): Promise<{ unread: number; displayed: boolean }> {
    return readConversation({ store: this.d.store, xmpp: this.d.xmpp, log: this.d.log }, conversationId, upTo);
  }

  unread(conversationId: number): number {
    return this.d.store.unreadCount(conversationId);
  }

  unreadOfContact(contactId: number): number {
    return this.d.store.conversationsWith(contactId).reduce((n, c) => n + this.d.store.unreadCount(c.id), 0);
  }
}
