// World: RFC 5626 §4.5 flow recovery at the world's Kamailio: the registrar restarts (its in-memory
// bindings go, our TCP flow closes) and we are registered again within seconds, without a retry storm.
import { describe, expect, it } from "vitest";
import { startKamailio, until, useCleanup } from "../index.js";
import { bindingOf, startStack } from "./stack-kit.js";

const track = useCleanup();

describe("registration across a registrar restart", () => {
  it("re-registers over TCP soon after Kamailio is back, with few attempts while it is down", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "reg-restart" }));
    const ua = track(await startStack(k, "TCP"));
    expect(await ua.registration.start()).toMatchObject({ ok: true });
    await until("the binding in ul.dump", async () => (await bindingOf(k, "alice")).includes(ua.instanceId));
    let attempts = 0;
    ua.registration.events.on("failed", () => (attempts += 1));
    let registeredAt = 0;
    ua.registration.events.once("registered", () => (registeredAt = Date.now()));
    const stoppedAt = Date.now();
    await k.restart(async () => {
      // The flow's close was noticed: we are no longer registered while Kamailio is down.
      await until("the registration to leave registered", () => ua.registration.state !== "registered", { timeoutMs: 30_000 });
    });
    const upAt = Date.now();
    const at = await until("registered again", () => registeredAt || undefined, { timeoutMs: 60_000 });
    const sinceUp = at - upAt;
    console.log(`registrar restart: registered again ${sinceUp} ms after Kamailio answered again (${at - stoppedAt} ms after it was stopped; ${attempts} failed attempts in between)`);
    expect(ua.registration.state).toBe("registered");
    expect(sinceUp).toBeLessThan(15_000);
    // Immediate attempt plus at most four quick retries before the 30 s back-off (backoff.ts).
    expect(attempts).toBeLessThanOrEqual(5);
    await until("the new binding in ul.dump", async () => (await bindingOf(k, "alice")).includes(ua.instanceId));
    await ua.stop();
  });
});
