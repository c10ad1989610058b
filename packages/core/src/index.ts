// @cusax/core: the library's only entry. No I/O at import time.
export * from "./util/index.js";
// Inspecting SIP traffic with our parser (one datagram's worth per call).
export { parseSipMessage, serializeSipMessage, serializeUri, SipParseError } from "./sip/message/index.js";
export type { SipMessage, SipRequest, SipResponse } from "./sip/message/index.js";
// The combined endpoint: createClient() composes sip, xmpp, link and store.
export { Endpoint as CusaxClient, identityOf, type EndpointOptions as CusaxClientOptions, type EndpointEvents as CusaxClientEvents } from "./link/endpoint.js";
export type { SipState } from "./link/sip-state.js";
// Both accounts' states and problems (protocol.md D34).
export type { Accounts, AccountName, AccountProblem, AccountState, AccountStatus } from "./link/accounts.js";
export type { SipStateChange } from "./link/contact-states.js";
import { Endpoint, type EndpointOptions } from "./link/endpoint.js";
export function createClient(options: EndpointOptions): Endpoint {
  return new Endpoint(options);
}
// For the daemon: the SQLite store, call media on WAV files, and record types.
export { SqliteStore } from "./store/index.js";
export type { Contact, Conversation, Message, Call as CallRecord, Link, TimelineItem, Address } from "./store/index.js";
// Messaging: delivery states of our messages, XEP-0085 chat states (a peer's, and ours to send).
export type { DeliveryState } from "./store/index.js";
export { CHAT_STATES, type ChatState } from "./xmpp/index.js";
export type { MessageStateChange } from "./link/delivery.js";
export type { PeerChatState } from "./link/chat-states.js";
export type { SipCall, MediaHooks } from "./sip/index.js";
export { createMediaHooks, callSources, callSinks, callFileName, type CallMediaHooks, type CallDescriptor } from "./media/index.js";
// Per-call RTP statistics with MOS (the daemon's GET /calls/:id/stats).
export { CallStats, type CallStatsReport, type StreamStats, type RtpStreamCounters } from "./media/index.js";
// Browser voice (protocol.md D27, D28): a page's WebRTC leg bridged to a call.
export { BrowserLeg, MediaError, LegSlot, type BrowserLegOptions, type CallLeg, type PayloadRelay } from "./media/index.js";
// A call's media chosen per call, and the sound device (protocol.md D33).
export { CallChoiceError, callMediaSpecOf, CALL_AUDIO_CHOICES, DeviceLeg, deviceCommands, type CallAudioChoice, type CallMediaSpec, type DeviceChoice, type DeviceLegOptions, type SoundDeviceSpec } from "./media/index.js";
// The daemon checks a WAV file a user names before a call plays it.
export { readWavFile } from "./media/wav.js";
