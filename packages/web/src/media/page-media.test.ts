// Unit tests of the page's call media (docs/api.md "Browser voice") on fake
// browser objects: the audio place setting, a refused microphone falling
// back to the daemon's WAV media, a leg's life (offer, connected, lost),
// mute, digits on the data channel both ways, autoplay refusal, and one tab
// taking a call over from another.
import { describe, expect, it } from "vitest";
import { memoryStorage } from "../state/drafts.js";
import type { PlayerElement } from "./page-leg.js";
import { PageMedia, type PageMediaEnv, type TabChannel } from "./page-media.js";

class FakeTrack {
  enabled = true;
  stopped = false;
  readonly id = Math.random().toString(36);
  constructor(readonly kind: "audio" | "video") {}
  stop(): void {
    this.stopped = true;
  }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[] = []) {}
  getTracks = () => this.tracks;
  getAudioTracks = () => this.tracks.filter((t) => t.kind === "audio");
  getVideoTracks = () => this.tracks.filter((t) => t.kind === "video");
  addTrack = (t: FakeTrack) => void this.tracks.push(t);
}

class FakeChannel {
  readyState = "open";
  sent: string[] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  send(s: string): void {
    this.sent.push(s);
  }
  close(): void {
    this.readyState = "closed";
  }
}

class FakePc {
  connectionState = "new";
  iceGatheringState = "complete";
  localDescription: { sdp: string } | undefined;
  remote: unknown;
  closed = false;
  readonly channel = new FakeChannel();
  ontrack: ((e: { track: FakeTrack }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  addTrack(): void {}
  addTransceiver() {
    return { sender: { replaceTrack: async () => undefined } };
  }
  createDataChannel(label: string) {
    expect(label).toBe("cusax");
    return this.channel;
  }
  createOffer = async () => ({ type: "offer", sdp: "v=0\r\noffer" });
  setLocalDescription = async (d: { sdp: string }) => void (this.localDescription = d);
  setRemoteDescription = async (d: unknown) => void (this.remote = d);
  addEventListener(): void {}
  removeEventListener(): void {}
  close(): void {
    this.closed = true;
  }
  /** What werift's side does: connect, send its track. */
  connect(): void {
    this.connectionState = "connected";
    this.onconnectionstatechange?.();
    this.ontrack?.({ track: new FakeTrack("audio") });
  }
  fail(): void {
    this.connectionState = "failed";
    this.onconnectionstatechange?.();
  }
}

/** BroadcastChannel between fake tabs: every other tab gets each message. */
function bus(): () => TabChannel {
  const tabs: ((m: unknown) => void)[] = [];
  return () => {
    let mine: (m: unknown) => void = () => undefined;
    tabs.push((m) => mine(m));
    const index = tabs.length - 1;
    return { post: (m) => tabs.forEach((f, i) => i !== index && f(m)), onMessage: (f) => (mine = f) };
  };
}

type World = { media: PageMedia; pcs: FakePc[]; mics: FakeStream[]; offers: string[]; released: string[]; players: { play: number; removed: boolean }[] };

function tab(o: { mic?: "ok" | "refused" | "missing"; autoplay?: boolean; tabs?: TabChannel; storage?: ReturnType<typeof memoryStorage>; supported?: boolean } = {}): World {
  const w: Omit<World, "media"> = { pcs: [], mics: [], offers: [], released: [], players: [] };
  const env: PageMediaEnv = {
    supported: o.supported ?? true,
    storage: o.storage,
    tabs: o.tabs,
    tabId: Math.random().toString(36),
    peer: () => {
      const pc = new FakePc();
      w.pcs.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    audio: () => {
      const p = { play: 0, removed: false };
      w.players.push(p);
      const el: PlayerElement = {
        srcObject: null,
        play: async () => {
          p.play++;
          if (o.autoplay === false && p.play === 1) throw Object.assign(new Error("no gesture"), { name: "NotAllowedError" });
        },
        remove: () => void (p.removed = true),
      };
      return el;
    },
    remoteStream: () => new FakeStream() as unknown as MediaStream,
    getUserMedia: async () => {
      if (o.mic === "refused") throw Object.assign(new Error("denied"), { name: "NotAllowedError" });
      if (o.mic === "missing") throw Object.assign(new Error("none"), { name: "NotFoundError" });
      const s = new FakeStream([new FakeTrack("audio")]);
      w.mics.push(s);
      return s as unknown as MediaStream;
    },
    offer: async (callId, sdp) => {
      w.offers.push(`${callId}:${sdp}`);
      return { type: "answer", sdp: "v=0\r\nanswer" };
    },
    release: (callId) => void w.released.push(callId),
  };
  return { ...w, media: new PageMedia(env) };
}

async function placed(w: World, callId = "c1"): Promise<FakePc> {
  expect(await w.media.prepare()).toEqual({ media: "browser" });
  await w.media.attach(callId, false);
  const pc = w.pcs.at(-1)!;
  pc.connect();
  await Promise.resolve();
  return pc;
}

describe("where a call's audio plays", () => {
  it("defaults to this browser, keeps the setting, and is the daemon where WebRTC is missing", async () => {
    const storage = memoryStorage();
    const w = tab({ storage });
    expect(w.media.place()).toBe("browser");
    w.media.setPlace("daemon");
    const again = tab({ storage });
    expect(again.media.place()).toBe("daemon");
    const prep = await again.media.prepare();
    expect(prep.media).toBe("wav");
    expect(again.mics).toHaveLength(0);
    const old = tab({ supported: false });
    expect(old.media.place()).toBe("daemon");
    expect((await old.media.prepare()).note).toMatch(/no WebRTC/);
  });

  it("a refused or missing microphone leaves the call on the daemon's WAV media, and says so", async () => {
    for (const [mic, text] of [["refused", "Microphone access was refused"], ["missing", "No microphone was found"]] as const) {
      const w = tab({ mic });
      const prep = await w.media.prepare();
      expect(prep.media).toBe("wav");
      expect(prep.note).toContain(text);
      w.media.onDaemon("c1", prep.note);
      expect(w.media.view("c1")).toMatchObject({ phase: "daemon", note: expect.stringContaining("plays on the daemon") });
      await expect(w.media.takeOver("c1", false)).rejects.toThrow(text);
      expect(w.pcs).toHaveLength(0);
    }
  });
});

describe("a call's leg in the page", () => {
  it("posts its complete offer, sets the answer, goes live, mutes for real and carries digits both ways", async () => {
    const w = tab();
    const changes: number[] = [];
    w.media.subscribe(() => changes.push(1));
    const pc = await placed(w);
    expect(w.offers).toEqual(["c1:v=0\r\noffer"]);
    expect(pc.remote).toEqual({ type: "answer", sdp: "v=0\r\nanswer" });
    expect(w.media.view("c1")?.phase).toBe("live");
    expect(changes.length).toBeGreaterThan(0);
    expect(w.media.setMuted("c1", true)).toBe(true);
    expect(w.mics[0]!.tracks[0]!.enabled).toBe(false);
    expect(w.media.view("c1")?.muted).toBe(true);
    w.media.setMuted("c1", false);
    expect(w.mics[0]!.tracks[0]!.enabled).toBe(true);
    expect(w.media.sendDigit("c1", "5")).toBe(true);
    expect(pc.channel.sent).toEqual(['{"dtmf":"5"}']);
    for (const data of ['{"dtmf":"7"}', "not json", '{"dtmf":"77"}', '{"dtmf":"#"}', "null"]) pc.channel.onmessage?.({ data });
    expect(w.media.view("c1")?.digitsIn).toBe("7#");
    expect(w.media.sendDigit("other", "1")).toBe(false);
  });

  it("shows 'click to enable sound' when the browser refused to play, until a click plays it", async () => {
    const w = tab({ autoplay: false });
    await placed(w);
    await Promise.resolve();
    expect(w.media.view("c1")?.soundBlocked).toBe(true);
    await w.media.enableSound("c1");
    expect(w.media.view("c1")?.soundBlocked).toBe(false);
  });

  it("is lost when the connection fails or the daemon closes the channel; hang-up and ended calls close it", async () => {
    const w = tab();
    const pc = await placed(w);
    pc.fail();
    expect(w.media.view("c1")).toMatchObject({ phase: "lost", note: "the audio connection failed" });
    expect(pc.closed).toBe(true);
    expect(w.mics[0]!.tracks[0]!.stopped).toBe(true);
    expect(w.players[0]!.removed).toBe(true);
    const pc2 = await placed(w, "c2");
    pc2.channel.onclose?.();
    expect(w.media.view("c2")?.phase).toBe("lost");
    expect(w.media.view("c2")?.note).toContain("another tab or device");
    const pc3 = await placed(w, "c3");
    w.media.keep(["c1"]);
    expect(pc3.closed).toBe(true);
    expect(w.media.view("c3")).toBeUndefined();
  });

  it("on unload tells the daemon about the legs it still owns only", async () => {
    const w = tab();
    const lost = await placed(w, "c1");
    lost.fail();
    await placed(w, "c2");
    w.media.unload();
    expect(w.released).toEqual(["c2"]);
  });

  it("a second tab continues the call: the first closes its leg and offers to take it back", async () => {
    const channel = bus();
    const one = tab({ tabs: channel() });
    const two = tab({ tabs: channel() });
    const first = await placed(one);
    expect(two.media.view("c1")).toBeUndefined();
    await two.media.takeOver("c1", false);
    two.pcs[0]!.connect();
    expect(two.media.view("c1")?.phase).toBe("live");
    expect(one.media.view("c1")).toMatchObject({ phase: "elsewhere", note: "Continued in another tab" });
    expect(first.closed).toBe(true);
    expect(one.mics[0]!.tracks[0]!.stopped).toBe(true);
    await one.media.takeOver("c1", false);
    one.pcs[1]!.connect();
    expect(one.media.view("c1")?.phase).toBe("live");
    expect(two.media.view("c1")?.phase).toBe("elsewhere");
    expect(two.pcs[0]!.closed).toBe(true);
  });
});
