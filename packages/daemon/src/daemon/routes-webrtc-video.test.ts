// protocol.md D32 in the daemon: video chosen per call (call-media-book.ts: `video: true` on
// POST /calls and on the answer), and POST /calls/:id/webrtc accepting the page's video
// m-section only when the call carries VP8, else port 0; a werift peer stands in for the page.
import { afterEach, describe, expect, it } from "vitest";
import { MediaStreamTrack, RTCPeerConnection } from "werift";
import { createMediaHooks, type CusaxClient, type SqliteStore } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import { Router, type ApiRequest } from "../api/router.js";
import { answerWithVideo, CallMediaBook, videoChoiceOf, videoOfBody, withVideo } from "./call-media-book.js";
import type { RouteDeps } from "./deps.js";
import { addWebrtcRoutes } from "./routes-webrtc.js";

const pcs: RTCPeerConnection[] = [];
afterEach(async () => void (await Promise.all(pcs.splice(0).map((pc) => pc.close()))));

/** A page's complete offer with audio and one VP8-capable video m-section. */
async function pageOffer(): Promise<string> {
  const pc = new RTCPeerConnection({ iceUseIpv6: false, iceInterfaceAddresses: { udp4: "127.0.0.1" }, iceAdditionalHostAddresses: ["127.0.0.1"] });
  pcs.push(pc);
  pc.addTransceiver(new MediaStreamTrack({ kind: "audio" }), { direction: "sendrecv" });
  pc.addTransceiver(new MediaStreamTrack({ kind: "video" }), { direction: "sendrecv" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((r) => (pc.iceGatheringState === "complete" ? r() : pc.iceGatheringStateChange.subscribe((s) => s === "complete" && r())));
  return pc.localDescription!.sdp;
}

function world() {
  const hooks = createMediaHooks({ statsIntervalMs: 0, video: { legs: true } });
  const book = new CallMediaBook(hooks);
  const client = { sip: { calls: [{ id: "out" }, { id: "in" }] } } as unknown as CusaxClient;
  const deps = { client, store: {} as SqliteStore, recordings: "/rec", pendingSubscriptions: new Set(), placed: () => undefined } as unknown as RouteDeps;
  const r = new Router("t");
  addWebrtcRoutes(r, deps, book);
  return { r, hooks, book };
}

const post = (r: Router, path: string, body: unknown) => {
  const req: ApiRequest = {
    method: "POST", path, query: new URLSearchParams(),
    headers: { authorization: "Bearer t", "content-type": "application/json" },
    body: new TextEncoder().encode(JSON.stringify(body)),
  };
  return r.handle(req);
};

const videoLine = (sdp: string) => /^m=video (\d+) /m.exec(sdp)?.[1];

describe("video per call and on the browser leg (D32)", () => {
  it("a placed call offers video only inside withVideo(true); an incoming one only once answered with video", async () => {
    const { hooks, book } = world();
    const plain = hooks.create({ callId: "a", direction: "outgoing" });
    const video = withVideo(true, () => hooks.create({ callId: "b", direction: "outgoing" }));
    const incoming = hooks.create({ callId: "c", direction: "incoming" });
    expect(await plain.offer("sendrecv")).not.toMatch(/^m=video/m);
    expect(await video.offer("sendrecv")).toMatch(/^m=video [1-9]\d* RTP\/AVP \d+/m);
    expect(video.video?.acceptsLegVideo).toBe(true);
    expect(incoming.video?.enabled).toBe(false);
    answerWithVideo("c", true);
    expect(incoming.video?.enabled).toBe(true);
    expect(book.mediaOf("c")).toBe(incoming);
    await Promise.all([plain.close(), video.close(), incoming.close()]);
  });

  it("`video` must be a boolean (400), and a body without it is false", () => {
    expect(videoChoiceOf(undefined)).toBe(false);
    expect(videoChoiceOf(true)).toBe(true);
    expect(() => videoChoiceOf("yes")).toThrow(ApiError);
    expect(videoOfBody(() => ({ media: "browser", video: true }))).toBe(true);
    expect(videoOfBody(() => {
      throw new SyntaxError("no body");
    })).toBe(false);
  });

  it("the page's video is accepted for a call with video and answered with port 0 without", async () => {
    const { r, hooks } = world();
    const withV = withVideo(true, () => hooks.create({ callId: "out", direction: "outgoing" }));
    const without = hooks.create({ callId: "in", direction: "incoming" });
    const yes = await post(r, "/calls/out/webrtc", { sdp: await pageOffer() });
    expect(yes).toMatchObject({ status: 201, body: { type: "answer", video: true } });
    expect(Number(videoLine((yes.body as { sdp: string }).sdp))).toBeGreaterThan(0);
    expect(withV.video?.legAttached).toBe(true);
    const no = await post(r, "/calls/in/webrtc", { sdp: await pageOffer() });
    expect(no).toMatchObject({ status: 201, body: { type: "answer", video: false } });
    expect(videoLine((no.body as { sdp: string }).sdp)).toBe("0");
    expect(without.legs.leg?.kind).toBe("browser");
    await Promise.all([withV.close(), without.close()]);
    expect(withV.video?.legAttached).toBe(false);
  }, 60_000);
});
