// Options and inputs of XmppClient.
import type { Element } from "./xml.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/log.js";
import type { BackoffOptions } from "./connection/backoff.js";
import type { DiscoIdentity } from "./caps/disco-info.js";
import type { CapsCache } from "./caps/caps-cache.js";
import type { ChatState } from "./chat/message.js";
import type { Show } from "./presence/presence.js";
import type { ReachAddr } from "./reach/reach.js";
import type { RosterItem } from "./roster/roster.js";
import type { SrvResolver } from "./connection/srv.js";

export type XmppClientOptions = {
  /**
   * xmpp://host:port (STARTTLS), xmpps://host:port (XEP-0368), ws(s)://host:port/path (RFC 7395).
   * The static override; without it the service is found by DNS SRV (RFC 6120 §3.2, XEP-0368).
   */
  service?: string;
  /** For tests and unusual set-ups: the SRV look-up used when `service` is not given. */
  srvResolver?: SrvResolver;
  domain: string;
  username: string;
  password: string;
  resource?: string;
  /** PEM certificate(s) trusted in addition to the system roots. */
  ca?: string | string[];
  clock?: Clock;
  logger?: Logger;
  identity?: DiscoIdentity;
  capsNode?: string;
  /** Features advertised besides the base ones (changeable with setFeatures). */
  features?: string[];
  capsCache?: CapsCache;
  backoff?: BackoffOptions;
  ping?: { intervalMs: number; timeoutMs: number };
  iqTimeoutMs?: number;
  maxStanzaBytes?: number;
  /**
   * XEP-0313: archive id to resume catch-up from (persisted from the
   * `archiveCheckpoint` event). Every new session catches up from the newest
   * checkpoint, bounded by `catchUp` (DECISION(protocol.md D26)).
   */
  archiveAfterId?: string;
  /** D26 bounds of a catch-up: oldest message (default 30 days) and pages of 50 (default 100 = 5,000 messages). */
  catchUp?: { maxAgeMs?: number; maxPages?: number; pageSize?: number };
  /** A roster kept from an earlier session: with its version the server may answer "unchanged" (RFC 6121 §2.6). */
  roster?: { ver: string; items: RosterItem[] };
};

export type SendMessageOptions = {
  to: string;
  body?: string;
  /** Defaults to the conversation's thread with this peer (fresh, or the peer's). */
  thread?: string;
  requestReceipt?: boolean;
  chatState?: ChatState;
  /** XEP-0333 §3: ask the peer for chat markers. */
  markable?: boolean;
  /** XEP-0152 addresses carried in this message (protocol.md §4: first message of a thread). */
  reach?: readonly ReachAddr[];
  extensions?: Element[];
  type?: "chat" | "normal";
};

export type OwnPresence = { show?: Show; status?: string; priority?: number; reach?: readonly ReachAddr[] };
