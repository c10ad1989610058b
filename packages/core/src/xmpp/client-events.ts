// The typed events of XmppClient (docs/architecture.md "How modules talk").
import type { CusaxError } from "../util/errors.js";
import type { ChatMessage, ChatState, MessageErrorInfo } from "./chat/message.js";
import type { PresenceChange } from "./presence/presence-table.js";
import type { RosterChange } from "./roster/roster-book.js";
import type { DiscoInfo } from "./caps/disco-info.js";
import type { ReachAddr } from "./reach/reach.js";
import type { Activity } from "./activity/activity.js";
import type { Vcard } from "./vcard/vcard.js";
import type { MarkerKind } from "./markers/markers.js";

export type ClientState = "idle" | "connecting" | "online" | "disconnected" | "stopped";

export type XmppMessage = ChatMessage & {
  /** "out" for our own messages (sent carbons, archive). */
  direction: "in" | "out";
  /** Bare JID of the other party. */
  peer: string;
  carbon?: "sent" | "received";
  archived?: { archiveId: string; stamp?: string };
  /** XEP-0359 stanza-id our own archive gave it (live or from a MAM result). */
  archiveId?: string;
};

/** XEP-0333 §4: a chat marker; `outgoing` when one of our other resources sent it (to `peer`). */
export type MarkerEvent = { from: string; peer: string; kind: MarkerKind; id: string; thread?: string; outgoing: boolean };

export type XmppEvents = {
  state: { from: ClientState; to: ClientState };
  online: { jid: string; resumed: boolean };
  offline: { willReconnect: boolean; error?: CusaxError };
  presence: PresenceChange;
  message: XmppMessage;
  messageError: { from: string; id?: string; error: MessageErrorInfo };
  receipt: { from: string; id: string; thread?: string };
  chatState: { from: string; state: ChatState; thread?: string };
  marker: MarkerEvent;
  /** XEP-0313: the archive position up to which every message has been handed out (persist it; see archiveAfterId). */
  archiveCheckpoint: { id: string };
  rosterChange: RosterChange;
  subscriptionRequest: { from: string; status?: string };
  subscription: { from: string; type: "subscribed" | "unsubscribed" | "unsubscribe" };
  caps: { jid: string; info: DiscoInfo };
  activity: { from: string; activity?: Activity };
  reach: { from: string; addrs: ReachAddr[] };
  vcard4: { from: string; vcard: Vcard };
  error: CusaxError;
};
