import { describe, expect, it } from "vitest";
import { NonInviteClientTransaction, type NonInviteClientState } from "./non-invite-client.js";
import { clientUser, flush, request, response, setup, TCP, UDP } from "./testing.js";
import type { SipTarget, StateChange } from "./transaction.js";

function start(target: SipTarget = UDP) {
  const env = setup(target);
  const tu = clientUser();
  const req = request({ method: "OPTIONS" });
  const tx = new NonInviteClientTransaction("id", req, env.ctx, tu.user);
  tx.start();
  const moves: StateChange<NonInviteClientState>[] = [];
  tx.events.on("state", (m) => moves.push(m));
  return { ...env, ...tu, req, tx, moves };
}

describe("non-INVITE client transaction (RFC 3261 §17.1.2, RFC 4320)", () => {
  it("UDP: Timer E doubles up to T2 (0, 500, 1500, 3500, 7500, 11500 ...) and Timer F reports a timeout, not a 408", () => {
    const t = start();
    t.clock.advance(32_000 - 1);
    expect(t.transport.times("OPTIONS")).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    t.clock.advance(1);
    expect(t.failures).toEqual([{ reason: "timeout", timer: "F" }]);
    expect(t.responses).toEqual([]);
    expect(t.moves).toEqual([{ from: "trying", to: "terminated" }]);
    expect(t.clock.pendingCount).toBe(0);
  });

  it("Proceeding: Timer E keeps firing, reset to T2 each time; Timer F still runs", () => {
    const t = start();
    t.clock.advance(600);
    t.tx.receive(response(t.req, 100));
    expect(t.tx.state).toBe("proceeding");
    t.clock.advance(14_000 - 600);
    // E was due at 1500 (interval 1000); from then on every T2.
    expect(t.transport.times("OPTIONS")).toEqual([0, 500, 1500, 5500, 9500, 13500]);
    t.clock.advance(32_000 - 14_000);
    expect(t.failures).toEqual([{ reason: "timeout", timer: "F" }]);
    expect(t.responses).toEqual([100]);
  });

  it("final response: Completed, retransmissions absorbed, Timer K = T4 on UDP", () => {
    const t = start();
    t.clock.advance(100);
    t.tx.receive(response(t.req, 200));
    t.tx.receive(response(t.req, 200));
    expect(t.responses).toEqual([200]);
    expect(t.tx.state).toBe("completed");
    t.clock.advance(5000 - 1);
    expect(t.tx.state).toBe("completed");
    t.clock.advance(1);
    expect(t.moves.map((m) => m.to)).toEqual(["completed", "terminated"]);
    expect(t.transport.times("OPTIONS")).toEqual([0]);
    expect(t.failures).toEqual([]);
  });

  it("TCP: no retransmissions, Timer K = 0", () => {
    const t = start(TCP);
    t.clock.advance(10_000);
    expect(t.transport.times("OPTIONS")).toEqual([0]);
    t.tx.receive(response(t.req, 404));
    t.clock.advance(0);
    expect(t.tx.state).toBe("terminated");
    expect(t.responses).toEqual([404]);
  });

  it("a transport error on a retransmission ends it", async () => {
    const t = start();
    t.transport.failWith = "async";
    t.clock.advance(500);
    await flush();
    expect(t.tx.state).toBe("terminated");
    expect(t.failures).toMatchObject([{ reason: "transport-error" }]);
    expect(t.clock.pendingCount).toBe(0);
  });
});
