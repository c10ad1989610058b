// RFC 8656 §12.5 / RFC 8489 §5: STUN and padded ChannelData split out of a TCP byte stream.
import { describe, expect, it } from "vitest";
import { newTransactionId, parseStun, serializeStun } from "../stun/stun-message.js";
import { StunMethod } from "../stun/stun-types.js";
import { parseChannelData, serializeChannelData } from "./channel-data.js";
import { TurnStreamFramer } from "./stream-framing.js";

const stun = serializeStun({ method: StunMethod.binding, cls: "request", transactionId: newTransactionId(), attributes: [] }, { fingerprint: true });
const channel = serializeChannelData({ channel: 0x4001, data: new Uint8Array([1, 2, 3, 4, 5]) }, true);

describe("TurnStreamFramer", () => {
  it("splits STUN and padded ChannelData that arrive in one chunk", () => {
    const f = new TurnStreamFramer();
    const frames = f.push(new Uint8Array([...stun, ...channel, ...stun]));
    expect(frames.map((x) => x.kind)).toEqual(["stun", "channel", "stun"]);
    expect(channel.length).toBe(12); // 4 + 5, padded to 12
    const [, ch] = frames;
    if (ch?.kind !== "channel") throw new Error("no channel frame");
    const parsed = parseChannelData(ch.bytes);
    expect(parsed.ok && [...parsed.frame.data]).toEqual([1, 2, 3, 4, 5]);
    const [first] = frames;
    if (first?.kind !== "stun") throw new Error("no stun frame");
    expect(parseStun(first.bytes).ok).toBe(true);
  });

  it("reassembles frames cut at every byte boundary", () => {
    const all = new Uint8Array([...channel, ...stun]);
    const f = new TurnStreamFramer();
    const kinds: string[] = [];
    for (const b of all) kinds.push(...f.push(new Uint8Array([b])).map((x) => x.kind));
    expect(kinds).toEqual(["channel", "stun"]);
  });

  it("a byte that starts neither STUN nor ChannelData breaks the stream once, with the reason", () => {
    const f = new TurnStreamFramer();
    const frames = f.push(new Uint8Array([...stun, 0x80, 0, 0, 4, 1, 2, 3, 4]));
    expect(frames.map((x) => x.kind)).toEqual(["stun", "error"]);
    expect(frames[1]).toMatchObject({ reason: expect.stringContaining("0x80") });
    expect(f.push(stun)).toEqual([]);
  });

  it("a STUN length that is not a multiple of 4 is a framing error", () => {
    const bad = new Uint8Array(stun);
    bad[3] = (bad[3] as number) + 1;
    expect(new TurnStreamFramer().push(bad)).toEqual([{ kind: "error", reason: expect.stringContaining("multiple of 4") }]);
  });
});
