import { describe, expect, it } from "vitest";
import { answerHasVideo } from "./call-kind.js";

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
