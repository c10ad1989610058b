// RFC 4566 §5.2 / §5.7 (o= and c= with IP6), RFC 3605 (a=rtcp with IP6), RFC 5118 §4.6-4.7 (SDP of
// IPv6 peers): offers and answers on an IPv6 media address, and IPv6 peers' addresses read back.
import { describe, expect, it } from "vitest";
import { applyAnswer, createAnswer, createOffer } from "./offer-answer.js";
import { createSdpLocalState } from "./local-state.js";
import type { LocalCapabilities } from "./types.js";

const sdp = (...lines: string[]) => lines.join("\r\n") + "\r\n";
const audio = (address: string): LocalCapabilities => ({
  address,
  media: [{ kind: "audio", port: 40000, codecs: [{ name: "PCMU", clockRate: 8000, payloadType: 0 }], telephoneEvents: [{ payloadType: 101, clockRate: 8000 }] }],
});
const PEER6 = sdp("v=0", "o=bob 1 1 IN IP6 2001:db8::20", "s=-", "c=IN IP6 2001:db8::20", "t=0 0", "m=audio 30040 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=rtcp:30051 IN IP6 2001:db8::21");

describe("SDP on IPv6", () => {
  it("an offer from ::1 says IN IP6 in o= and c=", () => {
    const offer = createOffer(audio("::1"), createSdpLocalState());
    expect(offer).toMatch(/^o=- \d+ \d+ IN IP6 ::1\r$/m);
    expect(offer).toMatch(/^c=IN IP6 ::1\r$/m);
    expect(offer).not.toMatch(/IP4/);
  });

  it("an answer to an IPv6 peer reads its address and a=rtcp; ours is IPv6 too", () => {
    const a = createAnswer(PEER6, audio("2001:db8::10"), createSdpLocalState());
    expect(a.sdp).toMatch(/^c=IN IP6 2001:db8::10\r$/m);
    expect(a.media[0]).toMatchObject({ remoteAddress: "2001:db8::20", remotePort: 30040, remoteRtcpPort: 30051 });
  });

  it("an answer with c=IN IP6 to our IPv6 offer gives the peer's IPv6 address", () => {
    const state = createSdpLocalState();
    const offer = createOffer(audio("::1"), state);
    const answer = sdp("v=0", "o=bob 1 1 IN IP6 ::1", "s=-", "c=IN IP6 ::1", "t=0 0", "m=audio 30042 RTP/AVP 0", "a=rtpmap:0 PCMU/8000");
    expect(applyAnswer(offer, answer)[0]).toMatchObject({ remoteAddress: "::1", remotePort: 30042 });
  });

  it("a media-level c= overrides the session's, in either family (RFC 4566 §5.7)", () => {
    const mixed = sdp("v=0", "o=bob 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 30040 RTP/AVP 0", "c=IN IP6 2001:db8::30", "a=rtpmap:0 PCMU/8000");
    expect(createAnswer(mixed, audio("2001:db8::10"), createSdpLocalState()).media[0]).toMatchObject({ remoteAddress: "2001:db8::30" });
  });
});
