// Types of rtp-session.ts (RFC 3550 RTP session over UDP): options, events,
// the socket surface it needs, and the reasons it drops incoming packets.
import type { Clock } from "../../util/clock.js";
import type { AudioCodec } from "../codecs/codec.js";
import type { ReceivedDigit } from "../dtmf/telephone-event.js";
import type { MediaSink, MediaSource } from "../source.js";
import type { SrtpKeyMaterial } from "../srtp/srtp-context.js";
import type { PortRange } from "./udp-pair.js";

export type RtpEndpoint = { address: string; port: number };

/** The part of a node:dgram socket the session uses (tests pass a fake). */
export interface DatagramSocket {
  on(event: "message", listener: (msg: Buffer, rinfo: { address: string; port: number }) => void): unknown;
  send(msg: Uint8Array, port: number, address: string): void;
  close(): void;
}

/**
 * Why an incoming packet was dropped: RTP parse failures (short, version,
 * padding, rtcp), payload-type, unknown-ssrc (see ssrc-lock.ts), srtp-* and
 * srtcp-* (auth, replayed, too-old, ...), rtcp-* parse failures, and decode
 * (a payload the codec could not decode: concealed instead).
 */
export type RtpDropReason = string;

export type RtpSessionOptions = {
  clock: Clock;
  codec: AudioCodec;
  /** PT we send the codec with (the peer's); default codec.payloadType. */
  sendPayloadType?: number;
  /** PTs we accept as audio; default [sendPayloadType]. */
  receivePayloadTypes?: number[];
  telephoneEvent?: { sendPayloadType: number; receivePayloadType: number };
  address?: string;
  portRange?: PortRange;
  remote?: { rtp: RtpEndpoint; rtcp?: RtpEndpoint };
  srtp?: { local: SrtpKeyMaterial; remote: SrtpKeyMaterial };
  source?: MediaSource;
  sink?: MediaSink;
  ssrc?: number;
  rtcpIntervalMs?: number;
  /** Wall clock for NTP timestamps in SR and RTT (Unix ms); default Date.now. */
  wallClock?: () => number;
  /** Silence after which another SSRC may take over (RFC 3550 §8.2; see ssrc-lock.ts). */
  ssrcSwitchAfterMs?: number;
  /** A send tick this much after its frame slot counts as late (default 10 ms). */
  lateSendMs?: number;
};

export type RtpSessionEvents = {
  /** An audio packet taken in (before the jitter buffer): payload relays read it here. */
  audio: { sequenceNumber: number; timestamp: number; marker: boolean; payload: Uint8Array };
  dtmf: ReceivedDigit;
  latched: RtpEndpoint;
  rejected: { reason: string };
  rtcp: { rttMs?: number };
};
