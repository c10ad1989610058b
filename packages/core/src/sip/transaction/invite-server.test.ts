import { describe, expect, it } from "vitest";
import { InviteServerTransaction, type InviteServerState } from "./invite-server.js";
import { flush, request, response, serverUser, setup, TCP, UDP } from "./testing.js";
import type { SipTarget, StateChange } from "./transaction.js";

function start(target: SipTarget = UDP) {
  const env = setup(target);
  const tu = serverUser();
  const invite = request();
  const tx = new InviteServerTransaction("id", invite, env.ctx, tu.user);
  const moves: StateChange<InviteServerState>[] = [];
  tx.events.on("state", (m) => moves.push(m));
  const ack = request({ method: "ACK", cseqMethod: "ACK", toTag: "a6c85cf" });
  return { ...env, ...tu, invite, ack, tx, moves };
}

describe("INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)", () => {
  it("sends 100 Trying when the TU is silent for 200 ms, and resends it for a retransmitted INVITE", () => {
    const t = start();
    t.clock.advance(199);
    expect(t.transport.sent).toHaveLength(0);
    t.clock.advance(1);
    expect(t.transport.times(100)).toEqual([200]);
    const trying = t.transport.sent[0]!.message;
    expect(trying.headers.to()?.tag).toBeUndefined();
    expect(trying.headers.cseq()).toEqual({ seq: 314159, method: "INVITE" });
    t.clock.advance(300);
    t.tx.receive(t.invite);
    expect(t.transport.times(100)).toEqual([200, 500]);
  });

  it("no 100 when the TU answers first; a retransmitted INVITE gets the latest provisional", () => {
    const t = start();
    t.clock.advance(50);
    t.tx.respond(response(t.invite, 180));
    t.clock.advance(1000);
    t.tx.receive(t.invite);
    expect(t.transport.times(100)).toEqual([]);
    expect(t.transport.times(180)).toEqual([50, 1050]);
    expect(t.tx.state).toBe("proceeding");
  });

  it("2xx: Accepted; INVITE retransmissions absorbed, TU 2xx retransmissions sent, ACK to the TU, Timer L ends it", () => {
    const t = start();
    t.tx.respond(response(t.invite, 200));
    expect(t.tx.state).toBe("accepted");
    t.clock.advance(500);
    t.tx.receive(t.invite);
    t.tx.respond(response(t.invite, 200)); // the TU's retransmission (RFC 6026 §7.1)
    t.tx.receive(t.ack);
    expect(t.transport.times(200)).toEqual([0, 500]);
    expect(t.acks).toHaveLength(1);
    expect(() => t.tx.respond(response(t.invite, 486))).toThrow(/cannot send 486 in accepted/);
    t.clock.advance(32_000 - 500 - 1);
    expect(t.tx.state).toBe("accepted");
    t.clock.advance(1);
    expect(t.moves.map((m) => m.to)).toEqual(["accepted", "terminated"]);
    expect(t.transport.times(200)).toEqual([0, 500]); // never retransmitted by the transaction itself
  });

  it("300-699 on UDP: Timer G doubles to T2 until Timer H gives up without ACK", () => {
    const t = start();
    t.tx.respond(response(t.invite, 486));
    t.clock.advance(32_000 - 1);
    expect(t.transport.times(486)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(t.tx.state).toBe("completed");
    t.clock.advance(1);
    expect(t.failures).toEqual([{ reason: "timeout", timer: "H" }]);
    expect(t.tx.state).toBe("terminated");
    expect(t.clock.pendingCount).toBe(0);
  });

  it("300-699 then ACK: Confirmed, retransmissions stop, ACKs absorbed, Timer I = T4 on UDP", () => {
    const t = start();
    t.tx.respond(response(t.invite, 486));
    t.clock.advance(700);
    t.tx.receive(t.invite); // retransmitted INVITE in Completed: final response again
    t.tx.receive(t.ack);
    expect(t.tx.state).toBe("confirmed");
    t.tx.receive(t.ack);
    t.tx.receive(t.invite);
    t.clock.advance(5000 - 1);
    expect(t.transport.times(486)).toEqual([0, 500, 700]);
    expect(t.tx.state).toBe("confirmed");
    t.clock.advance(1);
    expect(t.moves.map((m) => m.to)).toEqual(["completed", "confirmed", "terminated"]);
    expect(t.acks).toEqual([]); // ACK for a non-2xx stays in the transaction
    expect(t.failures).toEqual([]);
  });

  it("TCP: no Timer G, Timer I = 0", () => {
    const t = start(TCP);
    t.tx.respond(response(t.invite, 404));
    t.clock.advance(10_000);
    expect(t.transport.times(404)).toEqual([0]);
    t.tx.receive(t.ack);
    t.clock.advance(0);
    expect(t.tx.state).toBe("terminated");
  });

  it("a transport error in Completed ends it; in Proceeding it only informs the TU (RFC 6026 Figure 7)", async () => {
    const t = start();
    t.transport.failWith = "async";
    t.tx.respond(response(t.invite, 180));
    await flush();
    expect(t.tx.state).toBe("proceeding");
    t.tx.respond(response(t.invite, 500));
    await flush();
    expect(t.tx.state).toBe("terminated");
    expect(t.failures.map((f) => f.reason)).toEqual(["transport-error", "transport-error"]);
    expect(t.clock.pendingCount).toBe(0);
  });
});
