import { describe, expect, it } from "vitest";
import { SrtpContext } from "../media/srtp/srtp-context.js";
import { cryptoKeyMaterial, generateCryptoAttribute, parseCryptoAttribute, serializeCryptoAttribute } from "./crypto-attribute.js";

// RFC 4568 §4 example attribute.
const EXAMPLE = "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4";

describe("a=crypto (RFC 4568)", () => {
  it("parses the RFC 4568 example", () => {
    const a = parseCryptoAttribute(EXAMPLE);
    expect(a.tag).toBe(1);
    expect(a.suite).toBe("AES_CM_128_HMAC_SHA1_80");
    expect(a.keys).toHaveLength(1);
    expect(a.keys[0]!.keySalt.length).toBe(30);
    expect(a.keys[0]!.lifetime).toBe(2 ** 20);
    expect(a.keys[0]!.mki).toEqual({ value: 1, length: 4 });
    expect(serializeCryptoAttribute(a)).toBe(EXAMPLE);
  });

  it("parses several keys and session parameters, and a decimal lifetime", () => {
    const a = parseCryptoAttribute("2 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1000;inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2:1 UNENCRYPTED_SRTCP");
    expect(a.keys.map((k) => k.lifetime)).toEqual([1000, undefined]);
    expect(a.keys[1]!.mki).toEqual({ value: 2, length: 1 });
    expect(a.sessionParams).toEqual(["UNENCRYPTED_SRTCP"]);
  });

  it("rejects malformed attributes with ParseError", () => {
    expect(() => parseCryptoAttribute("x AES_CM_128_HMAC_SHA1_80 inline:AAAA")).toThrow(/tag/);
    expect(() => parseCryptoAttribute("1 AES_CM_128_HMAC_SHA1_80")).toThrow(/key parameters/);
    expect(() => parseCryptoAttribute("1 AES_CM_128_HMAC_SHA1_80 uri:foo")).toThrow(/inline/);
    expect(() => parseCryptoAttribute("1 AES_CM_128_HMAC_SHA1_80 inline:!!!")).toThrow(/base64/);
    expect(() => parseCryptoAttribute("1 AES_CM_128_HMAC_SHA1_80 inline:AAAA|2^x")).toThrow(/lifetime/);
  });

  it("generates a usable key and turns it into SRTP key material with the MKI", () => {
    const a = generateCryptoAttribute(1, "AES_CM_128_HMAC_SHA1_80");
    const back = parseCryptoAttribute(serializeCryptoAttribute(a));
    expect(back.keys[0]!.keySalt).toEqual(a.keys[0]!.keySalt);
    const m = cryptoKeyMaterial(parseCryptoAttribute(EXAMPLE))!;
    expect(m.masterKey.length).toBe(16);
    expect(m.masterSalt.length).toBe(14);
    expect(Array.from(m.mki!)).toEqual([0, 0, 0, 1]);
    expect(() => new SrtpContext(m)).not.toThrow();
    expect(cryptoKeyMaterial({ ...a, suite: "F8_128_HMAC_SHA1_80" })).toBeUndefined();
    expect(cryptoKeyMaterial({ ...a, keys: [{ keySalt: new Uint8Array(10) }] })).toBeUndefined();
  });
});
