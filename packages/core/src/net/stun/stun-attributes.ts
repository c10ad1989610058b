// RFC 8489 §14.1 (MAPPED-ADDRESS), §14.2 (XOR-MAPPED-ADDRESS; also TURN's
// XOR-PEER-/XOR-RELAYED-ADDRESS), §14.8 (ERROR-CODE), §14.9 (REALM), §14.10
// (NONCE), §14.13 (UNKNOWN-ATTRIBUTES), §14.14 (SOFTWARE), §14.3 (USERNAME).
// Decoders return undefined on malformed values: the caller drops the message.
import { isIP } from "node:net";
import { MAGIC_COOKIE, StunAttr, type StunAttribute, type StunMessage, type TransportAddress } from "./stun-types.js";

const COOKIE = new Uint8Array([0x21, 0x12, 0xa4, 0x42]);

function ipBytes(address: string): Uint8Array {
  if (isIP(address) === 4) return new Uint8Array(address.split(".").map(Number));
  const full = expandV6(address);
  const out = new Uint8Array(16);
  full.forEach((g, i) => new DataView(out.buffer).setUint16(i * 2, g));
  return out;
}

function expandV6(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const h = head ? head.split(":").map((g) => parseInt(g, 16)) : [];
  const t = tail ? tail.split(":").map((g) => parseInt(g, 16)) : [];
  return tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function ipString(b: Uint8Array): string {
  if (b.length === 4) return [...b].join(".");
  const v = new DataView(b.buffer, b.byteOffset, 16);
  const full = Array.from({ length: 8 }, (_, i) => v.getUint16(i * 2).toString(16)).join(":");
  // The WHATWG URL parser writes IPv6 in its canonical (RFC 5952) form.
  return new URL(`http://[${full}]/`).hostname.slice(1, -1);
}

function xorBytes(ip: Uint8Array, transactionId: Uint8Array): Uint8Array {
  const mask = new Uint8Array([...COOKIE, ...transactionId]);
  return ip.map((x, i) => x ^ (mask[i] as number));
}

export function encodeAddress(a: TransportAddress, xor?: { transactionId: Uint8Array }): Uint8Array {
  const ip = ipBytes(a.address);
  const out = new Uint8Array(4 + ip.length);
  const v = new DataView(out.buffer);
  v.setUint8(1, ip.length === 4 ? 0x01 : 0x02);
  v.setUint16(2, xor ? a.port ^ (MAGIC_COOKIE >>> 16) : a.port);
  out.set(xor ? xorBytes(ip, xor.transactionId) : ip, 4);
  return out;
}

export function decodeAddress(value: Uint8Array, xor?: { transactionId: Uint8Array }): TransportAddress | undefined {
  if (value.length < 4) return undefined;
  const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const family = v.getUint8(1);
  const size = family === 0x01 ? 4 : family === 0x02 ? 16 : 0;
  if (!size || value.length !== 4 + size) return undefined;
  const raw = value.subarray(4, 4 + size);
  const port = xor ? v.getUint16(2) ^ (MAGIC_COOKIE >>> 16) : v.getUint16(2);
  return { family: size === 4 ? 4 : 6, address: ipString(xor ? xorBytes(raw, xor.transactionId) : raw), port };
}

export type StunErrorCode = { code: number; reason: string };

export function encodeErrorCode(e: StunErrorCode): Uint8Array {
  const reason = Buffer.from(e.reason, "utf8");
  const out = new Uint8Array(4 + reason.length);
  out[2] = Math.floor(e.code / 100);
  out[3] = e.code % 100;
  out.set(reason, 4);
  return out;
}

export function decodeErrorCode(value: Uint8Array): StunErrorCode | undefined {
  if (value.length < 4) return undefined;
  const cls = (value[2] as number) & 0x07;
  const num = value[3] as number;
  if (cls < 3 || cls > 6 || num > 99) return undefined;
  return { code: cls * 100 + num, reason: Buffer.from(value.subarray(4)).toString("utf8") };
}

export function encodeUnknownAttributes(types: number[]): Uint8Array {
  const out = new Uint8Array(types.length * 2);
  types.forEach((t, i) => new DataView(out.buffer).setUint16(i * 2, t));
  return out;
}

export function decodeUnknownAttributes(value: Uint8Array): number[] {
  const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: Math.floor(value.length / 2) }, (_, i) => v.getUint16(i * 2));
}

export const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));
export const decodeText = (v: Uint8Array): string => Buffer.from(v).toString("utf8");

export function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function decodeU32(v: Uint8Array): number | undefined {
  return v.length === 4 ? new DataView(v.buffer, v.byteOffset, 4).getUint32(0) : undefined;
}

export function attr(m: StunMessage, type: number): Uint8Array | undefined {
  return m.attributes.find((a) => a.type === type)?.value;
}

export function attrText(m: StunMessage, type: number): string | undefined {
  const v = attr(m, type);
  return v && decodeText(v);
}

/** XOR-MAPPED-ADDRESS first, MAPPED-ADDRESS from old servers (RFC 8489 §14.1). */
export function mappedAddress(m: StunMessage): TransportAddress | undefined {
  const x = attr(m, StunAttr.xorMappedAddress);
  if (x) return decodeAddress(x, m);
  const plain = attr(m, StunAttr.mappedAddress);
  return plain && decodeAddress(plain);
}

export function errorCode(m: StunMessage): StunErrorCode | undefined {
  const v = attr(m, StunAttr.errorCode);
  return v && decodeErrorCode(v);
}

export const xorAddressAttr = (type: number, a: TransportAddress, transactionId: Uint8Array): StunAttribute => ({
  type,
  value: encodeAddress(a, { transactionId }),
});
