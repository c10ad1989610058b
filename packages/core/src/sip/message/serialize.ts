// RFC 3261 §7: write a message with canonical long header names (§7.3.3 compact
// forms expanded), CRLF line ends and a Content-Length computed from the body.
import type { SipMessage } from "./types.js";
import { canonicalName, headerKey } from "./names.js";
import { serializeUri } from "./uri.js";

/** Start line and headers, ending with the empty line; the body is not included. */
export function serializeSipHead(msg: SipMessage): string {
  let out = msg.kind === "request"
    ? `${msg.method} ${serializeUri(msg.uri)} ${msg.version}\r\n`
    : `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  let lengthWritten = false;
  for (const { name, value } of msg.headers) {
    if (headerKey(name) === "content-length") {
      if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
      lengthWritten = true;
      continue;
    }
    out += `${canonicalName(name)}: ${clean(value)}\r\n`;
  }
  if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
  return `${out}\r\n`;
}

/** A header value must never carry a line end (no header injection through set()). */
function clean(value: string): string {
  return value.indexOf("\r") < 0 && value.indexOf("\n") < 0 ? value : value.replace(/[\r\n]+[ \t]*/g, " ");
}

/** The whole message as bytes (headers UTF-8, body as is). */
export function serializeSipMessage(msg: SipMessage): Uint8Array {
  const head = Buffer.from(serializeSipHead(msg), "utf8");
  if (msg.body.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.byteLength);
  const out = new Uint8Array(head.length + msg.body.length);
  out.set(head, 0);
  out.set(msg.body, head.length);
  return out;
}

/** The whole message as a string, body decoded as UTF-8 (for text bodies, logs and tests). */
export function serializeSipMessageString(msg: SipMessage): string {
  return serializeSipHead(msg) + Buffer.from(msg.body.buffer, msg.body.byteOffset, msg.body.byteLength).toString("utf8");
}
