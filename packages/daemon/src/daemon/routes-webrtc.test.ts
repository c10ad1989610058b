// docs/api.md "Browser voice": the routes against real call media and a
// werift peer standing in for the page (its complete offer, our answer).
import { afterEach, describe, expect, it } from "vitest";
import { MediaStreamTrack, RTCPeerConnection } from "werift";
import { createMediaHooks, type CusaxClient, type SqliteStore } from "@cusax/core";
import { Router, type ApiRequest } from "../api/router.js";
import { PlayChoice } from "./client-options.js";
import type { RouteDeps } from "./deps.js";
import { addWebrtcRoutes } from "./routes-webrtc.js";

const pcs: RTCPeerConnection[] = [];
afterEach(async () => void (await Promise.all(pcs.splice(0).map((pc) => pc.close()))));

async function pageOffer(): Promise<string> {
  const pc = new RTCPeerConnection({ iceUseIpv6: false, iceInterfaceAddresses: { udp4: "127.0.0.1" }, iceAdditionalHostAddresses: ["127.0.0.1"] });
  pcs.push(pc);
  pc.addTransceiver(new MediaStreamTrack({ kind: "audio" }), { direction: "sendrecv" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((r) => (pc.iceGatheringState === "complete" ? r() : pc.iceGatheringStateChange.subscribe((s) => s === "complete" && r())));
  return pc.localDescription!.sdp;
}

function world() {
  const hooks = createMediaHooks({ statsIntervalMs: 0 });
  const media = hooks.create({ callId: "c1", direction: "incoming" });
  const client = { sip: { calls: [{ id: "c1" }] } } as unknown as CusaxClient;
  const deps: RouteDeps = { client, store: {} as SqliteStore, play: new PlayChoice(undefined), recordings: "/rec", pendingSubscriptions: new Set(), placed: () => undefined };
  const r = new Router("t");
  addWebrtcRoutes(r, deps, { mediaOf: (id) => (id === "c1" ? media : undefined) });
  return { r, media };
}

const send = (r: Router, method: string, path: string, body?: unknown) => {
  const req: ApiRequest = {
    method, path, query: new URLSearchParams(),
    headers: { authorization: "Bearer t", "content-type": "application/json" },
    body: new TextEncoder().encode(body === undefined ? "" : JSON.stringify(body)),
  };
  return r.handle(req);
};

describe("browser-leg routes", () => {
  it("answers a page's offer, lets a second take over, releases on DELETE, refuses bad input", async () => {
    const { r, media } = world();
    expect(await send(r, "POST", "/calls/c1/webrtc", { sdp: "hello" })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("sdp") } } });
    expect(await send(r, "POST", "/calls/c1/webrtc", { sdp: "v=0\r\nnot really sdp\r\n" })).toMatchObject({ status: 400 });
    expect(await send(r, "POST", "/calls/nope/webrtc", { sdp: await pageOffer() })).toMatchObject({ status: 404 });
    const first = await send(r, "POST", "/calls/c1/webrtc", { sdp: await pageOffer() });
    expect(first).toMatchObject({ status: 201, body: { type: "answer", sdp: expect.stringMatching(/a=candidate:.* 127\.0\.0\.1 /) } });
    const candidates = ((first.body as { sdp: string }).sdp.match(/^a=candidate:.*$/gm) ?? []);
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((c) => c.split(" ")[4] === "127.0.0.1")).toBe(true);
    const firstLeg = media.legs.leg as { endReason?: string } | undefined;
    expect(media.legs.leg?.kind).toBe("browser");
    await send(r, "POST", "/calls/c1/webrtc", { sdp: await pageOffer() });
    expect(firstLeg?.endReason).toBe("replaced");
    expect(await send(r, "DELETE", "/calls/c1/webrtc")).toMatchObject({ body: { released: true } });
    expect(media.legs.leg).toBeUndefined();
    expect(await send(r, "DELETE", "/calls/c1/webrtc")).toMatchObject({ body: { released: false } });
    await media.close();
    expect(await send(r, "POST", "/calls/c1/webrtc", { sdp: await pageOffer() })).toMatchObject({ status: 409 });
  }, 60_000);
});
