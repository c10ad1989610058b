// Small waits for the transport world tests (events with a time-out, never a fixed sleep).
import { waitFor } from "../../../packages/core/src/util/events.js";
import type { TransportLayer } from "../../../packages/core/src/sip/transport/index.js";
export { startKamailio, until, useCleanup } from "../index.js";

export function waitForPong(transport: TransportLayer, flow: string, timeoutMs = 10_000): Promise<unknown> {
  return waitFor(transport.events, "pong", (p) => p.flow === flow, { timeoutMs });
}
