// RFC 3261 §17, RFC 6026, RFC 4320: the transaction layer.
export { buildAckForNon2xx, buildCancel, buildTrying } from "./build.js";
export { InviteClientTransaction, type InviteClientState } from "./invite-client.js";
export { InviteServerTransaction, type InviteServerState } from "./invite-server.js";
export {
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type TransactionLayerOptions,
  type TransactionUser,
} from "./layer.js";
export { clientKey, legacyMatch, MAGIC_COOKIE, newBranch, responseKey, serverKey, topVia, viaEquals } from "./matching.js";
export { NonInviteClientTransaction, type NonInviteClientState } from "./non-invite-client.js";
export { NonInviteServerTransaction, type NonInviteServerState } from "./non-invite-server.js";
export { DEFAULT_TIMERS, nextInterval, timerDuration, TransactionTimers, type TimerConfig, type TimerName } from "./timers.js";
export type {
  ClientFailure,
  ClientTransactionUser,
  ServerFailure,
  ServerTransactionUser,
  SipTarget,
  StateChange,
  TransactionContext,
  TransactionEvents,
  TransactionTransport,
  TransitionTable,
} from "./transaction.js";
