// RFC 3550 §11: RTP on an even port, RTCP on the next (odd) one, bound from
// a configurable range on one local address.
import { createSocket, type Socket } from "node:dgram";
import { TransportError } from "../../util/errors.js";

export type PortRange = { min: number; max: number };

export type UdpPair = { rtp: Socket; rtcp: Socket; port: number };

function bind(socket: Socket, port: number, address: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      socket.off("listening", onListening);
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
      else reject(new TransportError(`cannot bind ${address}:${port}: ${err.message}`, { cause: err }));
    };
    const onListening = () => {
      socket.off("error", onError);
      resolve(true);
    };
    socket.once("error", onError);
    socket.once("listening", onListening);
    socket.bind(port, address);
  });
}

/** Binds an RTP/RTCP pair on the first free even port of `range`, starting at a random one. */
export async function bindUdpPair(address: string, range: PortRange): Promise<UdpPair> {
  const first = range.min + (range.min % 2);
  const count = Math.floor((range.max - first) / 2) + 1;
  if (count < 1) throw new TransportError(`empty RTP port range ${range.min}-${range.max}`);
  const offset = Math.floor(Math.random() * count);
  const family = address.includes(":") ? "udp6" : "udp4";
  for (let i = 0; i < count; i++) {
    const port = first + 2 * ((offset + i) % count);
    const rtp = createSocket(family);
    if (!(await bind(rtp, port, address))) {
      rtp.close();
      continue;
    }
    const rtcp = createSocket(family);
    if (await bind(rtcp, port + 1, address)) return { rtp, rtcp, port };
    rtp.close();
    rtcp.close();
  }
  throw new TransportError(`no free RTP port pair in ${range.min}-${range.max} on ${address}`);
}
