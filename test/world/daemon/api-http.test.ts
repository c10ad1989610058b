// The daemon's HTTP API plumbing on a real loopback socket: token required,
// loopback only, bad bodies answered 400 with a reason, events streamed.
import { afterAll, describe, expect, it } from "vitest";
import { Router } from "../../../packages/daemon/src/api/router.js";
import { startApiServer, type ApiServer } from "../../../packages/daemon/src/api/http.js";

let server: ApiServer | undefined;
afterAll(async () => server?.close());

describe("daemon API over HTTP", () => {
  it("refuses requests without the token, answers bad bodies with 400, streams events", async () => {
    const router = new Router("tok").add("POST", "/echo", ({ json }) => ({ echo: json() }));
    server = await startApiServer(router, { host: "127.0.0.1", port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const none = await fetch(`${server.url}/echo`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });

    const auth = { authorization: "Bearer tok", "content-type": "application/json" };
    const bad = await fetch(`${server.url}/echo`, { method: "POST", headers: auth, body: "{oops" });
    expect(bad.status).toBe(400);
    expect((await bad.json()) as unknown).toMatchObject({ error: { code: "bad-request", message: expect.stringContaining("not valid JSON") } });

    const ok = await fetch(`${server.url}/echo`, { method: "POST", headers: auth, body: '{"a":1}' });
    expect(await ok.json()).toEqual({ echo: { a: 1 } });

    const huge = await fetch(`${server.url}/echo`, { method: "POST", headers: auth, body: "x".repeat(400 * 1024) }).catch((e: Error) => e);
    // The server stops reading at the cap: the client sees a 413 or, if it was
    // still uploading, a reset connection; either way nothing is buffered.
    expect(huge instanceof Error ? "reset" : String(huge.status)).toMatch(/^(413|reset)$/);

    const stream = await fetch(`${server.url}/events`, { headers: { authorization: "Bearer tok" } });
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const reader = stream.body!.getReader();
    server.publish({ type: "message", text: "hi" });
    let text = "";
    while (!text.includes("data: ")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: message\ndata: {"type":"message","text":"hi"}');
    await reader.cancel();

    // The server is still serving after all of that.
    expect((await fetch(`${server.url}/echo`, { method: "POST", headers: auth, body: "[]" })).status).toBe(201);
  });
});
