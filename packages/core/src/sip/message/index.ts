// RFC 3261 §7, §19, §20, §25 message layer: the names other layers import.
export type {
  AnyUri, AuthValue, Contact, CSeq, FromTo, InfoValue, MediaType, NameAddr, SipHeaderEntry, SipHeaders,
  SipMessage, SipParams, SipRequest, SipResponse, SipUri, Via,
} from "./types.js";
export { SipParseError } from "./errors.js";
export { createSipHeaders, SipHeaderList } from "./headers.js";
export { canonicalName, headerKey, isListHeader, splitList } from "./names.js";
export { hostEquals, parseSipUri, parseUri, serializeUri, uriEquals } from "./uri.js";
export { parseNameAddr, parseParams, serializeNameAddr, serializeParams } from "./name-addr.js";
export { isIpHost, parseVia, serializeVia, viaBranch, viaSentBy } from "./via.js";
export {
  isSipDate, parseAuth, parseCallId, parseContact, parseCSeq, parseDeltaSeconds, parseFromTo, parseInfo,
  parseMediaType, parseRetryAfter, parseServer, parseTokenWithParams, parseWarning, serializeAuth,
  serializeMediaType, type ProductToken, type RetryAfter, type Warning,
} from "./header-values.js";
export { MAX_MESSAGE_SIZE, parseSipMessage } from "./parse.js";
export { serializeSipHead, serializeSipMessage, serializeSipMessageString } from "./serialize.js";
export { validateRequest, validateResponse, type SipProblem } from "./validate.js";
