// @cusax/core: the library's only entry. No I/O at import time.
export * from "./util/index.js";
// Inspecting SIP traffic with our parser (one datagram's worth per call).
export { parseSipMessage, serializeSipMessage, serializeUri, SipParseError } from "./sip/message/index.js";
export type { SipMessage, SipRequest, SipResponse } from "./sip/message/index.js";
