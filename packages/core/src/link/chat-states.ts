// XEP-0085 chat states for a conversation. §5.1 discovery: we tell a peer our
// state only when their last message carried a chat state, or (no message
// from them yet) when their caps list the feature; our own messages carry
// <active/> so a peer can discover us. The peer's states are reported per
// resource; a message from the peer without a state means active again (§5.2).
import { Emitter } from "../util/events.js";
import type { Conversation, Store } from "../store/types.js";
import { normaliseAddress } from "../store/types.js";
import { bareJid, NS_CHATSTATES, type ChatState, type XmppClient, type XmppMessage } from "../xmpp/index.js";

export type PeerChatState = { conversationId?: number; from: string; state: ChatState };

export type ChatStateDeps = { store: Store; xmpp: XmppClient };

export class ChatStates {
  readonly events = new Emitter<{ chatState: PeerChatState }>();
  /** Bare JID -> whether their last message carried a chat state. */
  private readonly lastHadState = new Map<string, boolean>();
  /** Full JID -> their last state. */
  private readonly theirs = new Map<string, ChatState>();
  private readonly offs: (() => void)[];

  constructor(private readonly d: ChatStateDeps) {
    this.offs = [
      d.xmpp.on("chatState", ({ from, state, thread }) => this.peerState(from, state, thread)),
      d.xmpp.on("message", (m) => this.peerMessage(m)),
    ];
  }

  stop(): void {
    this.offs.forEach((off) => off());
  }

  /** XEP-0085 §5.1: may we send chat states to this bare JID? */
  mayTell(bare: string): boolean {
    const known = this.lastHadState.get(bare);
    if (known !== undefined) return known;
    return this.d.xmpp.presencesOf(bare).some((r) => this.d.xmpp.capsOf(`${bare}/${r.resource}`)?.features.includes(NS_CHATSTATES) ?? false);
  }

  /** The state of a peer's resource as last told (active when nothing was said). */
  stateOf(fullJid: string): ChatState | undefined {
    return this.theirs.get(fullJid);
  }

  private conversationOf(from: string, thread: string | undefined): Conversation | undefined {
    let contact;
    try {
      contact = this.d.store.findContactByAddress({ kind: "jid", value: from });
    } catch {
      return undefined;
    }
    if (!contact) return undefined;
    return (thread ? this.d.store.findConversationByThread(thread, contact.id) : undefined) ?? this.d.store.conversationsWith(contact.id)[0];
  }

  private peerState(from: string, state: ChatState, thread: string | undefined): void {
    this.theirs.set(from, state);
    const c = this.conversationOf(from, thread);
    this.events.emit("chatState", { ...(c ? { conversationId: c.id } : {}), from, state });
  }

  private peerMessage(m: XmppMessage): void {
    if (m.direction !== "in" || m.body === undefined || m.archived) return;
    this.lastHadState.set(normaliseAddress({ kind: "jid", value: bareJid(m.from) }).value, m.chatState !== undefined);
    // §5.2: a message is sent in the active state; a message without a state ends "composing".
    const was = this.theirs.get(m.from);
    if (m.chatState === undefined && was !== undefined && was !== "active") this.peerState(m.from, "active", m.thread);
  }
}
