// A tiny scripted XMPP server over direct TLS (XEP-0368) for hostile-input
// tests: it logs in anyone (PLAIN), binds, answers IQs with empty results,
// and after the client's initial presence sends what the script says.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { makeWorldDir, removeWorldDir } from "../index.js";

export type FakeServer = { port: number; domain: string; caPem: string; connections: number; streamErrors: string[]; stop(): Promise<void> };

const HEADER = (domain: string, n: number) =>
  `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s${n}' from='${domain}' version='1.0'>`;

/** `afterPresence[i]` is written on the i-th connection once the client is online; the last one repeats. */
export async function startFakeServer(afterPresence: (string | Buffer)[]): Promise<FakeServer> {
  const domain = "fake.test";
  const dir = makeWorldDir("fake-xmpp");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${domain}`,
    "-addext", `subjectAltName=DNS:${domain}`, "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")], { stdio: "ignore" });
  const caPem = readFileSync(join(dir, "c.pem"), "utf8");
  const state = { connections: 0 };
  const streamErrors: string[] = [];
  const server: Server = createServer({ key: readFileSync(join(dir, "k.pem")), cert: caPem }, (socket) => {
    const n = state.connections++;
    script(socket, n, afterPresence[Math.min(n, afterPresence.length - 1)] ?? "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    domain,
    caPem,
    get connections() {
      return state.connections;
    },
    streamErrors,
    async stop() {
      await new Promise((r) => server.close(r));
      removeWorldDir(dir, false);
    },
  };

  function script(socket: TLSSocket, n: number, payload: string | Buffer): void {
    let buffer = "";
    let authed = false;
    let sent = false;
    socket.on("error", () => undefined);
    socket.on("data", (d) => {
      buffer += d.toString();
      for (;;) {
        const step = nextStep(buffer);
        if (!step) return;
        buffer = buffer.slice(step.length);
        if (step.kind === "header") {
          socket.write(HEADER(domain, n) + (authed
            ? "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
            : "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>"));
        } else if (step.kind === "auth") {
          authed = true;
          socket.write("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        } else if (step.kind === "iq") {
          const id = /id=["']([^"']+)/.exec(step.text)?.[1] ?? "x";
          const bind = step.text.includes("xmpp-bind") ? `<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@${domain}/r${n}</jid></bind>` : "";
          socket.write(`<iq type='result' id='${id}'>${bind}</iq>`);
        } else if (step.kind === "other" && step.text.startsWith("<stream:error")) {
          streamErrors.push(/<stream:error><([\w-]+)/.exec(step.text)?.[1] ?? "?");
        } else if (step.kind === "presence" && !sent) {
          sent = true;
          socket.write(payload);
        }
      }
    });
  }
}

type Step = { kind: "header" | "auth" | "iq" | "presence" | "other"; text: string; length: number };

/** Cuts the next complete top-level thing out of the client's byte stream (good enough for our own client). */
function nextStep(buffer: string): Step | undefined {
  const header = /^\s*(<\?xml[^>]*\?>)?\s*<stream:stream[^>]*>/.exec(buffer);
  if (header) return { kind: "header", text: header[0], length: header[0].length };
  const el = /^\s*<([\w:]+)[^>]*?(\/>|>[\s\S]*?<\/\1>)/.exec(buffer);
  if (!el) return undefined;
  const name = el[1] ?? "";
  const kind = name === "auth" ? "auth" : name === "iq" ? "iq" : name === "presence" ? "presence" : "other";
  return { kind, text: el[0], length: el[0].length };
}
