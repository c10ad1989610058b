// docs/api.md and the web-app contract: the JSON the daemon's HTTP API and
// event stream speak, as the web app reads them. Type-only: the daemon may
// `import type` this module; nothing here runs.

/** Our own chosen presence (PUT /presence). */
export type Show = "available" | "away" | "dnd" | "xa";
export type OwnPresence = { show: Show; status?: string };

/** protocol.md §3: a contact's SIP state. */
export type SipState = "callable" | "on-the-phone" | "unreachable" | "unknown";

/** protocol.md §7: link trust. */
export type Trust = "claimed" | "verified" | "user-confirmed";
export type LinkView = { jid: string; other: string; origin: string; trust: Trust | string };

/**
 * A peer's XMPP presence. Not in the contract yet: the app shows it when the
 * daemon sends it (on contacts, or a `presence` event naming a peer's `jid`)
 * and otherwise derives a dot from the SIP state.
 */
export type PeerShow = Show | "chat" | "offline";
export type PeerPresence = { show: PeerShow; status?: string };

export type ContactView = {
  id?: number;
  name?: string;
  jids: string[];
  sip: string[];
  tel: string[];
  subscription?: string;
  sipState?: SipState;
  links: LinkView[];
  unread?: number;
  presence?: PeerPresence;
  /** Media the contact's client can do (XEP-0115 features); optional, see PeerPresence. */
  media?: { audio?: boolean; video?: boolean };
};

export type Status = {
  sip: { registration: string; gruu?: string | null; contact?: string };
  xmpp: { state: string; jid: string | null };
  calls: number;
  presence?: OwnPresence;
  self?: { jid: string; aor: string };
};

export type MessageState = "pending" | "sent" | "delivered" | "displayed" | "failed";

export type Message = {
  id: number;
  conversationId: number;
  direction: "in" | "out";
  from: string;
  to: string;
  body: string;
  state: MessageState;
  at: number;
};

export type CallOutcome = "ongoing" | "answered" | "missed" | "rejected" | "busy" | "cancelled" | "failed";

export type CallRecord = {
  id: number;
  conversationId?: number | null;
  direction: "in" | "out";
  peer: string;
  outcome: CallOutcome;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  durationMs?: number;
  sipCallId?: string;
};

export type TimelineItem = ({ kind: "message" } & Message) | ({ kind: "call"; at: number } & CallRecord);

export type HistoryPage = { contact?: number; items: TimelineItem[]; matches?: (Message & { contact?: number })[]; next?: string | null };
export type SearchAnswer = { matches: (Message & { contact?: number })[] };

export type Conversation = {
  id: number;
  threadId: string;
  peerContactId?: number;
  peerJid?: string;
  peerSipContact?: string;
  created: number;
  lastActivity: number;
  unread?: number;
};

export type CallState =
  | "calling" | "ringing" | "cancelling" | "established" | "ending" | "ended" | "incoming" | "answering";

export type CallView = {
  id: string;
  direction: "outgoing" | "incoming";
  state: CallState;
  remote: string;
  hold: { local: boolean; remote: boolean };
  outcome?: unknown;
  recording?: string;
  kind?: "audio" | "video";
};

export type StreamStats = {
  name?: string;
  kind?: "audio" | "video";
  codec?: string;
  packetsSent?: number;
  packetsReceived?: number;
  cumulativeLost?: number;
  lossPercent?: number;
  fractionLost?: number;
  jitterMs?: number;
  rttMs?: number;
  mos?: number;
};
export type CallStats = { atMs?: number; streams?: StreamStats[] };

export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";

export type SubscriptionRequest = { jid: string; at?: number };

/** GET /events: each event's `data` (its `type` is the event name). */
export type ApiEvent =
  | { type: "message"; conversationId: number; message: Message }
  | { type: "messageState"; conversationId: number; messageId: number; state: MessageState }
  | { type: "chatState"; conversationId?: number; from: string; state: ChatState }
  | { type: "incomingCall"; conversationId?: number; call: CallView }
  | { type: "call"; call: CallView }
  | { type: "callRecord"; conversationId?: number; record: CallRecord }
  | { type: "sipState"; jid: string; bare: string; resource: string; state: SipState; contactState: SipState }
  | { type: "subscriptionRequest"; from: string; approved: boolean }
  | { type: "registration"; state: string }
  | { type: "presence"; show: Show | PeerShow; status?: string; jid?: string }
  | { type: "contact"; jid: string; removed?: true; contact?: ContactView }
  | { type: "dtmf"; callId: string; digit: string };

export type ApiErrorBody = { error: { code: string; message?: string } };
