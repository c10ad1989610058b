// RFC 3261 §18.1.1 / §18.2.1 over UDP: one bound socket sends requests and responses and receives both.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { TransportError } from "../../util/errors.js";

export type DatagramHandler = (data: Buffer, from: { host: string; port: number }) => void;

export class UdpEndpoint {
  private constructor(private readonly socket: Socket) {}

  /** Binds `host:port` (port 0: any free port). */
  static bind(host: string, port: number, onDatagram: DatagramHandler, onError: (err: Error) => void): Promise<UdpEndpoint> {
    const socket = createSocket({ type: isIPv6(host) ? "udp6" : "udp4" });
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, host, () => {
        socket.off("error", reject);
        socket.on("error", onError);
        socket.on("message", (msg: Buffer, rinfo: RemoteInfo) => onDatagram(msg, { host: rinfo.address, port: rinfo.port }));
        resolve(new UdpEndpoint(socket));
      });
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  get host(): string {
    return this.socket.address().address;
  }

  send(data: Uint8Array, host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(data, port, host, (err) => {
        if (err) reject(new TransportError(`UDP send to ${host}:${port} failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
