// The browser leg's failures, with a `kind` like the rest of cusax's errors
// (docs/architecture.md "Errors"): a bad or unusable offer, ICE that never
// gathered. The API turns them into 400s with the message.
export type WebrtcFailure = "webrtc-offer" | "webrtc-ice";

export class MediaError extends Error {
  readonly kind = "webrtc" as const;
  constructor(
    readonly reason: WebrtcFailure,
    message: string,
  ) {
    super(message);
    this.name = "MediaError";
  }
}
