// XEP-0215 against Prosody 0.12 with mod_turn_external: our client asks its
// XMPP server for STUN/TURN services, and the TURN credentials it gets
// (TURN REST API, shared secret with coturn) allocate on coturn (D29).
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realClock } from "../../../packages/core/src/util/clock.js";
import { TurnAllocation } from "../../../packages/core/src/net/turn/turn-allocation.js";
import { UdpDemux } from "../../../packages/core/src/net/udp-demux.js";
import { startCoturn, type Coturn } from "../coturn.js";
import { makePassword } from "../dir.js";
import { freePort, LOOPBACK } from "../ports.js";
import { startProsody, type Prosody } from "../prosody.js";
import { makeClient } from "../xmpp/helpers.js";

let coturn: Coturn;
let prosody: Prosody;
let failed = false;

beforeAll(async () => {
  const secret = makePassword();
  const port = await freePort();
  coturn = await startCoturn({ listen: LOOPBACK, port, realm: "example.test", staticAuthSecret: secret });
  prosody = await startProsody({ users: ["alice"], label: "extdisco", turnExternal: { secret, host: LOOPBACK, port } });
});

afterAll(async () => {
  await prosody?.stop({ keepDir: failed });
  await coturn?.stop({ keepDir: failed });
});

describe("XEP-0215 with Prosody's mod_turn_external and coturn", () => {
  it("lists stun and turn with short-term credentials that allocate on coturn", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const client = makeClient(prosody, "alice");
    await client.start();
    try {
      const services = await client.externalServices();
      expect(services.map((s) => s.type).sort()).toEqual(["stun", "turn"]);
      const turn = services.find((s) => s.type === "turn");
      expect(turn).toMatchObject({ host: LOOPBACK, port: coturn.port, transport: "udp" });
      if (!turn?.username || !turn.password) throw new Error(`no TURN credentials in ${JSON.stringify(services)}`);
      expect(turn.expires?.getTime()).toBeGreaterThan(Date.now());
      const socket = createSocket("udp4");
      await new Promise<void>((r) => socket.bind(0, LOOPBACK, r));
      const demux = new UdpDemux(socket, realClock);
      const allocation = await TurnAllocation.allocate({ demux, server: { address: LOOPBACK, port: coturn.port }, credentials: { username: turn.username, password: turn.password }, clock: realClock, keepAliveMs: 0 });
      expect(allocation.relayedAddress.address).toBe(LOOPBACK);
      await allocation.close();
      socket.close();
    } finally {
      await client.stop();
    }
  });
});
