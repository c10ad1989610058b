import { describe, expect, it } from "vitest";
import { NonInviteServerTransaction } from "./non-invite-server.js";
import { flush, request, response, serverUser, setup, TCP, UDP } from "./testing.js";
import type { SipTarget } from "./transaction.js";

function start(target: SipTarget = UDP) {
  const env = setup(target);
  const tu = serverUser();
  const req = request({ method: "BYE", toTag: "a6c85cf" });
  const tx = new NonInviteServerTransaction("id", req, env.ctx, tu.user);
  return { ...env, ...tu, req, tx };
}

describe("non-INVITE server transaction (RFC 3261 §17.2.2, RFC 4320)", () => {
  it("absorbs retransmissions in Trying, resends the last response after, Timer J = 64*T1 on UDP", () => {
    const t = start();
    t.tx.receive(t.req);
    expect(t.transport.sent).toHaveLength(0);
    t.tx.respond(response(t.req, 100));
    expect(t.tx.state).toBe("proceeding");
    t.clock.advance(100);
    t.tx.receive(t.req);
    t.tx.respond(response(t.req, 200));
    expect(t.tx.state).toBe("completed");
    t.clock.advance(100);
    t.tx.receive(t.req);
    expect(t.transport.times(100)).toEqual([0, 100]);
    expect(t.transport.times(200)).toEqual([100, 200]);
    t.clock.advance(32_000 - 100 - 1);
    expect(t.tx.state).toBe("completed");
    t.clock.advance(1);
    expect(t.tx.state).toBe("terminated");
  });

  it("Timer J = 0 on TCP", () => {
    const t = start(TCP);
    t.tx.respond(response(t.req, 200));
    t.clock.advance(0);
    expect(t.tx.state).toBe("terminated");
  });

  it("refuses what RFC 4320 forbids and anything after the final response", () => {
    const t = start();
    expect(() => t.tx.respond(response(t.req, 180))).toThrow(RangeError);
    expect(() => t.tx.respond(response(t.req, 408))).toThrow(RangeError);
    t.tx.respond(response(t.req, 200));
    expect(() => t.tx.respond(response(t.req, 200))).toThrow(/cannot send 200 in completed/);
  });

  it("a transport error ends it and tells the TU", async () => {
    const t = start();
    t.transport.failWith = "sync";
    t.tx.respond(response(t.req, 481));
    await flush();
    expect(t.tx.state).toBe("terminated");
    expect(t.failures).toMatchObject([{ reason: "transport-error" }]);
    expect(t.clock.pendingCount).toBe(0);
  });
});
