// RFC 3261 §18, RFC 3263, RFC 3581, RFC 5626 §4.4, RFC 5923, RFC 7118: the transport layer's public names.
export { TransportLayer, type TransportLayerOptions } from "./transport-layer.js";
export {
  defaultPort,
  isReliable,
  type ConnectionUser,
  type FlowFailure,
  type SipConnection,
  type SipTarget,
  type TransportEvents,
  type TransportName,
  type TransportUser,
} from "./types.js";
export { contentLength, CRLF_PING, CRLF_PONG, StreamFramer, type FrameEvent, type FramerOptions } from "./framing.js";
export {
  orderSrv,
  resolveSipTargets,
  systemResolver,
  type NaptrRecord,
  type ResolveOptions,
  type SipResolver,
  type SrvRecord,
  type StaticRoute,
} from "./resolve.js";
export { isOurVia, markReceived, responseTarget, stampVia, type SentBy } from "./via.js";
export { rawStatelessReply, statelessReply } from "./reply.js";
export { ingest, type IngestOutcome, type Reply } from "./ingest.js";
