// RFC 8489 §9.2.2 (long-term key = MD5(username ":" realm ":" password)),
// §9.1.1 (short-term key = the password), §14.5/§14.6 (HMAC over the message
// with its length field set as if the integrity attribute ended it), §14.7
// (FINGERPRINT = CRC-32 XOR 0x5354554e).
import { createHash, createHmac } from "node:crypto";
import { crc32 } from "node:zlib";

export type IntegrityAlgorithm = "sha1" | "sha256";

/** §9.2.2 with MD5 (the default password algorithm). TODO(RFC 8489 §9.2.2): OpaqueString preparation of non-ASCII credentials. */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return new Uint8Array(createHash("md5").update(`${username}:${realm}:${password}`, "utf8").digest());
}

export function shortTermKey(password: string): Uint8Array {
  return new Uint8Array(Buffer.from(password, "utf8"));
}

/** Copies `prefix` (header + attributes before the one being computed) with its length field set to `length`. */
function withLength(prefix: Uint8Array, length: number): Uint8Array {
  const copy = new Uint8Array(prefix);
  new DataView(copy.buffer).setUint16(2, length);
  return copy;
}

export function integrityOf(prefix: Uint8Array, length: number, key: Uint8Array, alg: IntegrityAlgorithm): Uint8Array {
  return new Uint8Array(createHmac(alg, key).update(withLength(prefix, length)).digest());
}

export function fingerprintOf(prefix: Uint8Array, length: number): number {
  return (crc32(withLength(prefix, length)) ^ 0x5354554e) >>> 0;
}
