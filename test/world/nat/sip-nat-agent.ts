// A SIP host of the NAT world: cusax's SipUserAgent inside a namespace (ip netns exec), registered at
// the world's Kamailio; it answers incoming calls, dials and hangs up on JSON lines from stdin, and
// reports registration, incoming calls and call ends as JSON lines on stdout.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { SipUserAgent, type SipCall } from "../../../packages/core/src/sip/index.js";
import { ToneMedia } from "../sip/call-kit.js";

type Setup = { aor: string; password: string; proxy: string; host: string; keepAliveSeconds?: number; expires: number };
type Command = { id: number; op: "dial"; uri: string } | { id: number; op: "hangup" } | { id: number; op: "stop" };

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const setup = JSON.parse(process.argv[2] ?? "{}") as Setup;
const calls: SipCall[] = [];

const ua = new SipUserAgent({
  aor: setup.aor, password: setup.password, instanceId: `urn:uuid:${randomUUID()}`, transport: "udp",
  outboundProxy: setup.proxy, listen: { host: setup.host, port: Number(process.argv[3] ?? 0) }, expires: setup.expires,
  // As the daemon passes sip.keepAliveSeconds (client-options.ts); 0 turns keep-alives off.
  keepAliveMs: (setup.keepAliveSeconds ?? 0) * 1000,
  mediaHooks: { create: () => new ToneMedia(440, setup.host) },
});

function follow(call: SipCall): void {
  calls.push(call);
  call.events.on("state", ({ to }) => out({ event: "state", callId: call.id, state: to }));
  call.events.on("ended", (e) => out({ event: "ended", callId: call.id, ...e }));
}

ua.events.on("incoming", (call) => {
  out({ event: "incoming", callId: call.id, remote: call.remote });
  follow(call);
  void call.answer();
});
ua.events.on("registered", (i) => out({ event: "registered", contact: i.contact }));
ua.events.on("registrationFailed", (f) => out({ event: "registration-failed", ...f }));

async function handle(c: Command): Promise<unknown> {
  if (c.op === "dial") {
    const call = ua.call(c.uri);
    follow(call);
    return { callId: call.id };
  }
  if (c.op === "hangup") {
    for (const call of calls) call.hangup();
    return {};
  }
  await ua.stop();
  return {};
}

ua.start().then((r) => {
  out({ event: "ready", ok: r.ok });
  createInterface({ input: process.stdin }).on("line", (line) => {
    const c = JSON.parse(line) as Command;
    handle(c).then(
      (result) => out({ id: c.id, ok: true, result }),
      (err: Error) => out({ id: c.id, ok: false, error: err.message }),
    );
  });
}, (err: Error) => out({ event: "ready", ok: false, error: err.message }));
process.stdin.on("end", () => void ua.stop().finally(() => process.exit(0)));
