// Video frame sources and sinks for RTP without transcoding: frames are
// passed through as coded (VP8, RFC 6386; H.264 Annex B). IVF files play
// paced by their timestamps and record with a 90 kHz time base (the RTP
// video clock, RFC 3551 §5: 90000 Hz).
import { IvfWriter, readIvfFile, type IvfFile } from "./ivf.js";
import { NAL_IDR, nalType, splitAnnexB } from "./h264-payload.js";
import { parseVp8FrameHeader } from "./vp8-payload.js";

export type VideoCodecName = "VP8" | "H264";

export type VideoFrame = { data: Uint8Array; keyframe: boolean; durationMs: number };

export type ReceivedVideoFrame = { data: Uint8Array; keyframe: boolean; rtpTimestamp: number };

export interface VideoFrameSource {
  readonly codec: VideoCodecName;
  /** The next frame, or undefined when the source has ended. */
  next(): VideoFrame | undefined;
  /** The receiver lost its picture (RTCP PLI/FIR): send a key frame as soon as possible. */
  keyframeRequested(): void;
}

export interface VideoFrameSink {
  write(frame: ReceivedVideoFrame): void;
  close(): void;
}

export function isKeyframe(codec: VideoCodecName, data: Uint8Array): boolean {
  if (codec === "VP8") return parseVp8FrameHeader(data)?.keyframe ?? false;
  return splitAnnexB(data).some((n) => nalType(n) === NAL_IDR);
}

const IVF_FOURCC: Record<VideoCodecName, string> = { VP8: "VP80", H264: "H264" };

export function codecOfFourcc(fourcc: string): VideoCodecName | undefined {
  return fourcc === "VP80" ? "VP8" : fourcc === "H264" ? "H264" : undefined;
}

/**
 * Plays an IVF file frame by frame. A key frame request makes it jump to the
 * next key frame in the file (or, looping, the first one); when there is none
 * it marks the request, and the next key frame it reaches clears it.
 */
export class IvfVideoSource implements VideoFrameSource {
  readonly codec: VideoCodecName;
  private readonly file: IvfFile;
  private readonly keyframes: boolean[];
  private at = 0;
  keyframePending = false;
  keyframeRequests = 0;

  constructor(
    file: IvfFile | string,
    private readonly options: { loop?: boolean; defaultFrameMs?: number } = {},
  ) {
    this.file = typeof file === "string" ? readIvfFile(file) : file;
    const codec = codecOfFourcc(this.file.header.fourcc);
    if (!codec) throw new RangeError(`IVF fourcc ${this.file.header.fourcc} is neither VP80 nor H264`);
    this.codec = codec;
    this.keyframes = this.file.frames.map((f) => isKeyframe(codec, f.data));
  }

  get position(): number {
    return this.at;
  }

  private durationMs(i: number): number {
    const { timebaseRate, timebaseScale } = this.file.header;
    const a = this.file.frames[i];
    const b = this.file.frames[i + 1] ?? this.file.frames[i - 1];
    if (!a || !b || a.pts === b.pts) return this.options.defaultFrameMs ?? 1000 / 30;
    return (Math.abs(b.pts - a.pts) * timebaseScale * 1000) / timebaseRate;
  }

  next(): VideoFrame | undefined {
    if (this.at >= this.file.frames.length) {
      if (!this.options.loop || this.file.frames.length === 0) return undefined;
      this.at = 0;
    }
    const i = this.at++;
    const keyframe = this.keyframes[i] ?? false;
    if (keyframe) this.keyframePending = false;
    return { data: (this.file.frames[i] as IvfFile["frames"][number]).data, keyframe, durationMs: this.durationMs(i) };
  }

  keyframeRequested(): void {
    this.keyframeRequests++;
    const ahead = this.keyframes.indexOf(true, this.at);
    const target = ahead >= 0 ? ahead : this.options.loop ? this.keyframes.indexOf(true) : -1;
    if (target >= 0) this.at = target;
    else this.keyframePending = true;
  }
}

/** Records received frames into an IVF file at 90 kHz; the size comes from the first VP8 key frame when not given. */
export class IvfVideoSink implements VideoFrameSink {
  private readonly writer: IvfWriter;
  private first: number | undefined;
  private last = 0;
  private sized: boolean;

  constructor(
    path: string,
    private readonly codec: VideoCodecName,
    size?: { width: number; height: number },
  ) {
    this.writer = new IvfWriter(path, { fourcc: IVF_FOURCC[codec], width: size?.width ?? 0, height: size?.height ?? 0, timebaseRate: 90000, timebaseScale: 1 });
    this.sized = size !== undefined;
  }

  get frameCount(): number {
    return this.writer.frameCount;
  }

  write(frame: ReceivedVideoFrame): void {
    if (!this.sized && this.codec === "VP8" && frame.keyframe) {
      const info = parseVp8FrameHeader(frame.data);
      if (info?.width && info.height) {
        this.writer.setSize(info.width, info.height);
        this.sized = true;
      }
    }
    this.first ??= frame.rtpTimestamp;
    // RTP timestamps wrap at 2^32: unwrap against the previous pts.
    const offset = (frame.rtpTimestamp - this.first) >>> 0;
    const pts = this.last + ((((offset - this.last) % 2 ** 32) + 2 ** 32) % 2 ** 32);
    this.last = pts;
    this.writer.write({ pts, data: frame.data });
  }

  close(): void {
    this.writer.close();
  }
}
