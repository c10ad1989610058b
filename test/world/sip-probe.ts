// A one-datagram SIP OPTIONS probe: true once any SIP response comes back.
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";

/** Every probe's Call-ID starts with this, so wire dumps can leave probes out. */
export const PROBE_CALL_ID = "cusax-probe-";

export function sipOptionsProbe(host: string, port: number, domain: string, timeoutMs = 500, id = randomBytes(6).toString("hex")): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket("udp4");
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on("error", () => finish(false));
    sock.on("message", (m) => finish(m.toString("latin1").startsWith("SIP/2.0 ")));
    sock.bind(0, host, () => {
      const local = sock.address();
      const msg =
        `OPTIONS sip:${domain} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP ${host}:${local.port};branch=z9hG4bK${id};rport\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:probe@${domain}>;tag=${id}\r\nTo: <sip:${domain}>\r\n` +
        `Call-ID: ${PROBE_CALL_ID}${id}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
      sock.send(msg, port, host);
    });
  });
}
