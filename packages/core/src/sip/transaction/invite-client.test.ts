import { describe, expect, it } from "vitest";
import { TransportError } from "../../util/errors.js";
import type { SipRequest } from "../message/index.js";
import { InviteClientTransaction, type InviteClientState } from "./invite-client.js";
import { clientUser, flush, request, response, setup, TCP } from "./testing.js";
import type { StateChange } from "./transaction.js";

function start(target = setup().ctx.target) {
  const env = setup(target);
  const tu = clientUser();
  const invite = request({ extra: ["Route: <sip:proxy.example.com;lr>"] });
  const tx = new InviteClientTransaction("id", invite, env.ctx, tu.user);
  tx.start();
  const moves: StateChange<InviteClientState>[] = [];
  tx.events.on("state", (m) => moves.push(m));
  return { ...env, ...tu, invite, tx, moves };
}

describe("INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)", () => {
  it("UDP: retransmits at 0, 500, 1500, 3500 ... and Timer B ends it with a timeout at 64*T1", () => {
    const t = start();
    t.clock.advance(64 * 500 - 1);
    expect(t.transport.times("INVITE")).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(t.tx.state).toBe("calling");
    t.clock.advance(1);
    expect(t.failures).toEqual([{ reason: "timeout", timer: "B" }]);
    expect(t.responses).toEqual([]);
    expect(t.moves).toEqual([{ from: "calling", to: "terminated" }]);
    expect(t.clock.pendingCount).toBe(0);
  });

  it("TCP: sends once, no Timer A; Timer B still fires", () => {
    const t = start(TCP);
    t.clock.advance(32_000);
    expect(t.transport.times("INVITE")).toEqual([0]);
    expect(t.failures).toEqual([{ reason: "timeout", timer: "B" }]);
  });

  it("1xx: Proceeding, stops retransmitting, no Timer B; 2xx: Accepted, every 2xx up, Timer M ends it", () => {
    const t = start();
    t.clock.advance(600);
    t.tx.receive(response(t.invite, 100));
    t.tx.receive(response(t.invite, 180));
    t.clock.advance(60_000);
    expect(t.transport.times("INVITE")).toEqual([0, 500]);
    expect(t.tx.state).toBe("proceeding");
    t.tx.receive(response(t.invite, 200));
    t.tx.receive(response(t.invite, 200)); // retransmission
    t.tx.receive(response(t.invite, 200, "other-fork"));
    t.tx.receive(response(t.invite, 486)); // not a 2xx: not passed up in Accepted
    expect(t.responses).toEqual([100, 180, 200, 200, 200]);
    // RFC 6026: the transaction never ACKs a 2xx; that is the TU's job.
    expect(t.transport.times("ACK")).toEqual([]);
    expect(t.tx.state).toBe("accepted");
    t.clock.advance(64 * 500 - 1);
    expect(t.tx.state).toBe("accepted");
    t.clock.advance(1);
    expect(t.moves.map((m) => m.to)).toEqual(["proceeding", "accepted", "terminated"]);
    expect(t.failures).toEqual([]);
  });

  it("300-699: builds and sends the ACK (§17.1.1.3), resends it per retransmitted response, Timer D = 32 s on UDP", () => {
    const t = start();
    t.clock.advance(100);
    t.tx.receive(response(t.invite, 486));
    expect(t.tx.state).toBe("completed");
    expect(t.responses).toEqual([486]);
    const ack = t.transport.sent.at(-1)!.message as SipRequest;
    expect(ack.method).toBe("ACK");
    expect(ack.headers.getAll("Via")).toEqual(t.invite.headers.getAll("Via"));
    expect(ack.headers.to()?.tag).toBe("a6c85cf");
    expect(ack.headers.cseq()).toEqual({ seq: 314159, method: "ACK" });
    expect(ack.headers.getAll("Route")).toEqual(["<sip:proxy.example.com;lr>"]);
    t.clock.advance(1000);
    t.tx.receive(response(t.invite, 486));
    expect(t.responses).toEqual([486]);
    expect(t.transport.times("ACK")).toEqual([100, 1100]);
    expect(t.transport.times("INVITE")).toEqual([0]);
    t.clock.advance(32_000 - 1000 - 1);
    expect(t.tx.state).toBe("completed");
    t.clock.advance(1);
    expect(t.tx.state).toBe("terminated");
  });

  it("Timer D is 0 on TCP", () => {
    const t = start(TCP);
    t.tx.receive(response(t.invite, 603));
    expect(t.tx.state).toBe("completed");
    t.clock.advance(0);
    expect(t.tx.state).toBe("terminated");
    expect(t.transport.times("ACK")).toEqual([0]);
  });

  it.each(["sync", "async"] as const)("a transport error (%s) ends it and tells the TU (§17.1.4)", async (mode) => {
    const env = setup();
    const tu = clientUser();
    env.transport.failWith = mode;
    const tx = new InviteClientTransaction("id", request(), env.ctx, tu.user);
    tx.start();
    await flush();
    expect(tx.state).toBe("terminated");
    expect(tu.failures).toHaveLength(1);
    expect(tu.failures[0]).toMatchObject({ reason: "transport-error" });
    expect((tu.failures[0] as { error: unknown }).error).toBeInstanceOf(TransportError);
    expect(env.clock.pendingCount).toBe(0);
  });

  it("an invalid move throws", () => {
    const t = start();
    t.tx.receive(response(t.invite, 200));
    const move = (to: InviteClientState) => (t.tx as unknown as { transition(s: InviteClientState): void }).transition(to);
    expect(() => move("proceeding")).toThrow(/accepted -> proceeding/);
  });
});
