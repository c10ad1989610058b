// docs/api.md "Browser voice" (protocol.md D27, D28): where a call's audio
// plays, as the call UI sees it. The call UI talks to this interface only;
// PageMedia (page-media.ts) implements it with one RTCPeerConnection leg per
// call (page-leg.ts), or leaves the audio on the daemon (its WAV media).

/** The settings toggle: audio in this browser, or on the daemon (WAV files). */
export type AudioPlace = "browser" | "daemon";

/**
 * A call's audio as this page knows it:
 * - `none`: not in this page (another tab, the daemon's WAV media, or nobody): "continue here";
 * - `starting`: microphone, ICE gathering and the offer/answer with the daemon under way;
 * - `live`: the page's leg carries the call's audio;
 * - `lost`: the leg died (connection failed or closed) while the call is up: "continue here";
 * - `elsewhere`: another tab of this browser took the call: "take back";
 * - `daemon`: the daemon plays it (the setting, or no microphone; `note` says which).
 */
export type LegPhase = "none" | "starting" | "live" | "lost" | "elsewhere" | "daemon";

export type LegView = {
  phase: LegPhase;
  muted: boolean;
  /** The browser refused to start playback by itself: "click to enable sound". */
  soundBlocked: boolean;
  /** The leg has a video m-section; `camera` whether our camera is sent. */
  video: boolean;
  camera: boolean;
  /** A readable reason for the phase (microphone refused, connection lost, ...). */
  note?: string;
  /** Digits the peer sent, from the leg's `cusax` data channel. */
  digitsIn: string;
  remote?: MediaStream;
  localVideo?: MediaStream;
};

/** What to ask the daemon for when placing or answering: the page's leg, or the daemon's WAV media (with why). */
export type Prepared = { media: "browser" | "wav"; note?: string };

export interface MediaLeg {
  /** Whether this browser can carry audio at all (getUserMedia and RTCPeerConnection exist). */
  readonly supported: boolean;
  place(): AudioPlace;
  setPlace(place: AudioPlace): void;
  /** Before placing or answering a call: gets the microphone when audio is to be in this page. */
  prepare(): Promise<Prepared>;
  /** Drops what prepare() got when the call was not placed after all. */
  cancel(): void;
  /** Right after placing or answering with media "browser": the page's leg for the call. */
  attach(callId: string, video: boolean): Promise<void>;
  /** The call was placed or answered with the daemon's WAV media. */
  onDaemon(callId: string, note?: string): void;
  /** "Continue here" / "take back": this page takes the call's audio (another tab's leg is closed). */
  takeOver(callId: string, video: boolean): Promise<void>;
  /** Closes this page's leg of the call (hang-up). */
  release(callId: string): void;
  /** Closes the legs of calls no longer in the list (ended). */
  keep(callIds: readonly string[]): void;
  setMuted(callId: string, muted: boolean): boolean;
  setCamera(callId: string, on: boolean): Promise<void>;
  /** Sends a digit on the leg's data channel; false when there is no open leg (use POST /calls/:id/dtmf). */
  sendDigit(callId: string, digit: string): boolean;
  enableSound(callId: string): Promise<void>;
  view(callId: string): LegView | undefined;
  subscribe(changed: () => void): () => void;
}
