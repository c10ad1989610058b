// RFC 3261 §10.2 (REGISTER), RFC 5626 §4.2 (+sip.instance, reg-id, Supported: outbound),
// RFC 5627 §4.1 (Supported: gruu), RFC 3261 §11 (OPTIONS, used as a UDP keep-alive).
import { randomBytes } from "node:crypto";
import {
  createSipHeaders, parseSipUri, serializeUri, type SipRequest, type SipUri,
} from "../message/index.js";
import { newBranch } from "../transaction/index.js";

export type RegisterFields = {
  /** Request-URI: the registrar's domain (§10.2: no user part). */
  registrar: SipUri;
  aor: SipUri;
  displayName?: string;
  callId: string;
  fromTag: string;
  cseq: number;
  /** Our transport contact (or any URI that reaches us). */
  contact: SipUri;
  /** "urn:uuid:..." */
  instance: string;
  regId: number;
  expires: number;
  transport: string;
  route?: readonly string[];
  userAgent?: string;
};

/** A REGISTER as RFC 5626 §4.2 and RFC 5627 §4.1 want it; the transport stamps the Via sent-by. */
export function buildRegister(f: RegisterFields): SipRequest {
  const aor = serializeUri(f.aor);
  const from = f.displayName === undefined ? `<${aor}>` : `"${f.displayName.replace(/(["\\])/g, "\\$1")}" <${aor}>`;
  const h = createSipHeaders([
    ["Via", `SIP/2.0/${f.transport.toUpperCase()} ${f.contact.host};branch=${newBranch()};rport`],
    ["Max-Forwards", "70"],
    ["To", `<${aor}>`],
    ["From", `${from};tag=${f.fromTag}`],
    ["Call-ID", f.callId],
    ["CSeq", `${f.cseq} REGISTER`],
  ]);
  for (const r of f.route ?? []) h.append("Route", r);
  h.append("Contact", `<${serializeUri(f.contact)}>;+sip.instance="<${f.instance}>";reg-id=${f.regId}`);
  h.append("Expires", String(f.expires));
  h.append("Supported", "gruu, outbound");
  if (f.userAgent) h.append("User-Agent", f.userAgent);
  h.append("Content-Length", "0");
  return { kind: "request", method: "REGISTER", uri: f.registrar, version: "SIP/2.0", headers: h, body: new Uint8Array(0) };
}

/** An OPTIONS to the registrar's domain: the UDP keep-alive we use instead of STUN (any response means alive). */
export function buildKeepAliveOptions(f: Pick<RegisterFields, "registrar" | "aor" | "transport" | "contact" | "route">): SipRequest {
  const tag = randomBytes(6).toString("hex");
  const h = createSipHeaders([
    ["Via", `SIP/2.0/${f.transport.toUpperCase()} ${f.contact.host};branch=${newBranch()};rport`],
    ["Max-Forwards", "70"],
    ["To", `<${serializeUri(f.registrar)}>`],
    ["From", `<${serializeUri(f.aor)}>;tag=${tag}`],
    ["Call-ID", randomBytes(12).toString("hex")],
    ["CSeq", "1 OPTIONS"],
  ]);
  for (const r of f.route ?? []) h.append("Route", r);
  h.append("Content-Length", "0");
  return { kind: "request", method: "OPTIONS", uri: f.registrar, version: "SIP/2.0", headers: h, body: new Uint8Array(0) };
}

/** "urn:uuid:..." from a bare UUID or a URN. */
export function instanceUrn(id: string): string {
  const s = id.trim().replace(/^<|>$/g, "");
  return /^urn:/i.test(s) ? s : `urn:uuid:${s.toLowerCase()}`;
}

/** The registrar URI for an AoR: sip(s):domain (§10.2: the Request-URI names the domain). */
export function registrarFor(aor: SipUri): SipUri {
  return parseSipUri(`${aor.scheme === "sips" ? "sips" : "sip"}:${aor.host}${aor.port === undefined ? "" : `:${aor.port}`}`);
}
