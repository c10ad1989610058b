// RFC 8489 §5 (message structure), §14 (attribute type registry), §18 (IANA
// numbers); RFC 8656 §18 (TURN methods and attributes).

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;

export type StunClass = "request" | "indication" | "success" | "error";

export const StunMethod = {
  binding: 0x001,
  allocate: 0x003,
  refresh: 0x004,
  send: 0x006,
  data: 0x007,
  createPermission: 0x008,
  channelBind: 0x009,
} as const;

export const StunAttr = {
  mappedAddress: 0x0001,
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  unknownAttributes: 0x000a,
  channelNumber: 0x000c,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  data: 0x0013,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
  messageIntegritySha256: 0x001c,
  passwordAlgorithm: 0x001d,
  userhash: 0x001e,
  software: 0x8022,
  alternateServer: 0x8023,
  fingerprint: 0x8028,
  passwordAlgorithms: 0x8002,
  alternateDomain: 0x8003,
} as const;

/** RFC 8489 §14: attributes 0x0000-0x7FFF are comprehension-required. */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

export type StunAttribute = { type: number; value: Uint8Array };

export type StunMessage = {
  method: number;
  cls: StunClass;
  /** 12 bytes (RFC 8489 §5). */
  transactionId: Uint8Array;
  attributes: StunAttribute[];
};

export type TransportAddress = { family: 4 | 6; address: string; port: number };
