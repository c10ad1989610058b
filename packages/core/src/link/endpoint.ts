// The combined endpoint (protocol.md §2-§3): one identity for both accounts,
// presence that tells about the SIP side, and the SIP state of contacts.
// Composes the SIP user agent and the XMPP client through their facades.
import { ConfigError } from "../util/errors.js";
import { Emitter } from "../util/events.js";
import { silentLogger, type Logger } from "../util/log.js";
import type { Contact, Conversation, Link, Message, Store, TimelineCursor, TimelineItem } from "../store/types.js";
import { sipAddressOf } from "./learn-links.js";
import { SipUserAgent, type OutgoingCallOptions, type SipCall, type SipUserAgentOptions } from "../sip/index.js";
import { XmppClient, type XmppClientOptions } from "../xmpp/index.js";
import { storeCapsCache } from "./caps-store.js";
import { watchCallKinds } from "./call-kind.js";
import { ContactStates, type SipStateChange } from "./contact-states.js";
import { Conversations, type ConversationEvents } from "./conversations.js";
import { learnLink } from "./learn-links.js";
import { findJidFor, findSipFor, publishOwnCards, type DiscoverDeps } from "./discover.js";
import type { JidCandidate, SameNamePair, SipCandidate } from "./discovery.js";
import { PresenceBridge, type OwnStatus, type ReachPrivacy } from "./presence-bridge.js";
import type { SipState } from "./sip-state.js";
import { ARCHIVE_CHECKPOINT_KEY, Messaging, type MessagingEvents } from "./messaging.js";
import type { ChatState } from "../xmpp/index.js";
import { realClock } from "../util/clock.js";
import { Accounts } from "./accounts.js";

export type EndpointOptions = {
  sip: Omit<SipUserAgentOptions, "instanceId" | "logger">;
  xmpp: Omit<XmppClientOptions, "resource" | "capsCache" | "logger">;
  store: Store;
  /** Our E.164 number, published in reach and vCard when set. */
  tel?: string;
  /** protocol.md §3: who sees our reach (default broadcast). */
  reach?: ReachPrivacy;
  /** §7: domain pairs for which the same-name rule is enabled (opt-in). */
  sameName?: SameNamePair[];
  /** §3: the media our SIP side can do, advertised in caps while registered (default audio; video with a video source). */
  media?: ("audio" | "video")[];
  /** §7: publish our vCard4 / vcard-temp with our SIP AoR and tel at start (default true). */
  publishCards?: boolean;
  logger?: Logger;
};

export type EndpointEvents = {
  /** A contact resource's SIP state (and the person's) changed. */
  sipState: SipStateChange;
  /** A call came in (its SIP state machine is in `call.events`), with the conversation it is tied to. */
  incomingCall: { call: SipCall; conversation?: Conversation };
  /** A chat message stored in a conversation (either direction). */
  message: ConversationEvents["message"];
  /** A call recorded in the store (either direction), with its conversation if tied. */
  call: ConversationEvents["call"];
  /** Our message's delivery state moved (XEP-0184 receipt, XEP-0333 marker, SIP MESSAGE response). */
  messageState: MessagingEvents["messageState"];
  /** XEP-0085: a peer's chat state (per resource). */
  chatState: MessagingEvents["chatState"];
  /** RFC 4733: a digit the peer sent in a call (with media hooks from createMediaHooks). */
  dtmf: { callId: string; digit: string };
};

/** Media hooks that report each call's media (createMediaHooks does): the source of `dtmf`. */
type DigitSource = { events: { on(e: "call", fn: (m: { call: { callId: string }; events: { on(e: "dtmf", fn: (d: { digit: string }) => void): unknown } }) => void): unknown } };

function digitsOf(hooks: unknown): DigitSource | undefined {
  const events = (hooks as { events?: { on?: unknown } } | undefined)?.events;
  return events && typeof events.on === "function" ? (hooks as DigitSource) : undefined;
}

/** protocol.md §2: the instance id is the SIP +sip.instance and seeds the XMPP resource. */
export function identityOf(instanceId: string): { sipInstance: string; xmppResource: string } {
  return { sipInstance: `urn:uuid:${instanceId}`, xmppResource: `cusax-${instanceId.replace(/-/g, "").slice(0, 12)}` };
}

export class Endpoint {
  readonly events = new Emitter<EndpointEvents>();
  readonly sip: SipUserAgent;
  readonly xmpp: XmppClient;
  readonly instanceId: string;
  private readonly presence: PresenceBridge;
  private readonly states: ContactStates;
  private readonly conversations: Conversations;
  private readonly messaging: Messaging;
  private readonly answerInfo = new WeakMap<SipCall, string[]>();
  private readonly discover: DiscoverDeps;
  private readonly log: Logger;
  /** Both accounts' states once launch() ran (D34): connecting, online, retrying or failed, with the problem. */
  readonly accounts: Accounts;

  constructor(private readonly o: EndpointOptions) {
    this.log = o.logger ?? silentLogger;
    this.instanceId = o.store.instanceId();
    const id = identityOf(this.instanceId);
    const kinds = watchCallKinds(o.sip.mediaHooks);
    this.sip = new SipUserAgent({ ...o.sip, mediaHooks: kinds.hooks, instanceId: id.sipInstance, logger: this.log.child("sip") });
    // D26: catch up from the archive checkpoint the store kept.
    const checkpoint = o.store.getSetting(ARCHIVE_CHECKPOINT_KEY) ?? o.xmpp.archiveAfterId;
    this.xmpp = new XmppClient({
      ...o.xmpp, resource: id.xmppResource, capsCache: storeCapsCache(o.store), logger: this.log.child("xmpp"),
      ...(checkpoint ? { archiveAfterId: checkpoint } : {}),
    });
    this.presence = new PresenceBridge(this.xmpp, this.sip, {
      aor: o.sip.aor, tel: o.tel, reach: o.reach, hasVideo: kinds.hasVideo, log: this.log.child("presence"),
      ...(o.media ? { media: o.media } : {}),
    });
    this.states = new ContactStates(this.xmpp);
    this.discover = {
      store: o.store, xmpp: this.xmpp, ourSipDomain: o.sip.aor.replace(/^sips?:[^@]*@/, "").replace(/[;:>].*$/, ""),
      sameName: o.sameName ?? [], log: this.log.child("discovery"),
    };
    this.states.events.on("change", (c) => this.events.emit("sipState", c));
    this.conversations = new Conversations({
      store: o.store, xmpp: this.xmpp, placeCall: (t, opts) => this.placeCall(t, opts),
      ourSipContact: () => this.sip.gruu ?? o.sip.aor, ourAor: o.sip.aor, log: this.log.child("conversations"),
      callReason: (callId, end) => kinds.reasonOf(callId, end),
    });
    this.conversations.events.on("message", (m) => this.events.emit("message", m));
    this.conversations.events.on("call", (c) => this.events.emit("call", c));
    this.messaging = new Messaging({ store: o.store, xmpp: this.xmpp, sip: this.sip, ourAor: o.sip.aor, log: this.log.child("messaging") });
    this.messaging.events.on("message", (m) => this.events.emit("message", m));
    this.messaging.events.on("messageState", (m) => this.events.emit("messageState", m));
    this.messaging.events.on("chatState", (m) => this.events.emit("chatState", m));
    digitsOf(o.sip.mediaHooks)?.events.on("call", (media) => {
      media.events.on("dtmf", ({ digit }) => this.events.emit("dtmf", { callId: media.call.callId, digit }));
    });
    // §7: reach in a contact's presence is that JID's claim on those SIP addresses.
    this.xmpp.on("presence", (p) => {
      for (const r of p.presence.reach ?? []) learnLink(o.store, p.bare, r.uri, "reach", Date.now());
    });
    this.sip.events.on("incoming", (call) => {
      this.presence.track(call);
      const { conversation, callInfo } = this.conversations.incoming(call);
      if (callInfo) {
        this.answerInfo.set(call, callInfo);
        call.ring({ callInfo });
      }
      this.events.emit("incomingCall", { call, ...(conversation ? { conversation } : {}) });
    });
    this.sip.events.on("transferred", ({ call }) => this.presence.track(call));
    this.accounts = new Accounts(this.sip, this.xmpp, { clock: realClock, log: this.log.child("accounts"), xmppOnline: (first) => this.xmppOnline(first) });
  }

  /**
   * Starts both accounts without waiting for either, DECISION(protocol.md D34): each
   * retries on its own when that can help; `accounts` tells their states.
   */
  launch(): void {
    this.presence.update();
    this.accounts.start();
  }

  private async xmppOnline(first: boolean): Promise<void> {
    this.presence.update();
    if (first && this.o.publishCards !== false) await publishOwnCards(this.discover, this.o.sip.aor, this.o.tel);
  }

  /** Comes online on XMPP, then registers on SIP; presence follows the SIP side from then on. */
  async start(): Promise<{ jid: string; sip: Awaited<ReturnType<SipUserAgent["start"]>> }> {
    const { jid } = await this.xmpp.start();
    this.presence.update();
    if (this.o.publishCards !== false) await publishOwnCards(this.discover, this.o.sip.aor, this.o.tel);
    const sip = await this.sip.start();
    await this.presence.settled();
    return { jid, sip };
  }

  async stop(): Promise<void> {
    this.accounts.stop();
    await this.sip.stop();
    await this.presence.settled();
    await this.xmpp.stop();
  }

  /** Our own show/status (shown except while a call is up). */
  async setPresence(own: OwnStatus): Promise<void> {
    this.presence.setOwn(own);
    await this.presence.settled();
  }

  /**
   * Calls a SIP address from a dialler: tied to a new conversation when the
   * address belongs to a roster contact (UC-e). Our presence shows "On the
   * phone" while it is up.
   */
  call(target: string, options: OutgoingCallOptions = {}): SipCall {
    return this.conversations.dial(target, options);
  }

  private placeCall(target: string, options: OutgoingCallOptions): SipCall {
    const call = this.sip.call(target, options);
    this.presence.track(call);
    return call;
  }

  /** Answers an incoming call, with our Call-Info when the call is tied to a chat (protocol.md D3, D4); `mediaSpec` as for SipCall.answer. */
  answer(call: SipCall, options: { mediaSpec?: unknown } = {}): Promise<boolean> {
    const callInfo = this.answerInfo.get(call);
    const o = { ...(callInfo ? { callInfo } : {}), ...(options.mediaSpec !== undefined ? { mediaSpec: options.mediaSpec } : {}) };
    return call.answer(Object.keys(o).length > 0 ? o : undefined);
  }

  /** The newest conversation with a JID, or a new one. */
  conversationWith(jid: string): Conversation {
    return this.conversations.open(jid);
  }

  /** Sends a chat message in a conversation's thread (reach on the first, §4); SIP MESSAGE when its contact has no JID (D24). */
  async send(conversationId: number, text: string): Promise<Message> {
    const sip = this.messaging.sipTargetOf(conversationId);
    if (sip) return this.sendSipMessage(sip, text).message;
    return this.conversations.send(conversationId, text);
  }

  /** RFC 3428: a SIP MESSAGE to a sip:/tel: address, stored pending; `settled` has its final state (also a messageState event). */
  sendSipMessage(to: string, text: string): { conversation: Conversation; message: Message; settled: Promise<Message> } {
    return this.messaging.sendSip(to, text);
  }

  /** XEP-0085: our chat state in a conversation; false when the peer would not want it (§5.1). */
  sendChatState(conversationId: number, state: ChatState): Promise<boolean> {
    return this.messaging.sendChatState(conversationId, state);
  }

  /** The user read a conversation (all, or up to a message): unread count left; a XEP-0333 marker when D25 allows. */
  read(conversationId: number, upTo?: number): Promise<{ unread: number; displayed: boolean }> {
    return this.messaging.read(conversationId, upTo);
  }

  /** Incoming messages not yet read, in one conversation or with one contact. */
  unread(of: { conversationId: number } | { contactId: number }): number {
    return "conversationId" in of ? this.messaging.unread(of.conversationId) : this.messaging.unreadOfContact(of.contactId);
  }

  /** Calls the peer of a conversation, tying the call to it (§4, §5). */
  callFromConversation(conversationId: number, options: OutgoingCallOptions = {}): SipCall {
    return this.conversations.call(conversationId, options);
  }

  /** Everyone we know, with all their addresses. */
  contacts(): Contact[] {
    return this.o.store.listContacts();
  }

  /** The links (with origin and trust, §7) that involve a JID or a SIP/tel address. */
  links(address: string): Link[] {
    const a = sipAddressOf(address) ?? { kind: "jid" as const, value: address };
    return this.o.store.findLinks(a);
  }

  /** One contact's history: calls and messages interleaved, oldest first. */
  timeline(contactId: number, options: { before?: TimelineCursor; limit: number } = { limit: 50 }): TimelineItem[] {
    return this.o.store.timeline(contactId, options);
  }

  /** The user says this JID and this SIP/tel address are the same person (§7 "Ask the user"). */
  link(jid: string, sipUri: string): void {
    if (!learnLink(this.o.store, jid, sipUri, "user", Date.now())) throw new ConfigError(`not a SIP or tel address: ${sipUri}`);
  }

  /** UC-a: the SIP addresses of a JID, in the order of protocol.md §7 (each remembered as a claim). */
  findSipAddresses(jid: string): Promise<SipCandidate[]> {
    return findSipFor(this.discover, jid);
  }

  /** UC-b: the JIDs of a SIP address (Call-Info seen, answers given, same-name rule). */
  findJids(sipUri: string): JidCandidate[] {
    return findJidFor(this.discover, sipUri);
  }

  /** The SIP state of a contact resource (full JID) or person (bare JID). */
  sipStateOf(jid: string): SipState {
    return this.states.stateOf(jid);
  }

  /** Resolves when our presence reflects everything that happened so far. */
  presenceSettled(): Promise<void> {
    return this.presence.settled();
  }
}
