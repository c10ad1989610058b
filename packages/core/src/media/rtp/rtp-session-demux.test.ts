// RFC 7983 §7 on the RTP session's ports: a peer's STUN binding requests (as
// linphonec sends them) and DTLS records are counted by class, not as
// malformed RTP, RTCP or SRTP.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { newTransactionId, serializeStun } from "../../net/stun/stun-message.js";
import { StunAttr, StunMethod } from "../../net/stun/stun-types.js";
import { text } from "../../net/stun/stun-attributes.js";
import { createPcmuCodec } from "../codecs/g711.js";
import { RtpSession, type DatagramSocket } from "./rtp-session.js";

type Listener = (msg: Buffer, rinfo: { address: string; port: number }) => void;

function fakeSocket(): DatagramSocket & { deliver(b: Uint8Array): void } {
  let fn: Listener | undefined;
  return {
    on: (_e: "message", l: Listener) => (fn = l),
    send: () => undefined,
    close: () => undefined,
    deliver: (b: Uint8Array) => fn?.(Buffer.from(b), { address: "192.0.2.7", port: 40000 }),
  } as DatagramSocket & { deliver(b: Uint8Array): void };
}

const binding = (): Uint8Array =>
  serializeStun(
    { method: StunMethod.binding, cls: "request", transactionId: newTransactionId(), attributes: [{ type: StunAttr.username, value: text("a:b") }] },
    { fingerprint: true },
  );

const dtlsHello = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

describe("RtpSession: STUN and DTLS on the media ports", () => {
  for (const keyed of [false, true]) {
    it(`counts them as stun and dtls${keyed ? " with SRTP keys" : ""}`, () => {
      const rtp = fakeSocket();
      const rtcp = fakeSocket();
      const key = { suite: "AES_CM_128_HMAC_SHA1_80" as const, masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2) };
      const session = RtpSession.fromSockets(
        { clock: new FakeClock(), codec: createPcmuCodec(), remote: { rtp: { address: "192.0.2.7", port: 40000 } }, ...(keyed && { srtp: { local: key, remote: key } }) },
        rtp,
        rtcp,
        30000,
      );
      rtp.deliver(binding());
      rtp.deliver(binding());
      rtcp.deliver(binding());
      rtp.deliver(dtlsHello);
      expect(session.rejected).toEqual({ stun: 3, dtls: 1 });
      session.close();
    });
  }
});
