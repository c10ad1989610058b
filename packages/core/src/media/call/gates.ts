// RFC 3264 §8.4 (hold): the negotiated direction decides whether we send and
// whether what we receive is played. The RtpSession keeps running; these
// wrappers stop its source and mute its sink, so the session, its sockets and
// its sequence numbers survive a hold and a resume.
import type { MediaFlow } from "../../sdp/direction.js";
import type { MediaSink, MediaSource } from "../source.js";

/** A source that yields nothing while we must not send (the session then sends no RTP). */
export class GatedSource implements MediaSource {
  constructor(
    private readonly inner: MediaSource,
    private readonly flow: () => MediaFlow,
  ) {}

  get sampleRate(): number {
    return this.inner.sampleRate;
  }

  get frameMs(): number {
    return this.inner.frameMs;
  }

  read(): Int16Array | undefined {
    return this.flow().send ? this.inner.read() : undefined;
  }
}

/**
 * A sink that writes silence while we do not receive (keeping the recording's
 * timeline) and that only the call finalises: sessions replaced on a codec
 * change close their sink, which must not end a WAV file mid-call.
 */
export class GatedSink implements MediaSink {
  private finished = false;

  constructor(
    private readonly inner: MediaSink,
    private readonly flow: () => MediaFlow,
  ) {}

  get sampleRate(): number {
    return this.inner.sampleRate;
  }

  write(frame: Int16Array): void {
    if (this.finished) return;
    this.inner.write(this.flow().recv ? frame : new Int16Array(frame.length));
  }

  /** Called by each RtpSession on close: ignored (see finish). */
  close(): void {}

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.inner.close();
  }
}
