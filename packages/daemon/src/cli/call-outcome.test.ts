// `cusax answer` and `cusax hangup` say the outcome (answered; ended, cancelled or declined once the
// call is gone), not the state at the moment of asking; against a fake daemon (a fetch function).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { main, type Io } from "./main.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-cli-outcome-"));
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Entry = { id: string; direction: string; state: string; remote: string; hold: { local: boolean; remote: boolean } };
const entry = (id: string, direction: string, state: string): Entry => ({ id, direction, state, remote: `sip:${id}@example.test`, hold: { local: false, remote: false } });

/** A daemon whose GET /calls lists `calls`; POST /calls/:id/<action> answers `answers[action]` and may end the call after `listedFor` more GETs. */
function rig(calls: Entry[], answers: Record<string, unknown>, listedFor = 0) {
  let gets = 0;
  let ended: string | undefined;
  const fetchFn: FetchLike = async (url, init) => {
    const path = url.replace("http://127.0.0.1:9", "");
    if (init.method === "GET" && path === "/calls") {
      gets += 1;
      const list = ended !== undefined && gets > listedFor ? calls.filter((c) => c.id !== ended) : calls;
      return new Response(JSON.stringify({ calls: list }), { status: 200 });
    }
    const m = /^\/calls\/([^/]+)\/(\w+)$/.exec(path);
    if (init.method === "POST" && m) {
      ended = m[2] === "hangup" ? decodeURIComponent(m[1]!) : undefined;
      gets = 0;
      return new Response(JSON.stringify(answers[m[2]!]), { status: 201 });
    }
    return new Response(JSON.stringify({ error: { code: "not-found", message: path } }), { status: 404 });
  };
  const o = {
    stdout: "", stderr: "",
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
    readInput: () => Promise.reject(new Error("no input")),
    env: { CUSAX_DATA_DIR: dir, HOME: "/nonexistent" },
    fetch: fetchFn,
  };
  return o as Io & { stdout: string; stderr: string };
}

describe("call outcomes in the CLI", () => {
  it("answer says answered (and fails when the daemon says it was not)", async () => {
    const ok = rig([entry("in1", "incoming", "ringing")], { answer: { answered: true, call: entry("in1", "incoming", "answering") } });
    expect(await main(["answer"], ok)).toBe(0);
    expect(ok.stdout).toBe("answered: call in1 with sip:in1@example.test\n");
    const no = rig([entry("in1", "incoming", "ringing")], { answer: { answered: false } });
    expect(await main(["answer"], no)).toBe(1);
  });

  it("hangup of an established call waits until it is gone and says it ended", async () => {
    const io = rig([entry("c1", "outgoing", "established")], { hangup: { call: entry("c1", "outgoing", "ending") } }, 3);
    expect(await main(["hangup"], io)).toBe(0);
    expect(io.stdout).toBe("ended (hung up): call c1 with sip:c1@example.test\n");
  });

  it("hangup says cancelled for our ringing call and declined for theirs, with the reason when the call ended at once", async () => {
    const out = rig([entry("o1", "outgoing", "ringing")], { hangup: { call: entry("o1", "outgoing", "cancelling") } }, 1);
    expect(await main(["hangup"], out)).toBe(0);
    expect(out.stdout).toBe("cancelled: call o1 with sip:o1@example.test\n");
    const declined = { ...entry("i1", "incoming", "ended"), outcome: { reason: "declined", status: 603 } };
    const inc = rig([entry("i1", "incoming", "ringing")], { hangup: { call: declined } });
    expect(await main(["hangup"], inc)).toBe(0);
    expect(inc.stdout).toBe("declined: call i1 with sip:i1@example.test (declined)\n");
  });
});
