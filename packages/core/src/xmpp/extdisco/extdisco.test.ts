// XEP-0215 golden stanzas: the queries we send and the results we read.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { iceServers, parseExtdiscoResult, serializeExtdiscoQuery } from "./extdisco.js";

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

describe("XEP-0215 external service discovery", () => {
  it("asks for all services, for one type, and for one service's credentials", () => {
    expect(serializeExtdiscoQuery("example.test").toString()).toBe(`<iq type="get" to="example.test"><services xmlns="urn:xmpp:extdisco:2"/></iq>`);
    expect(serializeExtdiscoQuery("example.test", { type: "turn" }).toString()).toBe(`<iq type="get" to="example.test"><services xmlns="urn:xmpp:extdisco:2" type="turn"/></iq>`);
    expect(serializeExtdiscoQuery("example.test", { credentials: { host: "turn.example.test", type: "turn", port: 3478 } }).toString()).toBe(
      `<iq type="get" to="example.test"><credentials xmlns="urn:xmpp:extdisco:2"><service host="turn.example.test" type="turn" port="3478"/></credentials></iq>`,
    );
  });

  it("reads host, port, transport, credentials and expiry; skips services without a host; ignores bad ports, transports and dates", () => {
    const services = parseExtdiscoResult(fixture("services-result.xml"));
    expect(services).toEqual([
      { type: "stun", transport: "udp", host: "turn.example.test", port: 3478, restricted: false },
      {
        type: "turn",
        transport: "udp",
        host: "turn.example.test",
        port: 3478,
        restricted: true,
        username: "1764892800:alice@example.test",
        password: "c2VjcmV0LWhtYWM=",
        expires: new Date("2025-12-05T00:00:00Z"),
      },
      { type: "turns", transport: "tcp", host: "turn.example.test", port: 5349, restricted: true, name: "TLS relay" },
      { type: "turn", host: "bad.example.test", restricted: false },
    ]);
    expect(iceServers(services).map((s) => s.type)).toEqual(["stun", "turn", "turns", "turn"]);
  });

  it("reads a credentials result, and nothing from an unrelated result", () => {
    expect(parseExtdiscoResult(fixture("credentials-result.xml"))).toEqual([{ type: "turn", host: "turn.example.test", port: 3478, username: "u", password: "p", restricted: true }]);
    expect(parseExtdiscoResult(parseXml(`<iq type="result"/>`))).toEqual([]);
  });
});
