// RFC 8445 §7.1.1-§7.1.2 (connectivity check requests: PRIORITY,
// USE-CANDIDATE, ICE-CONTROLLING/-CONTROLLED, USERNAME "remote:local"),
// §7.3 (checking requests we receive), RFC 8489 §9.1 (short-term credentials:
// MESSAGE-INTEGRITY keyed with the password of the agent that answers).
import { attr, attrText, encodeErrorCode, text, u32, xorAddressAttr } from "../stun/stun-attributes.js";
import { shortTermKey } from "../stun/stun-integrity.js";
import { newTransactionId, serializeStun, verifyIntegrity, type ParsedStun, type SerializeOptions } from "../stun/stun-message.js";
import type { StunPeer } from "../stun/stun-transaction.js";
import { StunAttr, StunMethod, type StunAttribute, type StunMessage } from "../stun/stun-types.js";
import type { IceParameters } from "./ice-types.js";

/** RFC 8445 §16.1. */
export const IceAttr = { priority: 0x0024, useCandidate: 0x0025, iceControlled: 0x8029, iceControlling: 0x802a } as const;

export type Role = { controlling: boolean; tieBreaker: bigint };

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export type CheckRequest = { message: StunMessage; options: SerializeOptions };

/** §7.1.1: a Binding request for one pair, authenticated with the peer's password. */
export function checkRequest(local: IceParameters, remote: IceParameters, role: Role, priority: number, useCandidate: boolean): CheckRequest {
  const attributes: StunAttribute[] = [
    { type: StunAttr.username, value: text(`${remote.ufrag}:${local.ufrag}`) },
    { type: IceAttr.priority, value: u32(priority) },
    { type: role.controlling ? IceAttr.iceControlling : IceAttr.iceControlled, value: u64(role.tieBreaker) },
  ];
  if (useCandidate) attributes.push({ type: IceAttr.useCandidate, value: new Uint8Array() });
  const message = { method: StunMethod.binding, cls: "request" as const, transactionId: newTransactionId(), attributes };
  return { message, options: { integrity: { key: shortTermKey(remote.pwd) }, fingerprint: true } };
}

export type IncomingCheck =
  | { ok: true; priority: number; useCandidate: boolean; peerControlling: boolean | undefined; peerTieBreaker: bigint }
  | { ok: false; code: 400 | 401; reason: string };

function readU64(v: Uint8Array | undefined): bigint | undefined {
  return v?.length === 8 ? new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0) : undefined;
}

/** §7.3 with RFC 8489 §9.1.3: USERNAME must start with our ufrag and the integrity must verify with our password. */
export function readCheck(stun: ParsedStun, local: IceParameters): IncomingCheck {
  const m = stun.message;
  const username = attrText(m, StunAttr.username);
  if (username === undefined || stun.offsets.sha1 === undefined) return { ok: false, code: 400, reason: "no USERNAME or MESSAGE-INTEGRITY" };
  if (!username.startsWith(`${local.ufrag}:`)) return { ok: false, code: 401, reason: "USERNAME is not for our ufrag" };
  if (!verifyIntegrity(stun, shortTermKey(local.pwd))) return { ok: false, code: 401, reason: "MESSAGE-INTEGRITY does not verify" };
  const priority = attr(m, IceAttr.priority);
  if (priority?.length !== 4) return { ok: false, code: 400, reason: "no PRIORITY" };
  const controlling = readU64(attr(m, IceAttr.iceControlling));
  const controlled = readU64(attr(m, IceAttr.iceControlled));
  return {
    ok: true,
    priority: new DataView(priority.buffer, priority.byteOffset, 4).getUint32(0),
    useCandidate: attr(m, IceAttr.useCandidate) !== undefined,
    peerControlling: controlling !== undefined ? true : controlled !== undefined ? false : undefined,
    peerTieBreaker: controlling ?? controlled ?? 0n,
  };
}

/** §7.3.1.4: success with XOR-MAPPED-ADDRESS = where the request came from. */
export function checkSuccess(request: ParsedStun, from: StunPeer, local: IceParameters): Uint8Array {
  const id = request.message.transactionId;
  const family = from.address.includes(":") ? 6 : 4;
  const m: StunMessage = { method: StunMethod.binding, cls: "success", transactionId: id, attributes: [xorAddressAttr(StunAttr.xorMappedAddress, { family, ...from }, id)] };
  return serializeStun(m, { integrity: { key: shortTermKey(local.pwd) }, fingerprint: true });
}

/** An error answer; 487 (role conflict) carries integrity, 400/401 cannot (RFC 8489 §9.1.3). */
export function checkError(request: ParsedStun, code: number, reason: string, local?: IceParameters): Uint8Array {
  const m: StunMessage = { method: StunMethod.binding, cls: "error", transactionId: request.message.transactionId, attributes: [{ type: StunAttr.errorCode, value: encodeErrorCode({ code, reason }) }] };
  return serializeStun(m, { ...(local && { integrity: { key: shortTermKey(local.pwd) } }), fingerprint: true });
}

export const isBindingRequest = (s: ParsedStun): boolean => s.message.method === StunMethod.binding && s.message.cls === "request";

/** §7.3.1.1: both claim the same role; the larger tie-breaker controls. True when we keep ours (and answer 487). */
export const keepsRole = (role: Role, peerTieBreaker: bigint): boolean => (role.controlling ? role.tieBreaker >= peerTieBreaker : role.tieBreaker < peerTieBreaker);
