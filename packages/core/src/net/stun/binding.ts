// RFC 8489 §3 and §6: a Binding request learns our server-reflexive address
// (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from RFC 3489 servers).
import { TransportError } from "../../util/errors.js";
import { errorCode, mappedAddress } from "./stun-attributes.js";
import { newTransactionId } from "./stun-message.js";
import type { StunPeer, StunTransactions } from "./stun-transaction.js";
import { StunMethod, type TransportAddress } from "./stun-types.js";

/** Asks `server` what address our datagrams come from. */
export async function bindingRequest(tx: StunTransactions, server: StunPeer, signal?: AbortSignal): Promise<TransportAddress> {
  const m = { method: StunMethod.binding, cls: "request" as const, transactionId: newTransactionId(), attributes: [] };
  const r = await tx.request(m, server, { fingerprint: true, ...(signal && { signal }) });
  const msg = r.message;
  if (msg.cls === "error") {
    const e = errorCode(msg);
    throw new TransportError(`STUN binding refused by ${server.address}:${server.port}: ${e ? `${e.code} ${e.reason}` : "error"}`);
  }
  const mapped = mappedAddress(msg);
  if (!mapped) throw new TransportError(`STUN binding answer from ${server.address}:${server.port} has no mapped address`);
  return mapped;
}
