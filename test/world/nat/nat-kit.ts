// Test-side handle of a nat-agent.ts host: JSON commands in, answers and
// events out, waited for by condition (never by sleeping).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Managed } from "../process.js";
import type { NatWorld } from "../netns.js";
import { until } from "../wait.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const TSX = join(here, "../../../node_modules/.bin/tsx");

export type AgentEvent = { event: string; [k: string]: unknown };
type Answer = { id: number; ok: boolean; result?: unknown; error?: string; code?: number };

export class NatAgent {
  readonly events: AgentEvent[] = [];
  private readonly answers = new Map<number, Answer>();
  private next = 1;

  private constructor(
    readonly name: string,
    private readonly proc: Managed,
  ) {
    let buf = "";
    proc.child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        this.line(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }

  private line(line: string): void {
    let o: Answer | AgentEvent;
    try {
      o = JSON.parse(line) as Answer | AgentEvent;
    } catch {
      return; // not ours (a warning of node's)
    }
    if ("id" in o && typeof o.id === "number") this.answers.set(o.id, o as Answer);
    else this.events.push(o as AgentEvent);
  }

  static async start(world: NatWorld, ns: string, name: string, address: string, dir: string, port = 0): Promise<NatAgent> {
    const proc = world.spawn(ns, name, TSX, [join(here, "nat-agent.ts"), address, String(port)], join(dir, `${name}.log`), "pipe");
    const agent = new NatAgent(name, proc);
    await agent.event("ready", () => true, 60_000);
    return agent;
  }

  /** Another agent script of this folder (e.g. sip-nat-agent.ts) with its own arguments; ready on its "ready" event. */
  static async startScript(world: NatWorld, ns: string, name: string, script: string, args: string[], dir: string): Promise<NatAgent> {
    const proc = world.spawn(ns, name, TSX, [join(here, script), ...args], join(dir, `${name}.log`), "pipe");
    const agent = new NatAgent(name, proc);
    await agent.event("ready", () => true, 60_000);
    return agent;
  }

  /** Sends a command; resolves with its result or rejects with the agent's error (with `code`). */
  async call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.next++;
    this.proc.child.stdin?.write(`${JSON.stringify({ id, op, ...args })}\n`);
    const a = await until(`${this.name} to answer ${op}`, () => this.answers.get(id), { timeoutMs, intervalMs: 20 });
    if (!a.ok) throw Object.assign(new Error(`${this.name} ${op}: ${a.error}`), { code: a.code });
    return a.result as T;
  }

  event(kind: string, match: (e: AgentEvent) => boolean, timeoutMs = 30_000): Promise<AgentEvent> {
    return until(`${this.name} event ${kind}`, () => this.events.find((e) => e.event === kind && match(e)), { timeoutMs, intervalMs: 20 });
  }

  get port(): number {
    return this.events.find((e) => e.event === "ready")?.port as number;
  }

  stop(): Promise<void> {
    this.proc.child.stdin?.end();
    return this.proc.stop();
  }
}
