// RFC 3711 §4.1.1 (AES in counter mode) and §4.3.1 (session key derivation,
// labels per §4.3.2 for SRTP and SRTCP).
import { createCipheriv } from "node:crypto";

/** §4.1.1: AES-CM keystream XORed over `data`, counter block starting at `iv`. */
export function aesCmCrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const cipher = createCipheriv("aes-128-ctr", key, iv);
  const out = cipher.update(data);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The first `length` bytes of AES-CM keystream from `iv`. */
export function aesCmKeystream(key: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  return aesCmCrypt(key, iv, new Uint8Array(length));
}

export type SessionKeys = { encKey: Uint8Array; authKey: Uint8Array; salt: Uint8Array };

export const LABEL_RTP_ENC = 0;
export const LABEL_RTP_AUTH = 1;
export const LABEL_RTP_SALT = 2;
export const LABEL_RTCP_ENC = 3;
export const LABEL_RTCP_AUTH = 4;
export const LABEL_RTCP_SALT = 5;

/**
 * §4.3.1: key_id = label || (index DIV kdr), x = key_id XOR master_salt, and
 * the session key is the AES-CM keystream of the master key from IV x * 2^16.
 * With kdr = 0 (the default, keys derived once), r is 0.
 */
export function deriveKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number, r = 0): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(masterSalt.subarray(0, 14));
  // key_id is 56 bits (label in the top 8, r in the low 48), right-aligned in the 112-bit salt.
  iv[7] = (iv[7] as number) ^ label;
  for (let i = 0; i < 6; i++) iv[13 - i] = (iv[13 - i] as number) ^ Math.floor(r / 2 ** (8 * i)) % 256;
  return aesCmKeystream(masterKey, iv, length);
}

export function deriveSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  lengths: { keyLength: number; authKeyLength: number; saltLength: number },
  rtcp: boolean,
): SessionKeys {
  const base = rtcp ? LABEL_RTCP_ENC : LABEL_RTP_ENC;
  return {
    encKey: deriveKey(masterKey, masterSalt, base, lengths.keyLength),
    authKey: deriveKey(masterKey, masterSalt, base + 1, lengths.authKeyLength),
    salt: deriveKey(masterKey, masterSalt, base + 2, lengths.saltLength),
  };
}

/** §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i a 48-bit index. */
export function packetIv(salt: Uint8Array, ssrc: number, index: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(salt.subarray(0, 14));
  const dv = new DataView(iv.buffer);
  dv.setUint32(4, dv.getUint32(4) ^ ssrc);
  const hi = Math.floor(index / 2 ** 32);
  dv.setUint16(8, dv.getUint16(8) ^ (hi & 0xffff));
  dv.setUint32(10, (dv.getUint32(10) ^ index) >>> 0);
  return iv;
}
