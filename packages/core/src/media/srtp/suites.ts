// RFC 3711 §8.2 default transforms, named as RFC 4568 §6.2 names them.

export type SrtpSuiteName = "AES_CM_128_HMAC_SHA1_80" | "AES_CM_128_HMAC_SHA1_32";

export type SrtpSuite = {
  name: SrtpSuiteName;
  /** Master (and session) encryption key length in bytes. */
  keyLength: number;
  /** Master (and session) salt length in bytes. */
  saltLength: number;
  /** Session authentication key length in bytes (HMAC-SHA1: 160 bits). */
  authKeyLength: number;
  rtpTagLength: number;
  /** RFC 4568 §6.2.2: SRTCP keeps an 80-bit tag even for the _32 suite. */
  rtcpTagLength: number;
};

export const SRTP_SUITES: Record<SrtpSuiteName, SrtpSuite> = {
  AES_CM_128_HMAC_SHA1_80: { name: "AES_CM_128_HMAC_SHA1_80", keyLength: 16, saltLength: 14, authKeyLength: 20, rtpTagLength: 10, rtcpTagLength: 10 },
  AES_CM_128_HMAC_SHA1_32: { name: "AES_CM_128_HMAC_SHA1_32", keyLength: 16, saltLength: 14, authKeyLength: 20, rtpTagLength: 4, rtcpTagLength: 10 },
};

export function isSrtpSuiteName(name: string): name is SrtpSuiteName {
  return Object.hasOwn(SRTP_SUITES, name);
}
