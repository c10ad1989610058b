// RFC 3261 and friends: the SIP facade, the only import the rest of the project uses from sip/.
export { SipCall, SipUserAgent, type SipUserAgentEvents, type SipUserAgentOptions } from "./user-agent.js";
export type {
  AnswerOptions, CallEnd, CallEvents, CallInfoEvent, CallMedia, CallState, ForwardConfig, HoldState, MediaDirection,
  MediaHooks, MessageResult, OutgoingCallOptions, ReceivedMessage, TransferProgress, TransferResult,
} from "./call/index.js";
export type { FailureReason, RegisteredInfo, RegistrationFailure, RegistrationState } from "./register/index.js";
export type { SipResolver } from "./transport/index.js";
export type { InfoValue } from "./message/index.js";
