// protocol.md §4-§6 (REQ-1 to REQ-4, UC-d, UC-e): conversations are XEP-0201
// threads; the first message of a thread carries our reach to capable roster
// peers; a call from a conversation goes to the SIP contact learned for it
// and carries the thread in Call-Info; an incoming call is tied to a chat by
// its Call-Info (link/binding.ts decides); everything is kept in the store.
import { ConfigError } from "../util/errors.js";
import { Emitter } from "../util/events.js";
import type { Logger } from "../util/log.js";
import type { Call, Conversation, Message, Store } from "../store/types.js";
import { normaliseAddress } from "../store/types.js";
import type { CallEnd, OutgoingCallOptions, SipCall } from "../sip/index.js";
import { bareJid, newThreadId, NS_REACH, type XmppClient, type XmppMessage } from "../xmpp/index.js";
import { bindCall, fallbackTarget, type ChatView } from "./binding.js";
import { callOutcomeOf } from "./call-outcome.js";
import { learnLink, sipAddressOf } from "./learn-links.js";
import { mayAutomate } from "./trust.js";
import { readImppContacts, serializeImppCallInfo, type ImppContact } from "./xmpp-uri.js";

export type ConversationEvents = {
  message: { conversation: Conversation; message: Message };
  /** A call (either direction) and the conversation it is tied to, if any. */
  call: { call: SipCall; record: Call; conversation?: Conversation };
};

export type ConversationDeps = {
  store: Store;
  xmpp: XmppClient;
  /** Places a call through the endpoint (so presence tracks it). */
  placeCall: (target: string, options: OutgoingCallOptions) => SipCall;
  /** Our current SIP contact (GRUU, else AoR) and our AoR. */
  ourSipContact: () => string;
  ourAor: string;
  log: Logger;
  now?: () => number;
  /** Why a call ended as it did (call-kind.ts), kept in its record. */
  callReason?: (callId: string, end: CallEnd) => string | undefined;
};

/** §5 "Receiving": the xmpp: contacts in a call's Call-Info (the peer's INVITE, 18x or 200), as sent. */
function imppContactsOf(call: SipCall): ImppContact[] {
  const values = call.remoteCallInfo
    .filter((i) => typeof i.uri === "string" && /^xmpp:/i.test(i.uri))
    .map((i) => `<${i.uri as string}>${[...i.params].map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join("")}`);
  return readImppContacts(values);
}

/** A chat is "active" for call binding when something happened in it lately (D17). */
const ACTIVE_MS = 30 * 60_000;
/** How many sent messages we remember for a bounce to the full JID (§6). */
const SENT_MEMORY = 500;

export class Conversations {
  readonly events = new Emitter<ConversationEvents>();
  private readonly now: () => number;
  /** Recently sent messages by stanza id, for the §6 bare-JID fallback. */
  private readonly sent = new Map<string, { conversationId: number; to: string; body: string; thread: string }>();

  constructor(private readonly d: ConversationDeps) {
    this.now = d.now ?? Date.now;
    d.xmpp.on("message", (m) => this.receive(m));
    d.xmpp.on("messageError", ({ id, error }) => void this.bounced(id, error.condition));
    d.xmpp.on("online", ({ jid }) => this.reannounce(jid));
  }

  /** Calls that carry our Call-Info, with the conversation and the JID we announced in it. */
  private readonly announced = new Map<SipCall, { conversation: Conversation; jid: string }>();

  private announce(call: SipCall, conversation: Conversation): void {
    this.announced.set(call, { conversation, jid: this.d.xmpp.jid });
    call.events.on("ended", () => this.announced.delete(call));
  }

  /** §5: our JID changed mid-call (a reconnect with a new resource): re-INVITE with the new Call-Info. */
  private reannounce(jid: string): void {
    for (const [call, a] of this.announced) {
      if (a.jid === jid || call.state !== "established") continue;
      a.jid = jid;
      this.d.log.info("our JID changed during a call: re-announcing it", {});
      void call.renegotiate({ callInfo: [serializeImppCallInfo(jid, a.conversation.threadId)] }).catch((err: unknown) =>
        this.d.log.warn("re-INVITE with the new Call-Info failed", { error: String(err) }),
      );
    }
  }

  /** §6: a message to a full JID that bounces goes again to the bare JID, same thread. */
  private async bounced(id: string | undefined, condition: string): Promise<void> {
    const s = id === undefined ? undefined : this.sent.get(id);
    const target = s && fallbackTarget(s.to, condition);
    if (!s || !target) return;
    this.sent.delete(id!);
    this.d.store.updateConversation(s.conversationId, { peerJid: target });
    this.d.log.info("message bounced from the full JID: resent to the bare JID", { condition });
    await this.d.xmpp.sendMessage({ to: target, body: s.body, thread: s.thread, requestReceipt: true }).catch((err: unknown) =>
      this.d.log.warn("resend to the bare JID failed", { error: String(err) }),
    );
  }

  /** The newest conversation with this JID, or a new one with a fresh thread. */
  open(jid: string): Conversation {
    const contact = this.d.store.upsertContact({ kind: "jid", value: jid }, { at: this.now() });
    return this.d.store.conversationsWith(contact.id)[0] ?? this.d.store.createConversation({ threadId: newThreadId(), peerContactId: contact.id, created: this.now() });
  }

  private peerBare(c: Conversation): string {
    const jid = this.d.store.getContact(c.peerContactId)?.addresses.find((a) => a.kind === "jid")?.value;
    if (!jid) throw new ConfigError(`conversation ${c.id} has no JID to write to`);
    return jid;
  }

  private subscription(bare: string): string | undefined {
    return this.d.xmpp.roster().find((i) => i.jid === bare)?.subscription;
  }

  /** §4 + D1: reach goes to a peer whose caps list reach and who is subscribed to our presence. */
  private reachFor(c: Conversation, bare: string): { uri: string }[] | undefined {
    const sub = this.subscription(bare);
    if (sub !== "from" && sub !== "both") return undefined;
    const capable = this.d.xmpp.presencesOf(bare).some((r) => this.d.xmpp.capsOf(`${bare}/${r.resource}`)?.features.includes(NS_REACH));
    if (!capable) return undefined;
    const contact = this.d.ourSipContact();
    const key = `reach-sent:${c.id}`;
    // Once per thread, and again after our SIP contact changed.
    if (this.d.store.getSetting(key) === contact) return undefined;
    this.d.store.putSetting(key, contact);
    return [...new Set([contact, this.d.ourAor])].map((uri) => ({ uri }));
  }

  /** Sends a chat message in the conversation's thread. */
  async send(conversationId: number, body: string): Promise<Message> {
    const c = this.d.store.getConversation(conversationId);
    if (!c) throw new ConfigError(`no conversation ${conversationId}`);
    const bare = this.peerBare(c);
    const to = c.peerJid && bareJid(c.peerJid) === bare ? c.peerJid : bare;
    const reach = this.reachFor(c, bare);
    // XEP-0333 §3 markable; XEP-0085 §5.1: content messages carry <active/>, so the peer can discover our chat states.
    const sent = await this.d.xmpp.sendMessage({ to, body, thread: c.threadId, requestReceipt: true, markable: true, chatState: "active", ...(reach ? { reach } : {}) });
    if (to !== bare) {
      this.sent.set(sent.id, { conversationId: c.id, to, body, thread: c.threadId });
      if (this.sent.size > SENT_MEMORY) this.sent.delete(this.sent.keys().next().value!);
    }
    const r = this.d.store.appendMessage({
      conversationId: c.id, direction: "out", from: this.d.xmpp.jid, to, body, stanzaId: sent.id, originId: sent.id,
      state: sent.queued ? "pending" : "sent", at: this.now(),
    });
    if (r.status === "rejected") throw new ConfigError(`message not stored: ${r.reason}`);
    return r.message;
  }

  /** Issue 13: stored with the other arrivals of this turn in one transaction (store.defer), announced once committed. */
  private receive(m: XmppMessage): void {
    if (m.body === undefined || m.type === "error") return;
    const arrived = this.now();
    const body = m.body;
    this.d.store.defer(() => this.storeMessage({ ...m, body }, arrived));
  }

  private storeMessage(m: XmppMessage & { body: string }, arrived: number): (() => void) | undefined {
    const at = m.delay ? Date.parse(m.delay.stamp) || arrived : arrived;
    const contact = this.d.store.upsertContact({ kind: "jid", value: m.peer }, { at });
    const peerFull = m.direction === "in" ? m.from : m.to;
    let c = m.thread ? this.d.store.findConversationByThread(m.thread, contact.id) : this.d.store.conversationsWith(contact.id)[0];
    c ??= this.d.store.createConversation({ threadId: m.thread ?? newThreadId(), peerContactId: contact.id, created: at });
    const patch: { peerJid?: string; peerSipContact?: string } = {};
    if (peerFull.includes("/")) patch.peerJid = peerFull;
    // §4: reach in a message is for its addressee only: not from carbons of others' chats.
    if (m.direction === "in" && !m.carbon && m.reach?.length) {
      const sip = m.reach.map((r) => r.uri).find((u) => sipAddressOf(u));
      if (sip) patch.peerSipContact = sip;
      for (const r of m.reach) learnLink(this.d.store, m.peer, r.uri, "reach", at);
    }
    if ((patch.peerJid && patch.peerJid !== c.peerJid) || (patch.peerSipContact && patch.peerSipContact !== c.peerSipContact)) {
      c = this.d.store.updateConversation(c.id, patch) ?? c;
    }
    const r = this.d.store.appendMessage({
      conversationId: c.id, direction: m.direction, from: m.from, to: m.to, body: m.body, at,
      state: m.direction === "in" ? "received" : "sent",
      ...(m.id ? { stanzaId: m.id } : {}), ...(m.originId ? { originId: m.originId } : {}),
      ...(m.archiveId ? { archiveId: m.archiveId } : {}),
      ...(m.markable && m.direction === "in" ? { markable: true } : {}),
    });
    if (r.status !== "added") return undefined;
    const conversation = c;
    return () => this.events.emit("message", { conversation, message: r.message });
  }

  /** §5/§6: the peer's Call-Info in an 18x/200 of our call names the JID to write to during the call. */
  private learnFromAnswer(call: SipCall, conversation: Conversation): void {
    call.events.on("callInfo", () => {
      const peer = imppContactsOf(call).find((p) => normaliseAddress({ kind: "jid", value: p.bare }).value === this.peerBare(conversation));
      if (peer?.resource) this.d.store.updateConversation(conversation.id, { peerJid: peer.jid });
    });
  }

  /** §4 "Calling from the chat": the thread's SIP contact, else presence reach, else a linked AoR. */
  call(conversationId: number, options: OutgoingCallOptions = {}): SipCall {
    const c = this.d.store.getConversation(conversationId);
    if (!c) throw new ConfigError(`no conversation ${conversationId}`);
    const bare = this.peerBare(c);
    const fromPresence = this.d.xmpp.presencesOf(bare)
      .sort((a, b) => Number(b.from === c.peerJid) - Number(a.from === c.peerJid))
      .flatMap((r) => (r.reach ?? []).map((a) => a.uri))
      .find((u) => { const a = sipAddressOf(u); return a && !this.d.store.isLinkRejected(bare, a); }); // D31
    const linked = this.d.store.linksOf(c.peerContactId).find((l) => l.jid === bare)?.other.value;
    const target = c.peerSipContact ?? fromPresence ?? linked;
    if (!target) throw new ConfigError(`no SIP address known for ${bare}: link one first`);
    // §5: Call-Info only towards roster contacts and never with hidden caller id.
    const inRoster = this.subscription(bare) !== undefined;
    const callInfo = inRoster && !options.privacy ? [serializeImppCallInfo(this.d.xmpp.jid, c.threadId)] : undefined;
    const call = this.d.placeCall(target, { ...options, ...(callInfo ? { callInfo } : {}) });
    this.recordCall(call, "out", target, c);
    if (callInfo) this.announce(call, c);
    return call;
  }

  /**
   * A call from a dialler (UC-e, §5): to a SIP address linked to a roster
   * JID, a new conversation with a fresh thread goes with it in Call-Info;
   * to anyone else, a plain call.
   */
  dial(target: string, options: OutgoingCallOptions = {}): SipCall {
    const address = sipAddressOf(target);
    const link = address
      ? this.d.store.findLinks(address).find((l) => l.trust !== "claimed" || mayAutomate(l, this.subscription(l.jid) !== undefined))
      : undefined;
    if (!link || options.privacy || this.subscription(link.jid) === undefined) {
      const call = this.d.placeCall(target, options);
      this.recordCall(call, "out", target);
      return call;
    }
    const contact = this.d.store.upsertContact({ kind: "jid", value: link.jid }, { at: this.now() });
    const c = this.d.store.createConversation({ threadId: newThreadId(), peerContactId: contact.id, created: this.now() });
    const call = this.d.placeCall(target, { ...options, callInfo: [serializeImppCallInfo(this.d.xmpp.jid, c.threadId)] });
    this.recordCall(call, "out", target, c);
    this.announce(call, c);
    return call;
  }

  /** §5 "Receiving": ties an incoming call to a chat; returns the Call-Info for our 18x/200 (D3, D4). */
  incoming(call: SipCall): { conversation?: Conversation; callInfo?: string[] } {
    const fromUri = /<([^>]+)>/.exec(call.remote)?.[1] ?? call.remote;
    const from = sipAddressOf(fromUri);
    if (!from) return {};
    const impp = imppContactsOf(call);
    const links = this.d.store.findLinks(from);
    // The chats that could be this call's: with the JIDs its Call-Info names, and (§8,
    // Call-Info stripped) with the JIDs linked to the caller's address.
    const candidates = new Set([...impp.map((p) => normaliseAddress({ kind: "jid", value: p.bare }).value), ...links.map((l) => l.jid)]);
    const chats: ChatView[] = [...candidates].flatMap((bare) => {
      const contact = this.d.store.findContactByAddress({ kind: "jid", value: bare });
      return contact ? this.d.store.conversationsWith(contact.id).map((cv) => ({
        conversationId: cv.id, peerBare: bare, threadId: cv.threadId, active: this.now() - cv.lastActivity < ACTIVE_MS,
      })) : [];
    });
    const roster = (bare: string) => this.subscription(bare) !== undefined && this.subscription(bare) !== "none";
    const binding = bindCall({ from, impp, chats, links, rosterSubscribed: roster });
    for (const p of impp) learnLink(this.d.store, p.bare, fromUri, "call-info", this.now());
    let conversation: Conversation | undefined;
    if (binding.bound) {
      conversation = this.d.store.updateConversation(binding.conversationId, { peerJid: binding.peerJid });
    } else if (binding.peerJid) {
      // A call from a dialler (UC-e): a new conversation on the caller's thread, when the link allows automation.
      const bare = bareJid(binding.peerJid);
      const link = this.d.store.getLink(normaliseAddress({ kind: "jid", value: bare }).value, from);
      if (mayAutomate(link, roster(bare))) {
        const contact = this.d.store.upsertContact({ kind: "jid", value: bare }, { at: this.now() });
        conversation = this.d.store.createConversation({ threadId: binding.thread ?? newThreadId(), peerContactId: contact.id, peerJid: binding.peerJid, created: this.now() });
      }
    }
    this.recordCall(call, "in", fromUri, conversation);
    // D3/D4: answer with our JID and the bound thread, only towards a trusted or roster-backed caller.
    const callInfo = conversation && this.d.xmpp.jid ? [serializeImppCallInfo(this.d.xmpp.jid, conversation.threadId)] : undefined;
    if (conversation && callInfo) this.announce(call, conversation);
    return { ...(conversation ? { conversation } : {}), ...(callInfo ? { callInfo } : {}) };
  }

  private recordCall(call: SipCall, direction: "in" | "out", peerUri: string, conversation?: Conversation): void {
    const peer = sipAddressOf(peerUri);
    if (!peer) return;
    const record = this.d.store.recordCall({
      direction, peer, outcome: "ongoing", startedAt: this.now(), sipCallId: call.id,
      ...(conversation ? { conversationId: conversation.id } : {}),
    });
    call.events.on("state", ({ to }) => {
      if (to === "established") this.d.store.updateCall(record.id, { answeredAt: this.now(), outcome: "answered" });
    });
    call.events.on("ended", (end) => {
      const answered = this.d.store.getCall(record.id)?.answeredAt !== undefined;
      const outcome = callOutcomeOf(direction, answered, end);
      const reason = answered ? undefined : this.d.callReason?.(call.id, end);
      this.d.store.updateCall(record.id, { endedAt: this.now(), outcome, ...(reason ? { reason } : {}) });
    });
    if (conversation && direction === "out") this.learnFromAnswer(call, conversation);
    this.events.emit("call", { call, record, ...(conversation ? { conversation } : {}) });
  }
}
