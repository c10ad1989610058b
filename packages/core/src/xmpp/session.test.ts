import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { Entity, Element } from "@xmpp/client";
import { FakeClock } from "../util/clock.js";
import { silentLogger } from "../util/log.js";
import { Session, type SessionOwner } from "./session.js";
import type { ClientState } from "./client-events.js";

class FakeEntity extends EventEmitter {
  status = "offline";
  jid = { toString: () => "alice@example.test/r" };
  options = { service: "xmpp://127.0.0.1:1", domain: "example.test" };
  streamManagement = Object.assign(new EventEmitter(), { outbound_q: [] as unknown[] });
  pings = 0;
  connects = 0;
  failConnect = false;
  startError: Error | undefined;
  iqCaller = { request: () => (this.pings++, new Promise<Element>(() => {})) };
  async start() {
    if (this.startError) {
      this.emit("error", this.startError);
      throw this.startError;
    }
    this.emit("online");
    return this.jid;
  }
  async stop() {
    this.emit("disconnect");
  }
  async disconnect() {
    this.emit("disconnect");
  }
  async connect() {
    this.connects++;
    if (this.failConnect) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  }
  async open() {
    this.emit("online");
  }
}

function setup() {
  const clock = new FakeClock();
  const entity = new FakeEntity();
  const log: string[] = [];
  const owner: SessionOwner = {
    entityCreated: () => log.push("created"),
    sessionStarted: async () => void log.push("started"),
    sessionResumed: () => log.push("resumed"),
    linkLost: (again) => log.push(`lost ${again}`),
    stanza: () => undefined,
    unacked: () => log.push("unacked"),
    stateChanged: (_f: ClientState, to: ClientState) => log.push(`-> ${to}`),
    error: (e) => log.push(`error ${e.kind}`),
  };
  const session = new Session(
    {
      service: "xmpp://127.0.0.1:1",
      domain: "example.test",
      username: "alice",
      password: "pw",
      clock,
      logger: silentLogger,
      backoff: { baseMs: 1000, maxMs: 8000, random: () => 1 },
      ping: { intervalMs: 60_000, timeoutMs: 10_000 },
      createEntity: () => entity as unknown as Entity,
    },
    owner,
  );
  return { clock, entity, log, session };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("XMPP session life cycle", () => {
  it("starts, loses the link, backs off and comes back", async () => {
    const { clock, entity, log, session } = setup();
    await session.start();
    expect(session.state).toBe("online");
    expect(log).toEqual(["-> connecting", "created", "-> online", "started"]);
    log.length = 0;
    entity.failConnect = true;
    entity.emit("disconnect");
    expect(log).toEqual(["lost true", "-> disconnected"]);
    clock.advance(999);
    expect(entity.connects).toBe(0);
    clock.advance(1);
    await flush();
    expect(entity.connects).toBe(1);
    expect(session.state).toBe("disconnected");
    // Second attempt waits twice as long.
    clock.advance(1999);
    expect(entity.connects).toBe(1);
    entity.failConnect = false;
    clock.advance(1);
    await flush();
    expect(entity.connects).toBe(2);
    expect(session.state).toBe("online");
    expect(log.filter((l) => l === "started")).toHaveLength(1);
  });

  it("a resumed stream (XEP-0198) is not a new session", async () => {
    const { clock, entity, log, session } = setup();
    await session.start();
    entity.open = async () => void entity.streamManagement.emit("resumed");
    entity.emit("disconnect");
    clock.advance(1000);
    await flush();
    expect(session.state).toBe("online");
    expect(log.filter((l) => l === "resumed")).toHaveLength(1);
    expect(log.filter((l) => l === "started")).toHaveLength(1);
  });

  it("pings when idle and drops a link that does not answer (XEP-0199)", async () => {
    const { clock, entity, session } = setup();
    await session.start();
    entity.failConnect = true;
    clock.advance(60_000);
    expect(entity.pings).toBe(1);
    clock.advance(10_000);
    await flush();
    expect(session.state).toBe("disconnected");
  });

  it("stop ends everything; no reconnect afterwards", async () => {
    const { clock, entity, log, session } = setup();
    await session.start();
    await session.stop();
    expect(session.state).toBe("stopped");
    entity.emit("disconnect");
    clock.advance(100_000);
    expect(entity.connects).toBe(0);
    expect(log).toContain("lost false");
    expect(clock.pendingCount).toBe(0);
  });

  it("a failed start rejects with a typed error and stops", async () => {
    const { entity, session } = setup();
    entity.startError = Object.assign(new Error("not-authorized"), { name: "SASLError", condition: "not-authorized" });
    await expect(session.start()).rejects.toMatchObject({ kind: "sasl", condition: "not-authorized" });
    expect(session.state).toBe("stopped");
  });

  it("gives up reconnecting when the credentials stop working", async () => {
    const { clock, entity, log, session } = setup();
    await session.start();
    entity.connect = async () => {
      entity.connects++;
      const err = Object.assign(new Error("not-authorized"), { name: "SASLError", condition: "not-authorized" });
      entity.emit("error", err);
      throw err;
    };
    entity.emit("disconnect");
    clock.advance(1000);
    await flush();
    await flush();
    expect(session.state).toBe("stopped");
    expect(log).toContain("lost false");
    clock.advance(100_000);
    expect(entity.connects).toBe(1);
  });
});
