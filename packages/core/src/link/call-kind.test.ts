import { describe, expect, it } from "vitest";
import { answerHasVideo, watchCallKinds } from "./call-kind.js";

const sdp = (video: string) =>
  ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 4000 RTP/AVP 0", "a=sendrecv", ...video.split("|").filter(Boolean)].join("\r\n") + "\r\n";

describe("which calls are video calls (RFC 3264)", () => {
  it.each([
    ["no video line", "", false],
    ["an accepted video line", "m=video 4002 RTP/AVP 96|a=rtpmap:96 VP8/90000|a=sendrecv", true],
    ["a rejected video line (port 0)", "m=video 0 RTP/AVP 96", false],
    ["an inactive video line", "m=video 4002 RTP/AVP 96|a=inactive", false],
  ])("%s", (_name, video, expected) => {
    expect(answerHasVideo(sdp(video as string))).toBe(expected);
  });
});

describe("why a call failed (RFC 3264, RFC 4568)", () => {
  const media = (opts: { offer?: string; answerFails?: string }) => ({
    create: () => ({
      offer: () => opts.offer ?? sdp(""),
      answer: () => (opts.answerFails ? Promise.reject(Object.assign(new Error("488"), { failure: opts.answerFails })) : sdp("")),
      applyAnswer: () => undefined,
      close: () => undefined,
    }),
  });

  it("a plain offer refused because SRTP is required", async () => {
    const kinds = watchCallKinds(media({ answerFails: "srtp-required" }));
    const m = kinds.hooks.create({ callId: "c1", direction: "incoming" });
    await expect(m.answer(sdp(""), "sendrecv")).rejects.toThrow("488");
    expect(kinds.reasonOf("c1", { reason: "rejected", status: 488 })).toBe("srtp-required: the offer has no a=crypto");
    // read once
    expect(kinds.reasonOf("c1", { reason: "rejected", status: 488 })).toBe("rejected (488)");
  });

  it("a 488 to our SRTP-only offer, and plain failures by status", async () => {
    const kinds = watchCallKinds(media({ offer: sdp("").replace("RTP/AVP", "RTP/SAVP") }));
    await kinds.hooks.create({ callId: "c2", direction: "outgoing" }).offer("sendrecv");
    expect(kinds.reasonOf("c2", { reason: "rejected", status: 488 })).toMatch(/^srtp-required: the peer refused our SRTP-only offer/);
    expect(kinds.reasonOf("c3", { reason: "busy", status: 486 })).toBe("busy (486)");
    expect(kinds.reasonOf("c3", { reason: "timeout" })).toBe("timeout");
    expect(kinds.reasonOf("c3", { reason: "no-ack" })).toBe("no-ack");
    expect(kinds.reasonOf("c3", { reason: "dialog-failed", method: "INVITE" })).toBe("dialog-failed");
    expect(kinds.reasonOf("c3", { reason: "dialog-failed", method: "INVITE", status: 404 })).toBe("dialog-failed (404)");
    expect(kinds.reasonOf("c3", { reason: "hangup", by: "remote" })).toBeUndefined();
  });
});
