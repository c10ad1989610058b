// docs/api.md "Browser voice" (protocol.md D27, D28): the page's side of each
// call's audio. The page where the user acted (placed, answered, "continue
// here") owns the leg; other tabs of this browser hear of it on a
// BroadcastChannel and close theirs ("continued in another tab", "take
// back"). The daemon closes a replaced leg too, so a tab in another browser
// sees its leg die ("continue here"). No microphone: the call goes on with
// the daemon's WAV media and the call bar says why.
import type { AudioPlace, LegView, MediaLeg, Prepared } from "./media-leg.js";
import { PageLeg, type LegEnv } from "./page-leg.js";
import { loadPlace, savePlace } from "./preference.js";
import type { KeyValueStorage } from "../state/drafts.js";

/** Tabs of one browser tell each other which call they take ({taking: callId, tab}). */
export type TabChannel = { post(msg: { taking: string; tab: string }): void; onMessage(f: (msg: unknown) => void): void };

export type PageMediaEnv = LegEnv & {
  supported: boolean;
  storage: KeyValueStorage | undefined;
  tabs: TabChannel | undefined;
  /** DELETE /calls/:id/webrtc, surviving the page's unload (fetch keepalive). */
  release(callId: string): void;
  remoteStream(): MediaStream;
  tabId: string;
};

const DAEMON_NOTE = "Audio plays on the daemon (Settings: audio on the daemon).";

/** A readable reason getUserMedia failed. */
export function micProblem(e: unknown): string {
  const name = (e as { name?: string }).name;
  if (name === "NotAllowedError" || name === "SecurityError") return "Microphone access was refused";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "No microphone was found";
  if (name === "NotReadableError") return "The microphone is in use by another program";
  return `The microphone could not be opened (${name ?? "error"}: ${(e as Error).message ?? String(e)})`;
}

type Entry = { leg?: PageLeg; view: LegView };

const blank = (): LegView => ({ phase: "none", muted: false, soundBlocked: false, video: false, camera: false, digitsIn: "" });

export class PageMedia implements MediaLeg {
  private readonly calls = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private pending: MediaStream | undefined;
  private current: AudioPlace;

  constructor(private readonly env: PageMediaEnv) {
    this.current = env.supported ? loadPlace(env.storage) : "daemon";
    env.tabs?.onMessage((m) => this.onTab(m));
  }

  get supported(): boolean {
    return this.env.supported;
  }

  place(): AudioPlace {
    return this.current;
  }

  setPlace(place: AudioPlace): void {
    this.current = this.env.supported ? place : "daemon";
    savePlace(this.env.storage, this.current);
    this.changed();
  }

  async prepare(): Promise<Prepared> {
    if (this.current === "daemon" || !this.env.supported) return { media: "wav", note: this.env.supported ? DAEMON_NOTE : "This browser cannot carry audio (no WebRTC): it plays on the daemon." };
    this.cancel();
    try {
      this.pending = await this.env.getUserMedia({ audio: true });
      return { media: "browser" };
    } catch (e) {
      return { media: "wav", note: `${micProblem(e)}: the call's audio plays on the daemon (its WAV media).` };
    }
  }

  cancel(): void {
    for (const t of this.pending?.getTracks() ?? []) t.stop();
    this.pending = undefined;
  }

  async attach(callId: string, video: boolean): Promise<void> {
    const mic = this.pending ?? (await this.env.getUserMedia({ audio: true }));
    this.pending = undefined;
    this.env.tabs?.post({ taking: callId, tab: this.env.tabId });
    this.entry(callId).leg?.close();
    const leg = new PageLeg(callId, mic, video, this.env, () => this.sync(callId, leg), this.env.remoteStream());
    this.calls.set(callId, { leg, view: { ...blank(), phase: "starting", video } });
    try {
      await leg.start();
      if (video) await leg.setCamera(true).catch(() => undefined); // no camera: the call goes on with audio
    } catch (e) {
      leg.close();
      this.set(callId, { ...blank(), phase: "lost", note: `The audio did not connect: ${(e as Error).message ?? String(e)}` });
      throw e;
    }
  }

  onDaemon(callId: string, note?: string): void {
    this.set(callId, { ...blank(), phase: "daemon", ...(note !== undefined ? { note } : {}) });
  }

  async takeOver(callId: string, video: boolean): Promise<void> {
    let mic: MediaStream;
    try {
      mic = await this.env.getUserMedia({ audio: true });
    } catch (e) {
      const note = `${micProblem(e)}: the call's audio stays where it is.`;
      this.set(callId, { ...this.entry(callId).view, note });
      throw new Error(note);
    }
    this.pending = mic;
    await this.attach(callId, video);
  }

  release(callId: string): void {
    this.entry(callId).leg?.close();
    this.calls.delete(callId);
    this.changed();
  }

  keep(callIds: readonly string[]): void {
    const gone = [...this.calls.keys()].filter((id) => !callIds.includes(id));
    for (const id of gone) this.release(id);
  }

  /** The page goes away: the daemon is told at once (not after its 6 s of silence) for the legs this page still owns. */
  unload(): void {
    for (const [id, e] of this.calls) {
      if (!e.leg || e.leg.isClosed) continue;
      this.env.release(id);
      e.leg.close();
    }
  }

  setMuted(callId: string, muted: boolean): boolean {
    return this.entry(callId).leg?.setMuted(muted) ?? false;
  }

  async setCamera(callId: string, on: boolean): Promise<void> {
    await this.entry(callId).leg?.setCamera(on);
  }

  sendDigit(callId: string, digit: string): boolean {
    return this.entry(callId).leg?.sendDigit(digit) ?? false;
  }

  async enableSound(callId: string): Promise<void> {
    await this.entry(callId).leg?.enableSound();
  }

  view(callId: string): LegView | undefined {
    return this.calls.get(callId)?.view;
  }

  subscribe(changed: () => void): () => void {
    this.listeners.add(changed);
    return () => this.listeners.delete(changed);
  }

  private onTab(msg: unknown): void {
    const m = msg as { taking?: unknown; tab?: unknown } | null;
    if (typeof m?.taking !== "string" || m.tab === this.env.tabId) return;
    const e = this.calls.get(m.taking);
    if (!e?.leg || e.leg.isClosed) return;
    e.leg.close();
    this.set(m.taking, { ...blank(), phase: "elsewhere", note: "Continued in another tab" });
  }

  private entry(callId: string): Entry {
    return this.calls.get(callId) ?? { view: blank() };
  }

  private sync(callId: string, leg: PageLeg): void {
    const e = this.calls.get(callId);
    if (e?.leg !== leg) return; // an old leg of the call
    const { phase, muted, soundBlocked, camera, note, digitsIn, remote, localVideo, video } = leg;
    this.set(callId, { phase, muted, soundBlocked, camera, video, digitsIn, ...(note !== undefined ? { note } : {}), ...(remote ? { remote } : {}), ...(localVideo ? { localVideo } : {}) }, leg);
  }

  /** A call's view; its leg stays only while it is open. */
  private set(callId: string, view: LegView, leg = this.calls.get(callId)?.leg): void {
    this.calls.set(callId, leg && !leg.isClosed ? { leg, view } : { view });
    this.changed();
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }
}
