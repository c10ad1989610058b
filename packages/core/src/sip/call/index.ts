// RFC 3261 §13-§15, RFC 3264, 3311, 3515, 3428, 4028, 6993: calls, messages and the UA core above the transaction layer.
export { Call, type CallEvents } from "./call.js";
export { IGNORE_RESPONSES, type CallContext, type DialogUser } from "./context.js";
export { IncomingCall, type AnswerOptions } from "./incoming-call.js";
export { acceptsMessageType, readMessage, sendMessage, type MessageResult, type ReceivedMessage } from "./message.js";
export { ACCEPT, optionsResponse, SUPPORTED } from "./options.js";
export { MAX_REDIRECTS, OutgoingCall, type OutgoingCallOptions } from "./outgoing-call.js";
export { parseSipfragStatus, type TransferResult } from "./refer.js";
export { Reliable2xx } from "./retransmit.js";
export {
  answerSessionExpires, readSessionExpires, serializeSessionExpires, SessionTimer, supportsTimer,
  type Refresher, type SessionExpires,
} from "./session-timer.js";
export { glareInterval, isHoldOffer, SessionUpdates } from "./session-update.js";
export {
  INCOMING_TRANSITIONS, OUTGOING_TRANSITIONS, StateMachine,
  type CallState, type IncomingCallState, type OutgoingCallState,
} from "./state.js";
export {
  ALLOW, DEFAULT_CALL_CONFIG, endForStatus,
  type CallConfig, type CallEnd, type CallInfoEvent, type CallMedia, type ForwardConfig, type HoldState,
  type MediaDirection, type MediaHooks, type TransferProgress,
} from "./types.js";
export { SipUaCore, type SipUaCoreEvents, type SipUaCoreOptions } from "./user-agent-core.js";
