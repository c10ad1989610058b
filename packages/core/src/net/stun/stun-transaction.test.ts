// RFC 8489 §6.2.1 retransmission schedule on a fake clock, and §6.3 matching.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { bindingRequest } from "./binding.js";
import { xorAddressAttr } from "./stun-attributes.js";
import { parseStun, serializeStun } from "./stun-message.js";
import { StunTransactions } from "./stun-transaction.js";
import { StunAttr } from "./stun-types.js";

const server = { address: "203.0.113.1", port: 3478 };

describe("STUN client transactions", () => {
  it("retransmits at 0, 500, 1500, 3500, 7500, 15500, 31500 ms and gives up at 39500 ms", async () => {
    const clock = new FakeClock();
    const sends: number[] = [];
    const tx = new StunTransactions(() => sends.push(clock.now()), clock);
    const result = bindingRequest(tx, server).then(
      () => "answered",
      (e: Error & { kind?: string }) => e.kind,
    );
    clock.advance(39499);
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    clock.advance(1);
    expect(await result).toBe("timeout");
    expect(clock.pendingCount).toBe(0);
  });

  it("matches the answer by transaction ID and stops retransmitting", async () => {
    const clock = new FakeClock();
    const sent: Uint8Array[] = [];
    const tx = new StunTransactions((b) => sent.push(b), clock);
    const mapped = bindingRequest(tx, server);
    clock.advance(600);
    expect(sent).toHaveLength(2);
    const req = parseStun(sent[0] as Uint8Array);
    if (!req.ok) throw new Error(req.reason);
    const id = req.stun.message.transactionId;
    const other = { ...req.stun.message, cls: "success" as const, transactionId: new Uint8Array(12), attributes: [] };
    tx.receive(serializeStun(other));
    expect(tx.dropped.unmatched).toBe(1);
    const answer = { ...req.stun.message, cls: "success" as const, attributes: [xorAddressAttr(StunAttr.xorMappedAddress, { family: 4, address: "203.0.113.9", port: 6000 }, id)] };
    tx.receive(serializeStun(answer, { fingerprint: true }));
    expect(await mapped).toEqual({ family: 4, address: "203.0.113.9", port: 6000 });
    clock.advance(60000);
    expect(sent).toHaveLength(2);
    tx.receive(new Uint8Array([0, 1, 2]));
    expect(tx.dropped.short).toBe(1);
  });
});
