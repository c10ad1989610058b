import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../bytes.js";
import { serializeRtcp } from "../rtp/rtcp-packet.js";
import { parseRtp, serializeRtp } from "../rtp/rtp-packet.js";
import { aesCmKeystream, deriveKey, LABEL_RTP_AUTH, LABEL_RTP_ENC, LABEL_RTP_SALT } from "./key-derivation.js";
import { ReplayWindow } from "./replay-window.js";
import { estimateIndex, SrtpContext, type SrtpKeyMaterial } from "./srtp-context.js";

describe("RFC 3711 Appendix B.2: AES-CM keystream", () => {
  const key = hexToBytes("2B7E151628AED2A6ABF7158809CF4F3C");
  const iv = hexToBytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  it("matches the first three and last three blocks", () => {
    const blocks = 0xff02;
    const ks = aesCmKeystream(key, iv, 16 * blocks);
    const block = (n: number) => bytesToHex(ks.subarray(16 * n, 16 * n + 16)).toUpperCase();
    expect(block(0)).toBe("E03EAD0935C95E80E166B16DD92B4EB4");
    expect(block(1)).toBe("D23513162B02D0F72A43A2FE4A5F97AB");
    expect(block(2)).toBe("41E95B3BB0A2E8DD477901E4FCA894C0");
    // Counters ...FCFDFEFF, ...FCFDFF00, ...FCFDFF01.
    expect(block(0xfeff)).toBe("EC8CDF7398607CB0F2D21675EA9EA1E4");
    expect(block(0xff00)).toBe("362B7C3C6773516318A077D7FC5073AE");
    expect(block(0xff01)).toBe("6A2CC3787889374FBEB4C81B17BA6C44");
  });
  it("agrees with AES-ECB applied to each counter block (the definition, computed a second way)", () => {
    const ks = aesCmKeystream(key, iv, 16 * 300);
    for (const n of [0, 1, 255, 256, 299]) {
      const counter = iv.slice();
      const dv = new DataView(counter.buffer);
      dv.setUint16(14, n);
      const ecb = createCipheriv("aes-128-ecb", key, null).update(counter);
      expect(bytesToHex(ks.subarray(16 * n, 16 * n + 16))).toBe(ecb.toString("hex"));
    }
  });
});

describe("RFC 3711 Appendix B.3: key derivation", () => {
  const masterKey = hexToBytes("E1F97A0D3E018BE0D64FA32C06DE4139");
  const masterSalt = hexToBytes("0EC675AD498AFEEBB6960B3AABE6");
  it("derives the session encryption key, salt and auth key", () => {
    expect(bytesToHex(deriveKey(masterKey, masterSalt, LABEL_RTP_ENC, 16)).toUpperCase()).toBe("C61E7A93744F39EE10734AFE3FF7A087");
    expect(bytesToHex(deriveKey(masterKey, masterSalt, LABEL_RTP_SALT, 14)).toUpperCase()).toBe("30CBBC08863D8C85D49DB34A9AE1");
    expect(bytesToHex(deriveKey(masterKey, masterSalt, LABEL_RTP_AUTH, 20)).toUpperCase()).toBe("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
  });
});

describe("ROC estimation (RFC 3711 Appendix A)", () => {
  it("guesses the rollover around the wrap", () => {
    expect(estimateIndex(10, 65530, 0)).toBe(65536 + 10);
    expect(estimateIndex(65530, 10, 1)).toBe(65530);
    expect(estimateIndex(100, 90, 3)).toBe(3 * 65536 + 100);
    expect(estimateIndex(40000, 39000, 2)).toBe(2 * 65536 + 40000);
  });
});

describe("ReplayWindow", () => {
  it("rejects replays and indices older than the window", () => {
    const w = new ReplayWindow(64);
    expect(w.check(100)).toBe("new");
    w.accept(100);
    expect(w.check(100)).toBe("replay");
    expect(w.check(99)).toBe("new");
    w.accept(99);
    w.accept(200);
    expect(w.check(99)).toBe("too-old");
    expect(w.check(137)).toBe("new");
    expect(w.check(136)).toBe("too-old");
    w.accept(150);
    expect(w.check(150)).toBe("replay");
    // Sliding ahead clears the slots it passes: 214 shares 150's slot.
    w.accept(250);
    expect(w.check(214)).toBe("new");
    expect(w.check(150)).toBe("too-old");
  });
});

function keyMaterial(suite: SrtpKeyMaterial["suite"], fill: number, mki?: Uint8Array): SrtpKeyMaterial {
  return { suite, masterKey: new Uint8Array(16).fill(fill), masterSalt: new Uint8Array(14).fill(fill + 1), ...(mki ? { mki } : {}) };
}

function rtp(seq: number, payload = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), ssrc = 0xdecafbad): Uint8Array {
  return serializeRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrc: [], payload, padding: 0 });
}

describe("SrtpContext", () => {
  for (const suite of ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"] as const) {
    it(`round-trips RTP with ${suite}, payload encrypted, header clear`, () => {
      const tx = new SrtpContext(keyMaterial(suite, 7));
      const rx = new SrtpContext(keyMaterial(suite, 7));
      const plain = rtp(1);
      const p = tx.protectRtp(plain);
      expect(p.ok).toBe(true);
      if (!p.ok) return;
      expect(p.packet.length).toBe(plain.length + (suite.endsWith("80") ? 10 : 4));
      expect(bytesToHex(p.packet.subarray(0, 12))).toBe(bytesToHex(plain.subarray(0, 12)));
      expect(bytesToHex(p.packet.subarray(12, 20))).not.toBe(bytesToHex(plain.subarray(12)));
      const u = rx.unprotectRtp(p.packet);
      expect(u.ok && bytesToHex(u.packet)).toBe(bytesToHex(plain));
    });
  }

  it("detects tampering and a wrong key", () => {
    const tx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 1));
    const p = tx.protectRtp(rtp(5));
    if (!p.ok) throw new Error("protect failed");
    const bad = p.packet.slice();
    bad[14] = (bad[14] as number) ^ 1;
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 1)).unprotectRtp(bad)).toEqual({ ok: false, reason: "auth" });
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 2)).unprotectRtp(p.packet)).toEqual({ ok: false, reason: "auth" });
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 1)).unprotectRtp(p.packet.subarray(0, 15))).toEqual({ ok: false, reason: "short" });
  });

  it("rejects replays, accepts reordering within the window", () => {
    const tx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 3));
    const rx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 3));
    const packets = [10, 11, 12, 13].map((s) => tx.protectRtp(rtp(s))).map((r) => (r.ok ? r.packet : new Uint8Array()));
    expect(rx.unprotectRtp(packets[0]!).ok).toBe(true);
    expect(rx.unprotectRtp(packets[2]!).ok).toBe(true);
    expect(rx.unprotectRtp(packets[1]!).ok).toBe(true);
    expect(rx.unprotectRtp(packets[2]!)).toEqual({ ok: false, reason: "replay" });
    expect(rx.unprotectRtp(packets[3]!).ok).toBe(true);
  });

  it("carries the ROC across a 65535 -> 0 wrap, both sides agreeing", () => {
    const tx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_32", 4));
    const rx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_32", 4));
    for (let i = 0; i < 20; i++) {
      const seq = (65530 + i) & 0xffff;
      const plain = rtp(seq, new Uint8Array([i, i, i, i]));
      const p = tx.protectRtp(plain);
      if (!p.ok) throw new Error("protect failed");
      const u = rx.unprotectRtp(p.packet);
      expect(u.ok, `seq ${seq}`).toBe(true);
      if (u.ok) {
        const parsed = parseRtp(u.packet);
        expect(parsed.ok && Array.from(parsed.packet.payload)).toEqual([i, i, i, i]);
      }
    }
    expect(tx.rocOf(0xdecafbad)).toBe(1);
    expect(rx.rocOf(0xdecafbad)).toBe(1);
  });

  it("handles MKI: sends it and refuses a packet with another", () => {
    const mki = new Uint8Array([0, 1]);
    const tx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 5, mki));
    const p = tx.protectRtp(rtp(1));
    if (!p.ok) throw new Error("protect failed");
    expect(bytesToHex(p.packet.subarray(20, 22))).toBe("0001");
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 5, mki)).unprotectRtp(p.packet).ok).toBe(true);
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 5, new Uint8Array([0, 2]))).unprotectRtp(p.packet)).toEqual({ ok: false, reason: "mki" });
  });

  it("stops protecting after the key lifetime", () => {
    const tx = new SrtpContext({ ...keyMaterial("AES_CM_128_HMAC_SHA1_80", 6), lifetime: 2 });
    expect(tx.protectRtp(rtp(1)).ok).toBe(true);
    expect(tx.protectRtp(rtp(2)).ok).toBe(true);
    expect(tx.protectRtp(rtp(3))).toEqual({ ok: false, reason: "key-expired" });
  });
});

describe("SRTCP", () => {
  const compound = serializeRtcp([
    { type: "rr", ssrc: 0x01020304, reports: [] },
    { type: "sdes", chunks: [{ ssrc: 0x01020304, items: [{ type: 1, text: "cusax@test" }] }] },
  ]);

  it("round-trips with the E flag and an increasing index; SRTCP tag is 80 bits for _32", () => {
    const tx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_32", 9));
    const rx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_32", 9));
    const a = tx.protectRtcp(compound);
    const b = tx.protectRtcp(compound);
    if (!a.ok || !b.ok) throw new Error("protect failed");
    expect(a.packet.length).toBe(compound.length + 4 + 10);
    expect(bytesToHex(a.packet.subarray(compound.length, compound.length + 4))).toBe("80000000");
    expect(bytesToHex(b.packet.subarray(compound.length, compound.length + 4))).toBe("80000001");
    expect(bytesToHex(a.packet.subarray(0, 8))).toBe(bytesToHex(compound.subarray(0, 8)));
    const u = rx.unprotectRtcp(a.packet);
    expect(u.ok && bytesToHex(u.packet)).toBe(bytesToHex(compound));
    expect(rx.unprotectRtcp(a.packet)).toEqual({ ok: false, reason: "replay" });
    expect(rx.unprotectRtcp(b.packet).ok).toBe(true);
  });

  it("detects tampering, including a flipped E flag", () => {
    const tx = new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 9));
    const a = tx.protectRtcp(compound);
    if (!a.ok) throw new Error("protect failed");
    const flipped = a.packet.slice();
    flipped[compound.length] = (flipped[compound.length] as number) ^ 0x80;
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 9)).unprotectRtcp(flipped)).toEqual({ ok: false, reason: "auth" });
    const body = a.packet.slice();
    body[10] = (body[10] as number) ^ 0xff;
    expect(new SrtpContext(keyMaterial("AES_CM_128_HMAC_SHA1_80", 9)).unprotectRtcp(body)).toEqual({ ok: false, reason: "auth" });
  });
});
