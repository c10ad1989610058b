// RFC 4568 §9.1 (a=crypto grammar), §6.1 (inline key-params: key||salt in
// base64, lifetime, MKI) and §6.2 (the AES_CM suites). SDES keying for SRTP.
import { randomBytes } from "node:crypto";
import { ParseError } from "../util/errors.js";
import { SRTP_SUITES, isSrtpSuiteName, type SrtpSuiteName } from "../media/srtp/suites.js";
import type { SrtpKeyMaterial } from "../media/srtp/srtp-context.js";

export type CryptoKeyParam = {
  /** Master key followed by master salt. */
  keySalt: Uint8Array;
  /** Packets the key may protect; absent means the suite default. */
  lifetime?: number;
  mki?: { value: number; length: number };
};

export type CryptoAttribute = {
  tag: number;
  suite: string;
  keys: CryptoKeyParam[];
  /** Session parameters (e.g. UNENCRYPTED_SRTCP), kept as written. */
  sessionParams: string[];
};

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseLifetime(text: string, at: number): number {
  const pow = /^2\^(\d{1,2})$/.exec(text);
  if (pow) return 2 ** Number(pow[1]);
  if (/^\d{1,15}$/.test(text)) return Number(text);
  throw new ParseError(`bad crypto lifetime "${text}"`, at);
}

function parseKeyParam(text: string, at: number): CryptoKeyParam {
  if (!text.startsWith("inline:")) throw new ParseError("only inline key-method is defined", at);
  const [b64 = "", ...rest] = text.slice(7).split("|");
  if (!B64.test(b64)) throw new ParseError("crypto key is not base64", at + 7);
  const key: CryptoKeyParam = { keySalt: new Uint8Array(Buffer.from(b64, "base64")) };
  for (const part of rest) {
    // §9.1: MKI is "value:length"; a lifetime has no colon.
    const mki = /^(\d{1,10}):(\d{1,3})$/.exec(part);
    if (mki) {
      const length = Number(mki[2]);
      if (length < 1 || length > 128) throw new ParseError("MKI length must be 1..128", at);
      key.mki = { value: Number(mki[1]), length };
    } else key.lifetime = parseLifetime(part, at);
  }
  return key;
}

/** Parses the value of an `a=crypto:` line (everything after the colon). */
export function parseCryptoAttribute(value: string): CryptoAttribute {
  const fields = value.trim().split(/\s+/);
  const [tagText = "", suite = "", keyParams = "", ...sessionParams] = fields;
  if (!/^\d{1,9}$/.test(tagText)) throw new ParseError("crypto tag must be 1-9 digits", 0);
  if (!suite || !keyParams) throw new ParseError("crypto needs a suite and key parameters", tagText.length);
  const keysAt = value.indexOf(keyParams);
  const keys = keyParams.split(";").map((k) => parseKeyParam(k, keysAt));
  return { tag: Number(tagText), suite, keys, sessionParams };
}

function serializeKeyParam(k: CryptoKeyParam): string {
  let out = `inline:${Buffer.from(k.keySalt).toString("base64")}`;
  if (k.lifetime !== undefined) {
    const log = Math.log2(k.lifetime);
    out += `|${Number.isInteger(log) && log > 10 ? `2^${log}` : k.lifetime}`;
  }
  if (k.mki) out += `|${k.mki.value}:${k.mki.length}`;
  return out;
}

export function serializeCryptoAttribute(a: CryptoAttribute): string {
  return [String(a.tag), a.suite, a.keys.map(serializeKeyParam).join(";"), ...a.sessionParams].join(" ");
}

/** A fresh attribute with a random master key and salt for `suite`. */
export function generateCryptoAttribute(tag: number, suite: SrtpSuiteName): CryptoAttribute {
  const s = SRTP_SUITES[suite];
  return { tag, suite, keys: [{ keySalt: new Uint8Array(randomBytes(s.keyLength + s.saltLength)) }], sessionParams: [] };
}

/**
 * The SRTP key material an attribute describes, or undefined for a suite we
 * do not implement or a key of the wrong length. Uses the first key.
 */
export function cryptoKeyMaterial(a: CryptoAttribute): SrtpKeyMaterial | undefined {
  if (!isSrtpSuiteName(a.suite)) return undefined;
  const s = SRTP_SUITES[a.suite];
  const k = a.keys[0];
  if (!k || k.keySalt.length !== s.keyLength + s.saltLength) return undefined;
  const material: SrtpKeyMaterial = {
    suite: a.suite,
    masterKey: k.keySalt.slice(0, s.keyLength),
    masterSalt: k.keySalt.slice(s.keyLength),
  };
  if (k.lifetime !== undefined) material.lifetime = k.lifetime;
  if (k.mki) {
    const mki = new Uint8Array(k.mki.length);
    let v = k.mki.value;
    for (let i = k.mki.length - 1; i >= 0 && v > 0; i--, v = Math.floor(v / 256)) mki[i] = v % 256;
    material.mki = mki;
  }
  return material;
}

/** sdp-transform's shape of an a=crypto line. */
export type SdpCryptoLine = { id: number; suite: string; config: string; sessionConfig?: string };

export function cryptoFromSdp(line: SdpCryptoLine): CryptoAttribute {
  return parseCryptoAttribute(`${line.id} ${line.suite} ${line.config} ${line.sessionConfig ?? ""}`);
}

export function cryptoToSdp(a: CryptoAttribute): SdpCryptoLine {
  const [, , config = "", ...session] = serializeCryptoAttribute(a).split(" ");
  const line: SdpCryptoLine = { id: a.tag, suite: a.suite, config };
  if (session.length) line.sessionConfig = session.join(" ");
  return line;
}
