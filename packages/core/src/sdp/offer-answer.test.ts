import { describe, expect, it } from "vitest";
import { createAnswer, applyAnswer, createOffer, parseSdp } from "./offer-answer.js";
import { createSdpLocalState } from "./local-state.js";
import type { LocalCapabilities, MediaCapability } from "./types.js";

const sdp = (...lines: string[]) => lines.join("\r\n") + "\r\n";

const AUDIO: MediaCapability = {
  kind: "audio",
  port: 40000,
  codecs: [
    { name: "opus", clockRate: 48000, channels: 2, payloadType: 111, fmtp: "useinbandfec=1" },
    { name: "PCMU", clockRate: 8000, payloadType: 0 },
    { name: "PCMA", clockRate: 8000, payloadType: 8 },
  ],
  telephoneEvents: [
    { payloadType: 101, clockRate: 8000 },
    { payloadType: 102, clockRate: 48000 },
  ],
  ptime: 20,
  srtp: "offer",
};
const VIDEO: MediaCapability = { kind: "video", port: 40002, codecs: [{ name: "VP8", clockRate: 90000, payloadType: 96 }] };
const US: LocalCapabilities = { address: "127.0.0.1", media: [AUDIO, VIDEO] };

const HEAD = ["v=0", "o=peer 100 200 IN IP4 127.0.0.9", "s=-", "c=IN IP4 127.0.0.9", "t=0 0"];

const BARESIP = sdp(
  ...HEAD,
  "m=audio 30040 RTP/AVP 0 8 101",
  "b=AS:64",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=ptime:20",
  "a=sendrecv",
  "a=rtcp-rsize",
  "a=ssrc:1234567 cname:sip:bob@127.0.0.1",
);

// Static PCMU/PCMA without rtpmap lines, dynamic PTs that differ from ours.
const LINPHONE = sdp(
  ...HEAD,
  "m=audio 7078 RTP/AVP 96 97 0 8 101 100",
  "a=rtpmap:96 opus/48000/2",
  "a=fmtp:96 useinbandfec=1",
  "a=rtpmap:97 speex/16000",
  "a=rtpmap:101 telephone-event/48000",
  "a=rtpmap:100 telephone-event/8000",
  "a=rtcp:7079 IN IP4 127.0.0.9",
  "a=rtcp-fb:* trr-int 1000",
);

const PCMA_ONLY = sdp(...HEAD, "m=audio 5000 RTP/AVP 8", "a=rtpmap:8 PCMA/8000");
const OPUS_ONLY = sdp(...HEAD, "m=audio 5000 RTP/AVP 107", "a=rtpmap:107 OPUS/48000/2", "a=ptime:40");
const G729_ONLY = sdp(...HEAD, "m=audio 5000 RTP/AVP 18", "a=rtpmap:18 G729/8000");
const WITH_VIDEO = sdp(
  ...HEAD,
  "m=audio 5000 RTP/AVP 0",
  "m=video 5002 RTP/AVP 102 100",
  "a=rtpmap:102 H264/90000",
  "a=rtpmap:100 VP8/90000",
  "a=rtcp-fb:100 nack pli",
);
const VIDEO_FIRST = sdp(...HEAD, "m=video 5002 RTP/AVP 100", "a=rtpmap:100 VP8/90000", "m=audio 5000 RTP/AVP 0", "m=audio 5004 RTP/AVP 0");
const KEY80 = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
const CRYPTO = sdp(
  ...HEAD,
  "m=audio 5000 RTP/SAVP 0",
  `a=crypto:1 F8_128_HMAC_SHA1_80 ${KEY80}`,
  `a=crypto:2 AES_CM_128_HMAC_SHA1_32 ${KEY80}`,
  `a=crypto:3 AES_CM_128_HMAC_SHA1_80 ${KEY80}`,
);
const SAVP_NO_SUITE = sdp(...HEAD, "m=audio 5000 RTP/SAVP 0", `a=crypto:1 F8_128_HMAC_SHA1_80 ${KEY80}`);
const hold = (dir: string) => sdp(...HEAD, "m=audio 5000 RTP/AVP 0", `a=${dir}`);
const OLD_HOLD = sdp("v=0", "o=peer 100 201 IN IP4 127.0.0.9", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 5000 RTP/AVP 0");
const SESSION_LEVEL_HOLD = sdp(...HEAD, "a=sendonly", "m=audio 5000 RTP/AVP 0");

type Row = {
  name: string;
  offer: string;
  lines: string[][]; // expected substrings per answer m-line
  expect: { port: number; send?: number; recv?: number; codec?: string; te?: number; direction?: string; srtp?: string; ptime?: number }[];
};

const TABLE: Row[] = [
  {
    name: "baresip-style PCMU/PCMA/telephone-event",
    offer: BARESIP,
    lines: [["m=audio 40000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000", "a=sendrecv", "a=rtcp:40001", "a=ptime:20"]],
    expect: [{ port: 40000, send: 0, recv: 0, codec: "PCMU", te: 101, direction: "sendrecv", ptime: 20 }],
  },
  {
    name: "Linphone-style: dynamic PTs mapped to the offer's, static PTs without rtpmap",
    offer: LINPHONE,
    lines: [["m=audio 40000 RTP/AVP 96 0 8 101", "a=rtpmap:96 opus/48000/2", "a=fmtp:96 useinbandfec=1", "a=rtpmap:101 telephone-event/48000"]],
    expect: [{ port: 40000, send: 96, recv: 96, codec: "opus", te: 101, direction: "sendrecv" }],
  },
  {
    name: "PCMA only",
    offer: PCMA_ONLY,
    lines: [["m=audio 40000 RTP/AVP 8"]],
    expect: [{ port: 40000, send: 8, codec: "PCMA" }],
  },
  {
    name: "Opus only, upper-case name, ptime 40",
    offer: OPUS_ONLY,
    lines: [["m=audio 40000 RTP/AVP 107", "a=rtpmap:107 OPUS/48000/2"]],
    expect: [{ port: 40000, send: 107, recv: 107, codec: "OPUS", ptime: 40 }],
  },
  {
    name: "no common codec: rejected with port 0",
    offer: G729_ONLY,
    lines: [["m=audio 0 RTP/AVP 18"]],
    expect: [{ port: 0 }],
  },
  {
    name: "audio + video: VP8 chosen among H264 and VP8",
    offer: WITH_VIDEO,
    lines: [["m=audio 40000 RTP/AVP 0"], ["m=video 40002 RTP/AVP 100", "a=rtpmap:100 VP8/90000", "a=rtcp-fb:100 nack pli"]],
    expect: [{ port: 40000, codec: "PCMU" }, { port: 40002, send: 100, codec: "VP8" }],
  },
  {
    name: "video first, two audio lines: order and count kept, the extra audio rejected",
    offer: VIDEO_FIRST,
    lines: [["m=video 40002"], ["m=audio 40000 RTP/AVP 0"], ["m=audio 0 RTP/AVP 0"]],
    expect: [{ port: 40002, codec: "VP8" }, { port: 40000, codec: "PCMU" }, { port: 0 }],
  },
  {
    name: "RTP/SAVP: the first supported suite, same tag, our own key",
    offer: CRYPTO,
    lines: [["m=audio 40000 RTP/SAVP 0", "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"]],
    expect: [{ port: 40000, codec: "PCMU", srtp: "AES_CM_128_HMAC_SHA1_32" }],
  },
  {
    name: "RTP/SAVP with no suite we know: rejected",
    offer: SAVP_NO_SUITE,
    lines: [["m=audio 0 RTP/SAVP 0"]],
    expect: [{ port: 0 }],
  },
  { name: "peer holds us (sendonly)", offer: hold("sendonly"), lines: [["a=recvonly"]], expect: [{ port: 40000, direction: "recvonly" }] },
  { name: "peer recvonly", offer: hold("recvonly"), lines: [["a=sendonly"]], expect: [{ port: 40000, direction: "sendonly" }] },
  { name: "peer inactive", offer: hold("inactive"), lines: [["a=inactive"]], expect: [{ port: 40000, direction: "inactive" }] },
  { name: "RFC 2543 hold, c=0.0.0.0", offer: OLD_HOLD, lines: [["a=recvonly"]], expect: [{ port: 40000, direction: "recvonly" }] },
  { name: "session-level sendonly", offer: SESSION_LEVEL_HOLD, lines: [["a=recvonly"]], expect: [{ port: 40000, direction: "recvonly" }] },
];

function mLines(text: string): string[] {
  return text.split(/\r\n(?=m=)/).slice(1);
}

describe("createAnswer: a table of offers", () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const answer = createAnswer(row.offer, US, createSdpLocalState());
      const blocks = mLines(answer.sdp);
      expect(blocks).toHaveLength(row.lines.length);
      row.lines.forEach((want, i) => want.forEach((w) => expect(blocks[i], `m-line ${i}`).toContain(w)));
      row.expect.forEach((e, i) => {
        const m = answer.media[i]!;
        expect(m.localPort).toBe(e.port);
        expect(m.rejected).toBe(e.port === 0);
        if (e.send !== undefined) expect(m.codec?.sendPayloadType).toBe(e.send);
        if (e.recv !== undefined) expect(m.codec?.receivePayloadType).toBe(e.recv);
        if (e.codec) expect(m.codec?.name).toBe(e.codec);
        if (e.te !== undefined) expect(m.telephoneEvent?.sendPayloadType).toBe(e.te);
        if (e.direction) expect(m.direction).toBe(e.direction);
        if (e.srtp) expect(m.srtp?.suite).toBe(e.srtp);
        if (e.ptime) expect(m.ptime).toBe(e.ptime);
      });
      expect(answer.sdp).toMatch(/^v=0\r\no=- \d+ \d+ IN IP4 127\.0\.0\.1\r\n/);
    });
  }

  it("keys SRTP with the peer's key for receiving and ours for sending", () => {
    const answer = createAnswer(CRYPTO, US, createSdpLocalState());
    const srtp = answer.media[0]!.srtp!;
    expect(Buffer.from([...srtp.remoteKey.masterKey, ...srtp.remoteKey.masterSalt]).toString("base64")).toBe(KEY80.slice(7));
    expect(answer.sdp).not.toContain(KEY80);
    expect(srtp.localKey.masterKey.length).toBe(16);
  });

  it("reads the peer's address, RTCP port and SSRC", () => {
    const l = createAnswer(LINPHONE, US, createSdpLocalState()).media[0]!;
    expect(l).toMatchObject({ remoteAddress: "127.0.0.9", remotePort: 7078, remoteRtcpPort: 7079 });
    const b = createAnswer(BARESIP, US, createSdpLocalState()).media[0]!;
    expect(b).toMatchObject({ remotePort: 30040, remoteRtcpPort: 30041, remoteSsrc: 1234567 });
  });

  it("refuses SDP that is not SDP", () => {
    expect(() => createAnswer("hello", US, createSdpLocalState())).toThrow();
  });
});

describe("createOffer / applyAnswer", () => {
  it("offers our codecs, telephone-events, crypto suites and a video m-line", () => {
    const offer = createOffer(US, createSdpLocalState());
    const [audio, video] = mLines(offer);
    expect(audio).toContain("m=audio 40000 RTP/AVP 111 0 8 101 102");
    expect(audio).toContain("a=rtpmap:111 opus/48000/2");
    expect(audio).toContain("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:");
    expect(audio).toContain("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:");
    expect(video).toContain("m=video 40002 RTP/AVP 96");
    expect(video).toContain("a=rtcp-fb:96 ccm fir");
    expect(video).toContain("a=rtcp-fb:96 nack pli");
    expect(video).not.toContain("a=rtcp-fb:96 nack\r\n"); // no retransmissions to offer
    expect(parseSdp(offer).media).toHaveLength(2);
  });

  it("sends with the answer's payload type, receives with ours", () => {
    const offer = createOffer(US, createSdpLocalState());
    const answer = sdp(...HEAD, "m=audio 6000 RTP/AVP 98 100", "a=rtpmap:98 opus/48000/2", "a=rtpmap:100 telephone-event/48000", "a=ptime:20", "m=video 0 RTP/AVP 96");
    const [audio, video] = applyAnswer(offer, answer);
    expect(audio!.codec).toMatchObject({ name: "opus", sendPayloadType: 98, receivePayloadType: 111 });
    expect(audio!.telephoneEvent).toMatchObject({ sendPayloadType: 100, receivePayloadType: 102 });
    expect(audio!.srtp).toBeUndefined();
    expect(video!.rejected).toBe(true);
  });

  it("takes the SRTP keys by the answered tag", () => {
    const state = createSdpLocalState();
    const offer = createOffer({ ...US, media: [AUDIO] }, state);
    const answer = sdp(...HEAD, "m=audio 6000 RTP/AVP 0", `a=crypto:2 AES_CM_128_HMAC_SHA1_32 ${KEY80}`);
    const [m] = applyAnswer(offer, answer);
    expect(m!.srtp?.suite).toBe("AES_CM_128_HMAC_SHA1_32");
    const ours = /a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:(\S+)/.exec(offer)![1]!;
    expect(Buffer.from([...m!.srtp!.localKey.masterKey, ...m!.srtp!.localKey.masterSalt]).toString("base64")).toBe(ours);
  });

  it("puts the peer on hold with sendonly and reads its recvonly answer", () => {
    const offer = createOffer({ ...US, media: [{ ...AUDIO, direction: "sendonly" }] }, createSdpLocalState());
    expect(offer).toContain("a=sendonly");
    const [m] = applyAnswer(offer, sdp(...HEAD, "m=audio 6000 RTP/AVP 0", "a=recvonly"));
    expect(m!.direction).toBe("sendonly");
    const [n] = applyAnswer(offer, sdp(...HEAD, "m=audio 6000 RTP/AVP 0", "a=inactive"));
    expect(n!.direction).toBe("inactive");
  });

  it("bumps the o= version only when the SDP changes, keeping SSRC and keys", () => {
    const state = createSdpLocalState();
    const first = createOffer(US, state);
    const again = createOffer(US, state);
    const version = (s: string) => Number(/^o=\S+ \d+ (\d+)/m.exec(s)![1]);
    const ssrc = (s: string) => /a=ssrc:(\d+)/.exec(s)![1];
    const keys = (s: string) => s.match(/inline:\S+/g);
    expect(version(again)).toBe(version(first));
    expect(again).toBe(first);
    const held = createOffer({ ...US, media: [{ ...AUDIO, direction: "sendonly" }, VIDEO] }, state);
    expect(version(held)).toBe(version(first) + 1);
    expect(ssrc(held)).toBe(ssrc(first));
    expect(keys(held)).toEqual(keys(first));
    // An answer from the same state continues the same numbering.
    const answer = createAnswer(BARESIP, US, state);
    expect(version(answer.sdp)).toBe(version(first) + 2);
    expect(/^o=\S+ (\d+)/m.exec(answer.sdp)![1]).toBe(/^o=\S+ (\d+)/m.exec(first)![1]);
  });

  it("refuses an answer with a different number of m-lines", () => {
    const offer = createOffer(US, createSdpLocalState());
    expect(() => applyAnswer(offer, sdp(...HEAD, "m=audio 6000 RTP/AVP 0"))).toThrow(/m-lines/);
  });
});
