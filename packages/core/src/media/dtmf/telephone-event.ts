// RFC 4733 §2.3 (telephone-event payload), §2.5.1 (sender: marker on the
// first packet, same timestamp for the whole event, growing duration, the end
// packet sent three times) and §2.5.2 (receiver: one event per timestamp).
import { dataView } from "../bytes.js";

/** §3.2: events 0-9, *, #, A-D; 16 is flash. */
const DIGITS = "0123456789*#ABCD";

export type TelephoneEvent = {
  event: number;
  end: boolean;
  /** Power level in -dBm0, 0..63. */
  volume: number;
  /** Duration so far, in RTP timestamp units. */
  duration: number;
};

export function digitToEvent(digit: string): number | undefined {
  const i = DIGITS.indexOf(digit.toUpperCase());
  return i >= 0 && digit.length === 1 ? i : undefined;
}

export function eventToDigit(event: number): string | undefined {
  return DIGITS[event];
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const b1 = payload[1] as number;
  return { event: payload[0] as number, end: (b1 & 0x80) !== 0, volume: b1 & 0x3f, duration: dataView(payload).getUint16(2) };
}

export function serializeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  dataView(out).setUint16(2, Math.min(0xffff, e.duration));
  return out;
}

export type TelephoneEventPacket = { marker: boolean; payload: Uint8Array };

export type DigitOptions = { durationMs?: number; volume?: number; clockRate?: number; intervalMs?: number };

/**
 * The packets for one digit, in send order, one per `intervalMs` (the end
 * packets back to back). The caller gives each the next sequence number and
 * the same RTP timestamp: the event's start.
 */
export function telephoneEventPackets(digit: string, options: DigitOptions = {}): TelephoneEventPacket[] {
  const event = digitToEvent(digit);
  if (event === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
  const { durationMs = 100, volume = 10, clockRate = 8000, intervalMs = 20 } = options;
  const step = Math.round((intervalMs * clockRate) / 1000);
  const total = Math.max(step, Math.round((durationMs * clockRate) / 1000));
  const packets: TelephoneEventPacket[] = [];
  for (let d = step; d < total; d += step)
    packets.push({ marker: packets.length === 0, payload: serializeTelephoneEvent({ event, end: false, volume, duration: d }) });
  // §2.5.1.4: the final packet is retransmitted, three in all.
  for (let i = 0; i < 3; i++)
    packets.push({ marker: packets.length === 0, payload: serializeTelephoneEvent({ event, end: true, volume, duration: total }) });
  return packets;
}

export type ReceivedDigit = { digit: string; event: number; timestamp: number };

/**
 * Reports each event once, on the first packet seen for its timestamp (so a
 * lost start or lost end packets do not lose the digit). Redundant updates
 * and the repeated end packets of the same event are ignored.
 */
export class TelephoneEventReceiver {
  private last: { timestamp: number; event: number } | undefined;

  onPacket(timestamp: number, payload: Uint8Array): ReceivedDigit | undefined {
    const e = parseTelephoneEvent(payload);
    if (!e) return undefined;
    if (this.last && this.last.timestamp === timestamp && this.last.event === e.event) return undefined;
    this.last = { timestamp, event: e.event };
    const digit = eventToDigit(e.event);
    return digit === undefined ? undefined : { digit, event: e.event, timestamp };
  }
}
