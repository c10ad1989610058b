// RFC 8489 §5 (header: class and method bits, magic cookie, transaction ID),
// §14 (attribute TLVs padded to 4 bytes), §14.5/§14.6 (MESSAGE-INTEGRITY and
// -SHA256 placement), §14.7 (FINGERPRINT). Parsing never throws: bad input
// comes back as a typed rejection the caller counts and drops.
import { randomBytes } from "node:crypto";
import { fingerprintOf, integrityOf, type IntegrityAlgorithm } from "./stun-integrity.js";
import { HEADER_LENGTH, MAGIC_COOKIE, StunAttr, type StunAttribute, type StunClass, type StunMessage } from "./stun-types.js";

export type StunRejectReason = "short" | "not-stun" | "length" | "attribute" | "fingerprint";

export type ParsedStun = {
  message: StunMessage;
  /** The datagram as received (integrity checks hash a prefix of it). */
  raw: Uint8Array;
  /** Byte offsets of the integrity/fingerprint attributes, when present. */
  offsets: { sha1?: number; sha256?: number; fingerprint?: number };
};

export type StunParseResult = { ok: true; stun: ParsedStun } | { ok: false; reason: StunRejectReason };

const CLASSES: StunClass[] = ["request", "indication", "success", "error"];

function typeOf(method: number, cls: StunClass): number {
  const c = CLASSES.indexOf(cls);
  // §5: M0-M3 | C0 | M4-M6 | C1 | M7-M11.
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
}

function splitType(t: number): { method: number; cls: StunClass } {
  const method = (t & 0x000f) | ((t & 0x00e0) >> 1) | ((t & 0x3e00) >> 2);
  const c = ((t >> 4) & 1) | ((t >> 7) & 2);
  return { method, cls: CLASSES[c] as StunClass };
}

export function newTransactionId(): Uint8Array {
  return new Uint8Array(randomBytes(12));
}

/** True when the datagram has a STUN header (§5: top bits 00, the cookie, a 4-byte-aligned length). */
export function looksLikeStun(b: Uint8Array): boolean {
  if (b.length < HEADER_LENGTH || (b[0] as number) >> 6 !== 0) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return v.getUint32(4) === MAGIC_COOKIE && v.getUint16(2) % 4 === 0;
}

export function parseStun(b: Uint8Array): StunParseResult {
  if (b.length < HEADER_LENGTH) return { ok: false, reason: "short" };
  if (!looksLikeStun(b)) return { ok: false, reason: "not-stun" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const length = v.getUint16(2);
  if (HEADER_LENGTH + length !== b.length) return { ok: false, reason: "length" };
  const { method, cls } = splitType(v.getUint16(0));
  const attributes: StunAttribute[] = [];
  const offsets: ParsedStun["offsets"] = {};
  let at = HEADER_LENGTH;
  while (at < b.length) {
    if (at + 4 > b.length) return { ok: false, reason: "attribute" };
    const type = v.getUint16(at);
    const len = v.getUint16(at + 2);
    if (at + 4 + len > b.length) return { ok: false, reason: "attribute" };
    // §14.7: FINGERPRINT is last; after MESSAGE-INTEGRITY only -SHA256 and FINGERPRINT count (§14.5).
    if (offsets.fingerprint !== undefined) return { ok: false, reason: "attribute" };
    if (type === StunAttr.messageIntegrity) offsets.sha1 ??= at;
    else if (type === StunAttr.messageIntegritySha256) offsets.sha256 ??= at;
    else if (type === StunAttr.fingerprint) offsets.fingerprint = at;
    if (offsets.sha1 === undefined && offsets.sha256 === undefined) attributes.push({ type, value: b.subarray(at + 4, at + 4 + len) });
    else if (type === StunAttr.messageIntegrity || type === StunAttr.messageIntegritySha256 || type === StunAttr.fingerprint)
      attributes.push({ type, value: b.subarray(at + 4, at + 4 + len) });
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  if (at !== b.length) return { ok: false, reason: "attribute" };
  if (offsets.fingerprint !== undefined && !fingerprintMatches(b, offsets.fingerprint)) return { ok: false, reason: "fingerprint" };
  return { ok: true, stun: { message: { method, cls, transactionId: b.slice(8, 20), attributes }, raw: b, offsets } };
}

function fingerprintMatches(b: Uint8Array, at: number): boolean {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint16(at + 2) !== 4) return false;
  return v.getUint32(at + 4) === fingerprintOf(b.subarray(0, at), at + 8 - HEADER_LENGTH);
}

/** §14.5/§14.6: does the integrity attribute verify with `key`? False when absent. */
export function verifyIntegrity(stun: ParsedStun, key: Uint8Array): boolean {
  const alg: IntegrityAlgorithm = stun.offsets.sha256 !== undefined && stun.offsets.sha1 === undefined ? "sha256" : "sha1";
  const at = alg === "sha1" ? stun.offsets.sha1 : stun.offsets.sha256;
  if (at === undefined) return false;
  const size = alg === "sha1" ? 20 : 32;
  const v = new DataView(stun.raw.buffer, stun.raw.byteOffset, stun.raw.byteLength);
  if (v.getUint16(at + 2) !== size) return false;
  const expected = integrityOf(stun.raw.subarray(0, at), at + 4 + size - HEADER_LENGTH, key, alg);
  const got = stun.raw.subarray(at + 4, at + 4 + size);
  return Buffer.compare(Buffer.from(expected), Buffer.from(got)) === 0;
}

export type SerializeOptions = {
  integrity?: { key: Uint8Array; algorithm?: IntegrityAlgorithm };
  fingerprint?: boolean;
};

function tlv(type: number, value: Uint8Array): Uint8Array {
  const pad = (4 - (value.length % 4)) % 4;
  const out = new Uint8Array(4 + value.length + pad);
  const v = new DataView(out.buffer);
  v.setUint16(0, type);
  v.setUint16(2, value.length);
  out.set(value, 4);
  return out;
}

function header(m: StunMessage, bodyLength: number): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint16(0, typeOf(m.method, m.cls));
  v.setUint16(2, bodyLength);
  v.setUint32(4, MAGIC_COOKIE);
  out.set(m.transactionId.subarray(0, 12), 8);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Header + attributes, then (optionally) MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT, each over what precedes it. */
export function serializeStun(m: StunMessage, options: SerializeOptions = {}): Uint8Array {
  let body = concat(m.attributes.map((a) => tlv(a.type, a.value)));
  if (options.integrity) {
    const alg = options.integrity.algorithm ?? "sha1";
    const size = alg === "sha1" ? 20 : 32;
    const prefix = concat([header(m, body.length), body]);
    const mac = integrityOf(prefix, body.length + 4 + size, options.integrity.key, alg);
    body = concat([body, tlv(alg === "sha1" ? StunAttr.messageIntegrity : StunAttr.messageIntegritySha256, mac)]);
  }
  if (options.fingerprint) {
    const prefix = concat([header(m, body.length), body]);
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, fingerprintOf(prefix, body.length + 8));
    body = concat([body, tlv(StunAttr.fingerprint, crc)]);
  }
  return concat([header(m, body.length), body]);
}
