// protocol.md D23, RFC 5627 §4.2: which Contact our dialogs carry and which GRUU we publish, from the probes' outcome.
import { describe, expect, it } from "vitest";
import { createLogger, type LogRecord } from "../util/log.js";
import type { GruuProbeOutcome } from "./call/gruu-probe.js";
import { classifyGruuRouting, GruuRoutingState } from "./gruu-routing.js";

const G1 = "sip:alice@example.test;gr=urn:uuid:1";
const G2 = "sip:alice@example.test;gr=urn:uuid:2";
const TEMP = "sip:tgruu.abc@example.test;gr";
const REGISTERED = "sip:alice@192.0.2.1:5070;transport=tcp";
const ANON = "sip:192.0.2.1:5070;transport=tcp";

const yes = { arrived: true } as const;
const no = (reason: string) => ({ arrived: false, reason }) as const;

function setup(outcomes: Record<string, GruuProbeOutcome>) {
  const reg: { gruu?: string; temp?: string } = {};
  const probed: string[] = [];
  const records: LogRecord[] = [];
  let release: (() => void) | undefined;
  const state = new GruuRoutingState(
    { gruu: () => reg.gruu, tempGruu: () => reg.temp, registeredContact: () => REGISTERED, anonymousFallback: () => ANON },
    (gruu) => {
      probed.push(gruu);
      return new Promise((resolve) => (release = () => resolve(outcomes[gruu]!)));
    },
    createLogger({ sink: (r) => records.push(r) }),
  );
  return { state, reg, probed, records, release: () => release?.() };
}

describe("classifyGruuRouting", () => {
  it("in-dialog when the in-dialog probe came back, initial-only when only the initial one did, else none", () => {
    expect(classifyGruuRouting({ inDialog: yes, initial: yes }).routing).toBe("in-dialog");
    const stock = classifyGruuRouting({ inDialog: no("478 Unresolvable destination"), initial: yes });
    expect(stock).toEqual({ routing: "initial-only", reason: "an in-dialog OPTIONS to the GRUU got: 478 Unresolvable destination; an initial OPTIONS to it came back to us" });
    expect(classifyGruuRouting({ inDialog: no("404 Not here"), initial: no("no answer within 4000 ms") }).reason).toContain("no answer within 4000 ms");
  });
});

describe("GruuRoutingState", () => {
  it("while a probe runs nothing uses or publishes the GRUU; in-dialog: it is the dialog Contact and published", async () => {
    const { state, reg, release, records } = setup({ [G1]: { inDialog: yes, initial: yes } });
    reg.gruu = G1;
    reg.temp = TEMP;
    const done = state.registered(G1);
    expect(state.routing()).toBe("unknown");
    expect(state.dialogContact()).toBe(REGISTERED);
    expect(state.published()).toBeUndefined();
    expect(state.anonymousContact()).toBe(ANON);
    release();
    await done;
    expect(state.routing()).toBe("in-dialog");
    expect(state.dialogContact()).toBe(G1);
    expect(state.published()).toBe(G1);
    expect(state.anonymousContact()).toBe(TEMP);
    expect(state.publicInfo({ contact: G1, gruu: G1, tempGruu: TEMP, expires: 60 })).toEqual({ contact: G1, gruu: G1, tempGruu: TEMP, expires: 60 });
    expect(records.map((r) => [r.level, r.msg])).toEqual([["info", "GRUU routing: in-dialog (an in-dialog OPTIONS to the GRUU came back to us)"]]);
  });

  it("initial-only (the stock shape): the registered contact in dialogs, temp-gruu not used, the GRUU still published", async () => {
    const { state, reg, release } = setup({ [G1]: { inDialog: no("478 Unresolvable destination"), initial: yes } });
    reg.gruu = G1;
    reg.temp = TEMP;
    const done = state.registered(G1);
    release();
    await done;
    expect(state.routing()).toBe("initial-only");
    expect(state.dialogContact()).toBe(REGISTERED);
    expect(state.anonymousContact()).toBe(ANON);
    expect(state.published()).toBe(G1);
    expect(state.publicInfo({ contact: G1, gruu: G1, tempGruu: TEMP, expires: 60 })).toEqual({ contact: REGISTERED, gruu: G1, expires: 60 });
  });

  it("none: the GRUU is neither used nor published", async () => {
    const { state, reg, release } = setup({ [G1]: { inDialog: no("478 Unresolvable destination"), initial: no("478 Unresolvable destination") } });
    reg.gruu = G1;
    const done = state.registered(G1);
    release();
    await done;
    expect(state.routing()).toBe("none");
    expect(state.published()).toBeUndefined();
    expect(state.publicInfo({ contact: G1, gruu: G1, expires: 60 })).toEqual({ contact: REGISTERED, expires: 60 });
  });

  it("one probe round per GRUU: refreshes with the same GRUU cost nothing, a new GRUU is probed again", async () => {
    const { state, reg, probed, release } = setup({ [G1]: { inDialog: yes, initial: yes }, [G2]: { inDialog: no("478 x"), initial: yes } });
    reg.gruu = G1;
    const first = state.registered(G1);
    const again = state.registered(G1);
    release();
    await Promise.all([first, again]);
    await state.registered(G1);
    expect(probed).toEqual([G1]);
    reg.gruu = G2;
    const second = state.registered(G2);
    expect(state.routing()).toBe("unknown");
    release();
    await second;
    expect(probed).toEqual([G1, G2]);
    expect(state.routing()).toBe("initial-only");
    await state.registered(undefined);
    expect(probed).toEqual([G1, G2]);
  });

  it("a probe that finishes after the GRUU changed does not decide for the new one", async () => {
    const outcomes: Record<string, GruuProbeOutcome> = { [G1]: { inDialog: yes, initial: yes }, [G2]: { inDialog: no("478 x"), initial: no("478 x") } };
    const reg: { gruu?: string } = {};
    const releases: (() => void)[] = [];
    const state = new GruuRoutingState(
      { gruu: () => reg.gruu, tempGruu: () => undefined, registeredContact: () => REGISTERED, anonymousFallback: () => ANON },
      (gruu) => new Promise((resolve) => releases.push(() => resolve(outcomes[gruu]!))),
      createLogger({ sink: () => undefined }),
    );
    reg.gruu = G1;
    const p1 = state.registered(G1);
    reg.gruu = G2;
    const p2 = state.registered(G2);
    releases[0]!();
    await p1;
    expect(state.routing()).toBe("unknown");
    releases[1]!();
    await p2;
    expect(state.routing()).toBe("none");
    expect(state.dialogContact()).toBe(REGISTERED);
  });
});
