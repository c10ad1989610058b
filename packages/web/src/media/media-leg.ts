// Where a call's audio plays. Today the daemon plays and records it (WAV
// files, docs/api.md POST /calls); the next step bridges a WebRTC leg from
// this page to the SIP call. The call UI talks to this interface only, so that
// step swaps in an RTCPeerConnection-backed leg and nothing else changes.
export interface MediaLeg {
  /** "daemon": audio plays on the daemon's machine; "browser": in this page. */
  readonly where: "daemon" | "browser";
  /** Whether mute works with this leg, and if not, why (shown as the tooltip). */
  readonly canMute: boolean;
  readonly muteReason?: string;
  attach(callId: string): Promise<void>;
  detach(): void;
  setMuted(muted: boolean): Promise<boolean>;
  readonly attachedTo: string | undefined;
}

/** The daemon's WAV media: nothing to carry in the page, and no mute yet. */
export class DaemonWavLeg implements MediaLeg {
  readonly where = "daemon" as const;
  readonly canMute = false;
  readonly muteReason = "browser audio arrives with the media leg";
  private callId: string | undefined;

  get attachedTo(): string | undefined {
    return this.callId;
  }

  async attach(callId: string): Promise<void> {
    this.callId = callId;
  }

  detach(): void {
    this.callId = undefined;
  }

  async setMuted(_muted: boolean): Promise<boolean> {
    return false;
  }
}

export function createMediaLeg(): MediaLeg {
  return new DaemonWavLeg();
}
