// The xmpp/ facade: XmppClient and the pure helpers others may use (link/, store/).
export { XmppClient } from "./xmpp-client.js";
export type { XmppClientOptions, SendMessageOptions, OwnPresence } from "./xmpp-client.js";
export type { XmppEvents, XmppMessage, ClientState, MarkerEvent } from "./client-events.js";

export { computeCapsVer, verifyCapsVer, capsVerString } from "./caps/caps-ver.js";
export type { CapsCheck } from "./caps/caps-ver.js";
export { parseDiscoInfo, serializeDiscoInfo, NS_DISCO_INFO } from "./caps/disco-info.js";
export type { DiscoInfo, DiscoIdentity, DataForm, FormField } from "./caps/disco-info.js";
export { MemoryCapsCache } from "./caps/caps-cache.js";
export type { CapsCache } from "./caps/caps-cache.js";
export type { Caps } from "./caps/caps-element.js";
export { BASE_FEATURES, DEFAULT_CAPS_NODE } from "./own-caps.js";

export { NS_REACH, parseReach, serializeReach } from "./reach/reach.js";
export type { ReachAddr, ReachDesc } from "./reach/reach.js";
export { NS_ACTIVITY, ON_THE_PHONE, ON_VIDEO_PHONE } from "./activity/activity.js";
export type { Activity } from "./activity/activity.js";
export { sipImpps, xmppImpps, emptyVcard, telNumber } from "./vcard/vcard.js";
export type { Vcard, VcardTel } from "./vcard/vcard.js";

export { newThreadId } from "./chat/thread.js";
export type { ChatMessage, ChatState, StanzaId, MessageErrorInfo } from "./chat/message.js";
export { CHAT_STATES, NS_CHATSTATES } from "./chat/message.js";
export { NS_MARKERS, type Marker, type MarkerKind } from "./markers/markers.js";
export type { Presence, Show, PresenceType } from "./presence/presence.js";
export type { PresenceChange, ResourcePresence } from "./presence/presence-table.js";
export type { RosterItem, Subscription } from "./roster/roster.js";
export type { RosterChange } from "./roster/roster-book.js";
export type { CatchUpOptions, CatchUpResult } from "./archive/catch-up.js";
export { bareJid, parseJid, sameBareJid } from "./jid.js";
export type { JidParts } from "./jid.js";
// Failures classified for a person (protocol.md D34), and the reconnect back-off.
export { classifyFailure, toCusaxError, type FailureClass, type FailureKind } from "./connection/errors.js";
export { backoffDelay } from "./connection/backoff.js";
