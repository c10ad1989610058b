// The XMPP facade (RFC 6120/6121 + the XEPs in protocol.md §10): the only thing
// outside xmpp/ uses. Typed events out, async methods with AbortSignal in.
import type { Entity, Element } from "@xmpp/client";
import { Emitter } from "../util/events.js";
import { realClock } from "../util/clock.js";
import { silentLogger, type Logger } from "../util/log.js";
import { TransportError, type CusaxError } from "../util/errors.js";
import { Session, abortable } from "./session.js";
import type { XmppClientOptions, SendMessageOptions, OwnPresence } from "./client-options.js";
import { toCusaxError } from "./connection/errors.js";
import type { ClientState, XmppEvents } from "./client-events.js";
import { handleMessageStanza, handlePresenceStanza, type InboundContext } from "./inbound.js";
import { OwnCaps } from "./own-caps.js";
import { CapsResolver } from "./caps/caps-resolver.js";
import { MemoryCapsCache } from "./caps/caps-cache.js";
import type { DiscoInfo } from "./caps/disco-info.js";
import { MessageDedup } from "./chat/dedup.js";
import { ThreadBook, newMessageId } from "./chat/thread.js";
import { serializeMessage, serializeReceipt, type ChatState } from "./chat/message.js";
import type { ResourcePresence } from "./presence/presence-table.js";
import { Contacts } from "./contacts.js";
import { serializePresence, type OutgoingPresence } from "./presence/presence.js";
import { newlyApprovedBy } from "./presence/after-approval.js";
import { RosterBook } from "./roster/roster-book.js";
import { NS_ROSTERVER, parseRosterResult, serializeRosterGet, serializeRosterSet, serializeSubscription, type RosterItem } from "./roster/roster.js";
import { registerIqHandlers } from "./iq-handlers.js";
import { serializeCarbonsEnable } from "./carbons/carbons.js";
import { catchUpArchive, catchUpGap, type CatchUpOptions, type CatchUpResult } from "./archive/catch-up.js";
import { serializeMarker, type Marker } from "./markers/markers.js";
import type { ReachAddr } from "./reach/reach.js";
import type { Vcard } from "./vcard/vcard.js";
import { ON_THE_PHONE, type Activity } from "./activity/activity.js";
import * as profile from "./profile.js";
import { xml } from "./xml.js";
import { bareJid } from "./jid.js";
import { parseExtdiscoResult, serializeExtdiscoQuery, type ExternalService, type ExtdiscoQuery } from "./extdisco/extdisco.js";

export type { XmppClientOptions, SendMessageOptions, OwnPresence } from "./client-options.js";

export class XmppClient extends Emitter<XmppEvents> {
  private readonly session: Session;
  private readonly log: Logger;
  private readonly caps: OwnCaps;
  private readonly contacts: Contacts;
  private readonly dedup = new MessageDedup();
  private readonly threads = new ThreadBook();
  private readonly rosterBook = new RosterBook();
  private readonly mamQueries = new Set<string>();
  private readonly pending: Element[] = [];
  private rosterVersioning = false;
  private own: OwnPresence = {};
  /** The archive position every message up to which has been handed out (XEP-0313 checkpoint). */
  private lastArchive: string | undefined;
  /** A catch-up is due or running: live archive ids do not move the checkpoint meanwhile. */
  private catchingUp = false;
  private readonly inbound: InboundContext;

  constructor(private readonly options: XmppClientOptions) {
    super();
    this.log = (options.logger ?? silentLogger).child("xmpp");
    this.caps = new OwnCaps(options.capsNode, options.identity, options.features);
    const resolver = new CapsResolver(options.capsCache ?? new MemoryCapsCache(), (jid, node) => this.discoInfo(jid, node));
    this.contacts = new Contacts(resolver, (event, payload) => this.emit(event, payload), this.log);
    this.lastArchive = options.archiveAfterId;
    if (options.roster) this.rosterBook.load({ kind: "full", ver: options.roster.ver, items: options.roster.items });
    const ca = options.ca === undefined ? undefined : Array.isArray(options.ca) ? options.ca : [options.ca];
    this.session = new Session(
      { ...options, ca, clock: options.clock ?? realClock, logger: this.log },
      {
        entityCreated: (e) => this.entityCreated(e),
        sessionStarted: () => this.sessionStarted(),
        sessionResumed: (jid) => this.sessionResumed(jid),
        linkLost: (willReconnect, error) => this.linkLost(willReconnect, error),
        stanza: (el) => this.onStanza(el),
        unacked: (el) => this.unacked(el),
        stateChanged: (from, to) => this.emit("state", { from, to }),
        error: (err) => this.emit("error", err),
      },
    );
    this.inbound = this.makeInbound();
  }

  /** A listener that throws must not break the protocol handling that emitted the event. */
  override emit<K extends keyof XmppEvents>(event: K, payload: XmppEvents[K]): void {
    try {
      super.emit(event, payload);
    } catch (err) {
      this.log.error(`a ${String(event)} listener threw`, { error: String(err) });
    }
  }

  get state(): ClientState {
    return this.session.state;
  }

  /** Our full JID while online, else "". */
  get jid(): string {
    return this.session.jid;
  }

  /** The archive checkpoint: every message up to it was handed out (live stanza-id or catch-up). */
  get lastArchiveId(): string | undefined {
    return this.lastArchive;
  }

  /** Connects, authenticates, binds; resolves once roster and presence are sent. */
  async start(signal?: AbortSignal): Promise<{ jid: string }> {
    return { jid: await this.session.start(signal) };
  }

  async stop(): Promise<void> {
    await this.session.stop();
  }

  /** Sends a chat message; queued while offline. Returns its id and thread. */
  async sendMessage(o: SendMessageOptions): Promise<{ id: string; thread?: string; queued: boolean }> {
    const id = newMessageId();
    const thread = o.thread ?? (o.body !== undefined ? this.threads.forPeer(bareJid(o.to)) : undefined);
    const el = serializeMessage({ ...o, id, ...(thread ? { thread } : {}) });
    // Our own message coming back (archive, sent carbons of a resumed stream) is not new.
    const our = bareJid(`${this.options.username}@${this.options.domain}`);
    this.dedup.firstTime([`oid ${our} ${id}`, `id ${our} ${id}`]);
    const queued = !this.session.online;
    await this.send(el, true);
    return thread ? { id, thread, queued } : { id, queued };
  }

  async sendChatState(to: string, state: ChatState, thread?: string): Promise<void> {
    if (!this.session.online) return;
    await this.send(serializeMessage({ to, id: newMessageId(), chatState: state, ...(thread ? { thread } : {}) }), false);
  }

  /** XEP-0333 §4: a marker for the peer's message `id` (ours are only ever `displayed`, protocol.md D25). */
  async sendMarker(to: string, marker: Marker, thread?: string): Promise<void> {
    await this.send(serializeMarker(to, marker, newMessageId(), thread), true);
  }

  /** RFC 6121 §4.2 / §4.4: our broadcast presence (with caps), kept for reconnects. */
  async setPresence(p: OwnPresence): Promise<void> {
    this.own = { ...p };
    if (this.session.online) await this.send(this.ownPresence(), false);
  }

  /** RFC 6121 §4.6: directed presence to one JID (our caps included; reach when given). */
  async sendDirectedPresence(to: string, p: OwnPresence & { type?: "unavailable" } = this.own): Promise<void> {
    await this.send(serializePresence({ ...this.presenceFields(p), to, ...(p.type ? { type: p.type } : {}) }), false);
  }

  async subscribe(jid: string, status?: string): Promise<void> {
    const el = serializeSubscription(jid, "subscribe");
    if (status) el.append(xml("status", {}, status));
    await this.send(el, true);
  }
  async approve(jid: string): Promise<void> {
    await this.send(serializeSubscription(jid, "subscribed"), true);
  }
  async deny(jid: string): Promise<void> {
    await this.send(serializeSubscription(jid, "unsubscribed"), true);
  }
  async unsubscribe(jid: string): Promise<void> {
    await this.send(serializeSubscription(jid, "unsubscribe"), true);
  }

  async rosterAdd(item: { jid: string; name?: string; groups?: string[] }, signal?: AbortSignal): Promise<void> {
    await this.iq(serializeRosterSet({ ...item, jid: bareJid(item.jid) }), signal);
  }
  async rosterRemove(jid: string, signal?: AbortSignal): Promise<void> {
    await this.iq(serializeRosterSet({ jid: bareJid(jid), remove: true }), signal);
  }
  roster(): RosterItem[] {
    return this.rosterBook.all();
  }
  /** RFC 6121 §2.6 version of the roster we hold (persist it with roster()). */
  get rosterVersion(): string | undefined {
    return this.rosterBook.ver;
  }
  /** Every available resource of a contact, as last seen. */
  presencesOf(jid: string): ResourcePresence[] {
    return this.contacts.presences.resources(jid);
  }

  /** The verified caps (XEP-0115) of a contact's resource, once learnt; see the `caps` event. */
  capsOf(fullJid: string): DiscoInfo | undefined {
    return this.contacts.capsOf(fullJid);
  }

  /** XEP-0215: our server's STUN/TURN services (or one service's credentials). DECISION(protocol.md D29) */
  async externalServices(query: ExtdiscoQuery = {}, signal?: AbortSignal): Promise<ExternalService[]> {
    return parseExtdiscoResult(await this.iq(serializeExtdiscoQuery(this.options.domain, query), signal));
  }

  async discoInfo(jid: string, node?: string, signal?: AbortSignal): Promise<DiscoInfo> {
    return profile.discoInfo(this.iqFn, jid, node, signal);
  }
  /** XEP-0115: changes our extra features; when `ver` changes, presence is re-sent. */
  async setFeatures(features: string[]): Promise<void> {
    if (this.caps.setFeatures(features) && this.session.online) await this.send(this.ownPresence(), false);
  }
  get capsVer(): string {
    return this.caps.ver();
  }

  fetchVcard4(jid?: string, signal?: AbortSignal): Promise<Vcard | undefined> {
    return profile.fetchVcard4(this.iqFn, bareJid(jid ?? this.jid), signal);
  }
  publishVcard4(vcard: Vcard, signal?: AbortSignal): Promise<void> {
    return profile.publishVcard4(this.iqFn, vcard, signal);
  }
  fetchVcardTemp(jid?: string, signal?: AbortSignal): Promise<Vcard | undefined> {
    return profile.fetchVcardTemp(this.iqFn, jid && bareJid(jid), signal);
  }
  publishVcardTemp(vcard: Vcard, signal?: AbortSignal): Promise<void> {
    return profile.publishVcardTemp(this.iqFn, vcard, signal);
  }
  publishActivity(activity: Activity = ON_THE_PHONE, signal?: AbortSignal): Promise<void> {
    return profile.publishActivity(this.iqFn, activity, signal);
  }
  retractActivity(signal?: AbortSignal): Promise<void> {
    return profile.publishActivity(this.iqFn, undefined, signal);
  }
  publishReach(addrs: readonly ReachAddr[], signal?: AbortSignal): Promise<void> {
    return profile.publishReach(this.iqFn, addrs, signal);
  }
  fetchReach(jid: string, signal?: AbortSignal): Promise<ReachAddr[] | undefined> {
    return profile.fetchReach(this.iqFn, bareJid(jid), signal);
  }

  /** XEP-0313: fetch what the archive holds after our last known id (or since `start`). */
  async catchUpArchive(o: CatchUpOptions = {}, signal?: AbortSignal): Promise<CatchUpResult> {
    const afterId = o.afterId ?? this.lastArchive;
    return catchUpArchive(this.iqFn, this.mamQueries, { ...o, ...(afterId ? { afterId } : {}) }, signal);
  }

  /** Sends an IQ and waits for its result; a type='error' answer rejects with StanzaError. */
  private async iq(el: Element, signal?: AbortSignal): Promise<Element> {
    const entity = this.session.entity;
    if (!entity || !this.session.online) throw new TransportError("XMPP not connected");
    try {
      return await abortable(entity.iqCaller.request(el, this.options.iqTimeoutMs ?? 30_000), signal);
    } catch (e) {
      throw toCusaxError(e);
    }
  }
  private readonly iqFn = (el: Element, signal?: AbortSignal) => this.iq(el, signal);

  /** XEP-0198: stanzas sent but not yet acknowledged by the server, plus those queued while offline. */
  get unackedCount(): number {
    return (this.session.entity?.streamManagement.outbound_q.length ?? 0) + this.pending.length;
  }

  /** Drops the connection as a network failure would (the client reconnects by itself). */
  simulateLinkLoss(): void {
    this.session.dropLink();
  }

  private async send(el: Element, queueWhileOffline: boolean): Promise<void> {
    const entity = this.session.entity;
    if (!entity || !this.session.online) {
      if (queueWhileOffline) this.pending.push(el);
      else throw new TransportError("XMPP not connected");
      return;
    }
    await entity.send(el);
  }

  private presenceFields(p: OwnPresence): OutgoingPresence {
    const out: OutgoingPresence = { caps: this.caps.caps() };
    if (p.show) out.show = p.show;
    if (p.status !== undefined) out.status = p.status;
    if (p.priority !== undefined) out.priority = p.priority;
    if (p.reach) out.reach = p.reach;
    return out;
  }

  private ownPresence(): Element {
    return serializePresence(this.presenceFields(this.own));
  }

  private entityCreated(entity: Entity): void {
    entity.on("nonza", ((el: Element) => {
      if (el.is("features", "http://etherx.jabber.org/streams") && el.getChild("bind")) this.rosterVersioning = !!el.getChild("ver", NS_ROSTERVER);
    }) as never);
    registerIqHandlers(entity, {
      caps: this.caps,
      roster: this.rosterBook,
      log: this.log,
      ourJid: () => this.jid,
      rosterChanged: (change) => {
        this.emit("rosterChange", change);
        // A contact just approved us: our presence again, now that they list us (presence/after-approval.ts).
        const approvedBy = newlyApprovedBy(change);
        if (approvedBy) void this.sendDirectedPresence(approvedBy).catch(() => undefined);
      },
    });
  }

  private async sessionStarted(): Promise<void> {
    this.contacts.forget();
    // Offline messages come with the first presence: they must not move the checkpoint past the gap.
    this.catchingUp = true;
    const steps: [string, () => Promise<unknown>][] = [
      ["roster", () => this.fetchRoster()],
      ["carbons", () => this.iq(serializeCarbonsEnable())],
      ["presence", () => this.send(this.ownPresence(), false)],
      ["pending", () => this.flushPending()],
    ];
    for (const [name, step] of steps) await step().catch((e: unknown) => this.log.warn(`session step ${name} failed`, { error: String(e) }));
    this.emit("online", { jid: this.jid, resumed: false });
    void this.catchUpGap().catch((e: unknown) => this.log.warn("archive catch-up failed", { error: String(e) }));
  }

  /** XEP-0313 on every new session (a resumed stream has no gap), from the checkpoint (D26). */
  private async catchUpGap(): Promise<void> {
    try {
      await catchUpGap({
        iq: this.iqFn, queries: this.mamQueries, log: this.log, afterId: this.lastArchive,
        bounds: this.options.catchUp ?? {}, checkpoint: (id) => this.checkpoint(id),
      });
    } finally {
      this.catchingUp = false;
    }
  }

  private checkpoint(id: string): void {
    if (id === this.lastArchive) return;
    this.lastArchive = id;
    this.emit("archiveCheckpoint", { id });
  }

  private sessionResumed(jid: string): void {
    this.flushPending().catch((e: unknown) => this.log.warn("could not send queued stanzas", { error: String(e) }));
    this.emit("online", { jid, resumed: true });
  }

  private async fetchRoster(): Promise<void> {
    const result = parseRosterResult(await this.iq(serializeRosterGet(this.rosterVersioning ? (this.rosterBook.ver ?? "") : undefined)));
    for (const change of this.rosterBook.load(result)) this.emit("rosterChange", change);
  }

  private async flushPending(): Promise<void> {
    const entity = this.session.entity;
    while (entity && this.session.online && this.pending.length) await entity.send(this.pending.shift()!);
  }

  private linkLost(willReconnect: boolean, error?: CusaxError): void {
    // A resumed stream (XEP-0198) keeps presence state; a new session or stop() forgets it.
    if (!willReconnect) this.contacts.forget();
    this.emit("offline", error ? { willReconnect, error } : { willReconnect });
  }

  private unacked(el: Element): void {
    if (el.name === "message" && this.session.state !== "stopped") this.pending.push(el);
  }

  private onStanza(el: Element): void {
    try {
      if (el.name === "message") handleMessageStanza(this.inbound, el);
      else if (el.name === "presence") {
        handlePresenceStanza(this.inbound, el);
        if (el.attrs.from) this.contacts.presenceSeen(el.attrs.from);
      }
    } catch (e) {
      this.log.error("failed to handle a stanza", { error: String(e), stanza: el.toString().slice(0, 500) });
    }
  }

  private makeInbound(): InboundContext {
    return {
      ourJid: () => this.jid,
      emit: (event, payload) => this.emit(event, payload),
      log: this.log,
      dedup: this.dedup,
      threads: this.threads,
      presences: this.contacts.presences,
      mamQueries: this.mamQueries,
      isInRoster: (bare) => this.rosterBook.get(bare) !== undefined,
      sendReceipt: (to, id, thread) => void this.send(serializeReceipt(to, id, newMessageId(), thread), false).catch(() => undefined),
      noteArchiveId: (id, archived) => {
        if (!archived && !this.catchingUp) this.checkpoint(id);
      },
      presenceCaps: (p) => this.contacts.learnCaps(p),
    };
  }
}
