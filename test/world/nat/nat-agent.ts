// A host of the NAT world: runs inside a namespace (ip netns exec), one UDP
// socket on argv[2] through our UdpDemux, driven by JSON lines on stdin;
// answers and events are JSON lines on stdout. It uses cusax's STUN/TURN
// client code as is (packages/core/src/net).
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";
import { realClock } from "../../../packages/core/src/util/clock.js";
import { bindingRequest } from "../../../packages/core/src/net/stun/binding.js";
import { TurnAllocation } from "../../../packages/core/src/net/turn/turn-allocation.js";
import { UdpDemux } from "../../../packages/core/src/net/udp-demux.js";

type Peer = { address: string; port: number };
type Command =
  | { id: number; op: "binding"; server: Peer }
  | { id: number; op: "allocate"; server: Peer; username: string; password: string; keepAliveMs?: number; transport?: "udp" | "tcp" | "tls"; servername?: string; ca?: string }
  | { id: number; op: "permission" | "channel"; peer: Peer }
  | { id: number; op: "turn-send" | "udp-send"; peer: Peer; text: string }
  | { id: number; op: "refresh" }
  | { id: number; op: "close" };

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const socket = createSocket("udp4");
socket.on("error", (err) => out({ event: "socket-error", message: err.message }));
const demux = new UdpDemux(socket, realClock);
let turn: TurnAllocation | undefined;

demux.events.on("datagram", (d) => {
  if (d.kind !== "turn-channel") out({ event: "udp", from: d.from, text: Buffer.from(d.bytes).toString() });
});

async function handle(c: Command): Promise<unknown> {
  switch (c.op) {
    case "binding":
      return bindingRequest(demux.transactions, c.server);
    case "allocate": {
      const path = c.transport === "tcp" || c.transport === "tls" ? { transport: c.transport, tls: { ...(c.servername && { servername: c.servername }), ...(c.ca && { ca: [c.ca] }) } } : { demux };
      turn = await TurnAllocation.allocate({ ...path, server: c.server, credentials: c, clock: realClock, ...(c.keepAliveMs !== undefined && { keepAliveMs: c.keepAliveMs }) });
      turn.events.on("data", (d) => out({ event: "turn-data", peer: d.peer, via: d.via, text: Buffer.from(d.bytes).toString() }));
      turn.events.on("failed", (f) => out({ event: "turn-failed", message: f.error.message }));
      return { relayed: turn.relayedAddress, mapped: turn.mappedAddress, lifetime: turn.lifetimeSec, staleNonces: turn.staleNonces, transport: turn.transport };
    }
    case "permission":
      await need().createPermission([c.peer]);
      return { staleNonces: need().staleNonces };
    case "channel":
      return { channel: await need().bindChannel(c.peer), staleNonces: need().staleNonces };
    case "turn-send":
      need().send(c.peer, Buffer.from(c.text));
      return {};
    case "udp-send":
      demux.send(Buffer.from(c.text), c.peer);
      return {};
    case "refresh":
      await need().refresh();
      return { lifetime: need().lifetimeSec };
    case "close":
      await turn?.close();
      return { dropped: { turn: turn?.dropped, stun: demux.transactions.dropped } };
  }
}

function need(): TurnAllocation {
  if (!turn) throw new Error("no allocation");
  return turn;
}

socket.bind(Number(process.argv[3] ?? 0), process.argv[2], () => {
  out({ event: "ready", port: socket.address().port });
  createInterface({ input: process.stdin }).on("line", (line) => {
    const c = JSON.parse(line) as Command;
    handle(c).then(
      (result) => out({ id: c.id, ok: true, result }),
      (err: Error & { code?: number; kind?: string }) => out({ id: c.id, ok: false, error: err.message, code: err.code, kind: err.kind }),
    );
  });
});
process.stdin.on("end", () => process.exit(0));
