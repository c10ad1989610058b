// RFC 3264 §5 and §8: what stays fixed across offers and answers of one
// session: the o= session id, a version that moves only when the SDP changes,
// our SSRC per m-line, and our SDES keys per m-line and suite.
import { randomBytes } from "node:crypto";
import type { SrtpSuiteName } from "../media/srtp/suites.js";
import { generateCryptoAttribute, type CryptoAttribute } from "./crypto-attribute.js";

export type SdpLocalState = {
  sessionId: string;
  version: number;
  /** Last SDP body we sent, with the o= line left out, to detect changes. */
  lastBody?: string;
  ssrcs: number[];
  cname: string;
  keys: Map<string, CryptoAttribute>;
};

function random32(): number {
  return randomBytes(4).readUInt32BE(0);
}

export function createSdpLocalState(): SdpLocalState {
  // RFC 8866 §5.2: sess-id a numeric string, an NTP-format timestamp is suggested; random is fine.
  const sessionId = String(random32() * 1000 + (random32() % 1000));
  return { sessionId, version: Math.floor(random32() / 2), ssrcs: [], cname: randomBytes(8).toString("hex"), keys: new Map() };
}

export function ssrcFor(state: SdpLocalState, index: number): number {
  let ssrc = state.ssrcs[index];
  if (ssrc === undefined) {
    ssrc = random32();
    state.ssrcs[index] = ssrc;
  }
  return ssrc;
}

/** Our key for m-line `index` and `suite`, made once and reused in re-offers. */
export function keyFor(state: SdpLocalState, index: number, suite: SrtpSuiteName, tag: number): CryptoAttribute {
  const id = `${index}/${suite}`;
  let key = state.keys.get(id);
  if (!key) {
    key = generateCryptoAttribute(tag, suite);
    state.keys.set(id, key);
  }
  return { ...key, tag };
}

/**
 * §8: the o= version increments when, and only when, the description changes.
 * `render(version)` serialises the SDP with that version in o=.
 */
export function stampVersion(state: SdpLocalState, render: (version: number) => string): string {
  const body = (sdp: string) => sdp.replace(/^o=.*$/m, "");
  const candidate = render(state.version);
  if (state.lastBody === undefined) {
    state.lastBody = body(candidate);
    return candidate;
  }
  if (body(candidate) === state.lastBody) return candidate;
  state.version++;
  const changed = render(state.version);
  state.lastBody = body(changed);
  return changed;
}
