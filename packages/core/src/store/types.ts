// protocol.md §2 (instance id), §4-6 (conversations, messages, calls), §7 (links
// and trust): the records cusax persists and the synchronous Store interface.
import { ParseError } from "../util/errors.js";

// ---------------------------------------------------------------- addresses

export type AddressKind = "jid" | "sip" | "tel";
/** `value` is normalised (see normaliseAddress): bare JID, `sip:user@host`, `tel:+digits`. */
export type Address = { kind: AddressKind; value: string };

/**
 * Canonical form used as a lookup key.
 * - jid: bare JID, lower-cased (RFC 7622 §3.2/§3.3 case mapping, ASCII approximation).
 * - sip: `sip:user@host[:port]`, scheme and host lower-cased, user kept as given
 *   (RFC 3261 §19.1.4), parameters and headers dropped (a GRUU's `gr` too);
 *   `sips:` folds into `sip:`. A global number with `user=phone` becomes `tel:`.
 * - tel: `tel:` + the number without visual separators (RFC 3966 §5.1.1).
 * Throws ParseError on a value that has no usable identity.
 */
export function normaliseAddress(address: Address): Address {
  switch (address.kind) {
    case "jid":
      return { kind: "jid", value: normaliseJid(address.value) };
    case "tel":
      return { kind: "tel", value: normaliseTel(address.value) };
    case "sip":
      return normaliseSip(address.value);
  }
}

/** `kind value` as one string, e.g. for maps and unique keys. */
export function addressKey(address: Address): string {
  return `${address.kind} ${address.value}`;
}

function normaliseJid(value: string): string {
  let v = value.trim();
  if (v.toLowerCase().startsWith("xmpp:")) v = v.slice(5);
  const slash = v.indexOf("/");
  if (slash >= 0) v = v.slice(0, slash);
  // RFC 7622 §3.1: the first '@' separates the localpart, which cannot hold another.
  const at = v.indexOf("@");
  const local = at >= 0 ? v.slice(0, at) : "";
  const domain = (at >= 0 ? v.slice(at + 1) : v).replace(/\.$/, "");
  if (!domain || (at >= 0 && !local) || /[\s<>"@]/.test(domain) || /[\s<>"]/.test(local)) throw new ParseError(`bad JID: ${value}`);
  return (local ? `${local}@${domain}` : domain).normalize("NFC").toLowerCase();
}

function normaliseTel(value: string): string {
  let v = value.trim();
  if (v.toLowerCase().startsWith("tel:")) v = v.slice(4);
  const [number = "", ...params] = v.split(";");
  // RFC 3966 §5.1.1: visual separators carry no meaning.
  const n = number.replace(/[\s.()-]/g, "");
  if (!/^\+?[0-9*#A-Fa-f]+$/.test(n) || n === "+") throw new ParseError(`bad tel: ${value}`);
  if (n.startsWith("+")) return `tel:${n}`;
  // RFC 3966 §5.1.5: a local number means something only with its context.
  const context = params.find((p) => /^phone-context=/i.test(p.trim()));
  return context ? `tel:${n};${context.trim().toLowerCase()}` : `tel:${n}`;
}

function normaliseSip(value: string): Address {
  const v = value.trim().replace(/^<|>$/g, "");
  const m = /^sips?:(?:([^@;?]+)@)?([^;?]+)(.*)$/i.exec(v);
  if (!m || !m[2]) throw new ParseError(`bad SIP URI: ${value}`);
  const userinfo = m[1];
  const user = userinfo?.split(":")[0]; // RFC 3261 §19.1.1: drop a password
  const host = m[2].toLowerCase();
  const params = (m[3] ?? "").split("?")[0]!.toLowerCase();
  // RFC 3261 §19.1.6: user=phone with a global number is a telephone number.
  if (user && /;user=phone(;|$)/.test(params) && /^\+[0-9().-]+$/.test(user)) {
    return { kind: "tel", value: normaliseTel(user) };
  }
  if (user === "") throw new ParseError(`bad SIP URI: ${value}`);
  return { kind: "sip", value: user ? `sip:${user}@${host}` : `sip:${host}` };
}

// ---------------------------------------------------------------- contacts, links

export type Contact = {
  id: number;
  name?: string;
  /** Every JID, SIP URI and tel number of this person; each belongs to one contact. */
  addresses: Address[];
  created: number;
};

/** protocol.md §7: where a link between a JID and a SIP/tel address was learned. */
export type LinkOrigin =
  | "reach" // XEP-0152 <reach/> in presence (or in a chat message, §4)
  | "pep" // XEP-0152 on the PEP node urn:xmpp:reach:0
  | "vcard4" // XEP-0292 <impp>/<tel>
  | "vcard-temp" // XEP-0054 <TEL>
  | "call-info" // RFC 6993 Call-Info purpose=impp on a call from the SIP address
  | "same-name" // the opt-in same-name rule for a domain pair
  | "user"; // the user said so

export const LINK_ORIGINS: readonly LinkOrigin[] = ["reach", "pep", "vcard4", "vcard-temp", "call-info", "same-name", "user"];

export type LinkTrust = "claimed" | "verified" | "user-confirmed";

/** Strength order; the store never lowers a link's trust on its own. */
export const TRUST_RANK: Readonly<Record<LinkTrust, number>> = { claimed: 0, verified: 1, "user-confirmed": 2 };

export type Link = {
  id: number;
  /**
   * The contact the link belongs to. While `claimed` it is the claimant's
   * (the JID's for reach/PEP/vCard/same-name, the SIP address's for Call-Info)
   * and the claimed address joins no contact; once verified or confirmed both
   * addresses belong to this one contact (two contacts are merged).
   */
  contactId: number;
  /** Bare JID, normalised. */
  jid: string;
  /** The SIP or tel address, normalised. */
  other: Address;
  /** The first origin that made the link. */
  origin: LinkOrigin;
  trust: LinkTrust;
  /** Last time (ms since epoch) each origin asserted the link. */
  evidence: Partial<Record<LinkOrigin, number>>;
  created: number;
  updated: number;
  /** D31: when the user removed it; such a link is hidden and only the user brings it back. */
  rejectedAt?: number;
};

export type LinkInput = {
  jid: string;
  other: Address;
  origin: LinkOrigin;
  at: number;
  /** Trust computed by link/trust.ts; merged as the stronger of old and new. */
  trust: LinkTrust;
};

// ---------------------------------------------------------------- conversations, messages

export type Conversation = {
  id: number;
  /** XEP-0201 thread id: ours are 128 random bits in hex (§4). */
  threadId: string;
  peerContactId: number;
  /** The peer resource this thread is with, when known. */
  peerJid?: string;
  /** §4: the peer's SIP contact learned for this thread (GRUU or AoR). */
  peerSipContact?: string;
  created: number;
  lastActivity: number;
};

export type Direction = "in" | "out";
/** Ours: pending, sent, delivered (XEP-0184 or a XEP-0333 received marker), displayed (XEP-0333), failed; theirs: received. */
export type DeliveryState = "pending" | "sent" | "delivered" | "displayed" | "failed" | "received";

export type Message = {
  id: number;
  conversationId: number;
  direction: Direction;
  from: string;
  to: string;
  body: string;
  /** The stanza's id attribute. */
  stanzaId?: string;
  /** XEP-0359 origin-id. */
  originId?: string;
  /** XEP-0313 / XEP-0359 stanza-id given by our own archive. */
  archiveId?: string;
  state: DeliveryState;
  /** Incoming: the sender asked for XEP-0333 chat markers (we may answer `displayed`). */
  markable?: boolean;
  /** Incoming: when the user read it (unset: unread). Outgoing messages are never unread. */
  readAt?: number;
  /** When it was said (a XEP-0203 delay stamp, else when we stored it). */
  at: number;
  /** When `state` last changed. */
  stateAt: number;
};

export type MessageInput = Omit<Message, "id" | "stateAt"> & { stateAt?: number };

export const MAX_BODY_CHARS = 256 * 1024; // protocol.md §9: no stanza is larger

export type AppendResult =
  | { status: "added"; message: Message }
  | { status: "duplicate"; message: Message }
  | { status: "rejected"; reason: "empty-body" | "too-large" | "unknown-conversation" };

/** Ids to look a message up by; origin and stanza ids are matched within the conversation and direction given. */
export type MessageKey = { conversationId?: number; direction?: Direction; stanzaId?: string; originId?: string; archiveId?: string };

// ---------------------------------------------------------------- calls

export type CallOutcome = "ongoing" | "answered" | "missed" | "rejected" | "busy" | "cancelled" | "failed";

export type Call = {
  id: number;
  conversationId?: number;
  direction: Direction;
  peer: Address;
  outcome: CallOutcome;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** endedAt - answeredAt for an answered call that ended. */
  durationMs?: number;
  /** RTP/RTCP statistics as the media layer reports them. */
  stats?: Record<string, unknown>;
  sipCallId?: string;
  /** Why a call failed or was refused, when known (e.g. "srtp-required: the offer has no a=crypto"). */
  reason?: string;
};

export type CallInput = Omit<Call, "id" | "durationMs">;
export type CallUpdate = Partial<Pick<Call, "conversationId" | "outcome" | "answeredAt" | "endedAt" | "stats" | "reason">>;

// ---------------------------------------------------------------- timeline, caps

export type TimelineItem =
  | { kind: "call"; at: number; call: Call }
  | { kind: "message"; at: number; message: Message };

/** Items strictly before this point; a bare number means before that time. */
export type TimelineCursor = number | { at: number; kind: "call" | "message"; id: number };

export type CapsIdentity = { category: string; type: string; name?: string; lang?: string };
export type CapsForm = { type: string; fields: { var: string; type?: string; values: string[] }[] };
export type CapsEntry = {
  hash: string;
  ver: string;
  node: string;
  features: string[];
  identities: CapsIdentity[];
  forms?: CapsForm[];
};

/** Settings key of the instance id (protocol.md §2). */
export const INSTANCE_KEY = "instance-id";

// ---------------------------------------------------------------- the interface

export type AddAddressResult = { ok: true; contact: Contact } | { ok: false; reason: "taken"; by: number };

export interface Store {
  // contacts (addresses are normalised on the way in)
  createContact(input: { name?: string; addresses?: Address[]; at: number }): Contact;
  getContact(id: number): Contact | undefined;
  listContacts(): Contact[];
  findContactByAddress(address: Address): Contact | undefined;
  /** The contact holding `address`, created when there is none. */
  upsertContact(address: Address, init: { name?: string; at: number }): Contact;
  renameContact(id: number, name: string | undefined): void;
  addAddress(contactId: number, address: Address): AddAddressResult;
  /** User action: `dropId`'s addresses, links, conversations and calls move to `keepId`. */
  mergeContacts(keepId: number, dropId: number): Contact | undefined;

  // links (protocol.md §7)
  /** Adds or merges evidence; trust only goes up unless `setLinkTrust` is used. */
  addLink(input: LinkInput): Link;
  getLink(jid: string, other: Address): Link | undefined;
  /** Links that involve this address, on either side. */
  findLinks(address: Address): Link[];
  linksOf(contactId: number): Link[];
  /** The user's explicit decision, which may lower trust (e.g. revoking). */
  setLinkTrust(id: number, trust: LinkTrust, at: number): Link | undefined;
  /**
   * D31: the user removed this link. It is kept as rejected: hidden from
   * getLink/findLinks/linksOf, ignored by addLink unless the origin is `user`.
   * The SIP/tel address leaves the contact unless another link of it holds it.
   * Undefined when there is no such link.
   */
  rejectLink(jid: string, other: Address, at: number): Link | undefined;
  /** D31: did the user remove this link (and not link it again)? */
  isLinkRejected(jid: string, other: Address): boolean;

  // conversations
  createConversation(input: Omit<Conversation, "id" | "lastActivity"> & { lastActivity?: number }): Conversation;
  getConversation(id: number): Conversation | undefined;
  /** §5: a thread is known per peer; the same thread id from another peer is another conversation. */
  findConversationByThread(threadId: string, peerContactId: number): Conversation | undefined;
  /** Most recently active first. */
  conversationsWith(peerContactId: number): Conversation[];
  updateConversation(id: number, patch: Partial<Pick<Conversation, "peerJid" | "peerSipContact" | "lastActivity">>): Conversation | undefined;

  // messages
  /** Idempotent on archive id, origin id and stanza id (per conversation). */
  appendMessage(input: MessageInput): AppendResult;
  getMessage(id: number): Message | undefined;
  findMessage(key: MessageKey): Message | undefined;
  /** Applies a delivery state move if it is allowed (see DELIVERY_MOVES); returns the message. */
  updateDelivery(id: number, state: DeliveryState, at: number): { changed: boolean; message?: Message };
  /** Sets an archive id learned later (MAM) on a message that has none. */
  setArchiveId(id: number, archiveId: string): boolean;
  /**
   * XEP-0333 §4: a marker for one message covers the earlier ones. Moves every
   * outgoing message of the conversation at or before `upTo` (timeline order)
   * to `state` where DELIVERY_MOVES allows; returns the messages that changed.
   */
  updateDeliveryUpTo(conversationId: number, upTo: number, state: DeliveryState, at: number): Message[];
  /** Marks the incoming messages of a conversation read, all or those at or before `upTo`; returns those that changed. */
  markRead(conversationId: number, upTo: number | undefined, at: number): Message[];
  /** Incoming messages of a conversation not yet read. */
  unreadCount(conversationId: number): number;

  // calls
  recordCall(input: CallInput): Call;
  updateCall(id: number, patch: CallUpdate): Call | undefined;
  getCall(id: number): Call | undefined;
  findCallBySipCallId(sipCallId: string): Call | undefined;

  // reading
  timeline(contactId: number, options: { before?: TimelineCursor; limit: number }): TimelineItem[];
  search(text: string, options?: { limit?: number; conversationId?: number }): Message[];

  // caps cache (XEP-0115 §6.2), settings
  getCaps(hash: string, ver: string): CapsEntry | undefined;
  putCaps(entry: CapsEntry): void;
  getSetting(key: string): string | undefined;
  putSetting(key: string, value: string): void;
  /** protocol.md §2: the persisted instance id (a UUID), created on first use. */
  instanceId(): string;
  /** Runs `fn` atomically (one SQLite transaction); nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  /**
   * A write from the network, run later with the others pending, in order,
   * in one transaction per event-loop turn (store/write-batch.ts); what the
   * job returns runs once committed (announce it then).
   */
  defer(job: () => void | (() => void)): void;
  /** Runs every deferred write now. */
  flush(): void;
  /** Flushes the deferred writes, then closes. */
  close(): void;
}
