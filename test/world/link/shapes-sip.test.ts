// The cross-protocol scenario (shape-scenario.ts) on the SIP or XMPP server
// shapes of test/world/shapes.ts: our Kamailio and Debian's stock kamailio.cfg with GRUUs off (its default) and on.
import { describe, it } from "vitest";
import { useCleanup } from "../index.js";
import { SERVER_SHAPES } from "../shapes.js";
import { runShapeScenario } from "./shape-scenario.js";

const track = useCleanup();

describe.each(SERVER_SHAPES.filter((s) => s.xmpp === "prosody"))("on $name", (shape) => {
  it("UC-a..UC-e, hold and hang-up from either side, calls both ways", () => runShapeScenario(track, shape));
});
