// The web app in headless Chromium on two cusax daemons (alice, bob) against
// real Prosody and Kamailio: sign-in by one-time link, foreign Host/Origin
// refused, add and approve a contact, chat with receipts and typing, a call
// from the chat answered from the banner, a message during the call inside
// the call's conversation (UC-e), hold, DTMF, hang-up, presence, and the same
// timeline after a daemon restart. Writes docs/screenshots/*.png each run.
// The steps share one world and run in order.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { writeConfig, type Daemon } from "../daemon/daemon-kit.js";
import { apiOf, ensureWebBuilt, loginUrl, openBrowser, rawRequest, screenshot, sessionCookie, startDaemon, withFixedApiPort, type BrowserPage } from "./web-kit.js";

const track = useCleanup();
const step = { timeout: 60_000 };
const wait = { timeoutMs: 60_000, intervalMs: 200 };

let prosody: Prosody;
let kamailio: Kamailio;
let dir: string;
let alice: Daemon;
let bob: Daemon;
let alicePaths: { config: string; dataDir: string };
let a: BrowserPage;
let b: BrowserPage;
let aliceJid: string;
let bobJid: string;

const text = (p: Page, sel: string) => p.locator(sel).allInnerTexts();
const bodies = async (p: Page) => (await text(p, ".timeline .msg .body")).map((s) => s.trim());
/** What the timeline shows: kind, id and text of each row. */
const timelineShape = (p: Page) =>
  p.locator(".timeline > li[data-kind]").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-kind")}:${e.getAttribute("data-id")}:${e.querySelector(".body")?.textContent ?? e.getAttribute("data-outcome")}`));

async function signIn(page: Page, dataDir: string, user: string): Promise<void> {
  await page.goto(await loginUrl(dataDir));
  await page.waitForURL((u) => u.pathname === "/", step);
  await page.locator(".self", { hasText: `${user}@` }).waitFor(step);
  await page.locator(".accounts", { hasText: "Phone: registered · Chat: online" }).waitFor(step);
}

async function openContact(page: Page, jid: string): Promise<void> {
  await page.locator(`.contact[data-contact="${jid}"]`).click();
  await page.locator(".chat-head h1").waitFor(step);
}

beforeAll(async () => {
  ensureWebBuilt();
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
  dir = makeWorldDir("web");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  // A fixed API port, as a person's config has: the page keeps its origin across the restart.
  alicePaths = await withFixedApiPort(writeConfig(dir, "alice", prosody, kamailio));
  alice = track(await startDaemon("alice", alicePaths));
  bob = track(await startDaemon("bob", writeConfig(dir, "bob", prosody, kamailio)));
  aliceJid = prosody.users.alice!.jid;
  bobJid = prosody.users.bob!.jid;
  a = track(await openBrowser(join(dir, "chromium-alice")));
  b = track(await openBrowser(join(dir, "chromium-bob")));
}, 240_000);

describe("the web app on two daemons", () => {
  it("signs alice in with a one-time link; a foreign Host or Origin is refused", async () => {
    await signIn(a.page, alice.dataDir, "alice");
    const { url } = apiOf(alice.dataDir);
    const port = new URL(url).port;
    const cookie = await sessionCookie(a.context);
    const host = await rawRequest(`${url}/status`, { headers: { host: `evil.example:${port}`, cookie } });
    expect([403, 421]).toContain(host.status);
    expect(JSON.parse(host.body)).toMatchObject({ error: { code: "forbidden-host" } });
    const json = { cookie, "content-type": "application/json" };
    const origin = await rawRequest(`${url}/presence`, { method: "PUT", headers: { ...json, origin: "http://evil.example" }, body: '{"show":"available"}' });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body)).toMatchObject({ error: { code: "forbidden-origin" } });
    // The page itself is served under the strict CSP, and nothing in it broke it.
    const index = await rawRequest(`${url}/`, {});
    expect(index.headers["content-security-policy"]).toContain("script-src 'self'");
    await signIn(b.page, bob.dataDir, "bob");
    expect(a.errors).toEqual([]);
  }, 180_000);

  it("alice adds bob, bob approves in his page and adds her; both show the other callable", async () => {
    await a.page.getByRole("button", { name: "Add contact", exact: true }).click();
    await a.page.getByLabel("XMPP address").fill(bobJid);
    await a.page.getByLabel("Name (optional)").fill("Bob");
    await a.page.getByRole("button", { name: "Add", exact: true }).click();
    await b.page.getByRole("button", { name: `Approve ${aliceJid}` }).click(step);
    await b.page.locator(".request").waitFor({ state: "detached", ...step });
    await b.page.getByRole("button", { name: "Add contact", exact: true }).click();
    await b.page.getByLabel("XMPP address").fill(aliceJid);
    await b.page.getByLabel("Name (optional)").fill("Alice");
    await b.page.getByRole("button", { name: "Add", exact: true }).click();
    for (const [p, jid] of [[a.page, bobJid], [b.page, aliceJid]] as const) {
      await p.locator(`.contact[data-contact="${jid}"] .contact-sub`, { hasText: "Callable" }).waitFor(step);
      await p.locator(`.contact[data-contact="${jid}"] .dot-available`).waitFor(step);
    }
  }, 180_000);

  it("chats both ways with receipts and typing shown", async () => {
    await openContact(a.page, bobJid);
    const composer = a.page.getByLabel("Message", { exact: true });
    await composer.fill("hello bob");
    await composer.press("Enter");
    // bob sees it in the list (unread) before opening it.
    await b.page.locator(`.contact[data-contact="${aliceJid}"] .badge`, { hasText: "1" }).waitFor(step);
    await openContact(b.page, aliceJid);
    await until("bob's timeline has alice's message", async () => (await bodies(b.page)).includes("hello bob"), wait);
    // Receipt: at least delivered (displayed once bob has it open).
    await a.page.locator('.msg.out[data-state="delivered"], .msg.out[data-state="displayed"]').first().waitFor(step);
    // bob types (Shift+Enter is a new line, not a send): alice sees "typing…".
    const bobComposer = b.page.getByLabel("Message", { exact: true });
    await bobComposer.click();
    await bobComposer.pressSequentially("lunch at noon?");
    await a.page.locator(".typing-line", { hasText: "is typing" }).waitFor(step);
    await bobComposer.press("Shift+Enter");
    await bobComposer.pressSequentially("or later");
    expect(await bobComposer.inputValue()).toBe("lunch at noon?\nor later");
    await bobComposer.press("Enter");
    await until("alice has bob's answer", async () => (await bodies(a.page)).includes("lunch at noon?\nor later"), wait);
    await a.page.locator(".typing-line", { hasText: "is typing" }).waitFor({ state: "detached", ...step });
    await screenshot(a.page, "contacts-timeline");
  }, 180_000);

  it("alice calls from the chat; bob answers from his banner; bob's message lands in the call's conversation", async () => {
    await a.page.getByRole("button", { name: "Audio call", exact: true }).click();
    const banner = b.page.locator(".incoming");
    await banner.waitFor(step);
    await screenshot(b.page, "incoming-call");
    await b.page.getByRole("button", { name: "Answer call from Alice" }).click();
    for (const p of [a.page, b.page]) await p.locator('.callbar[data-state="established"]').waitFor(step);
    await banner.waitFor({ state: "detached", ...step });
    // UC-e: bob writes during the call; alice sees it inside the call.
    const bobComposer = b.page.getByLabel("Message", { exact: true });
    await b.page.locator(".composer.in-call").waitFor(step);
    await bobComposer.fill("can you hear me?");
    await bobComposer.press("Enter");
    const inCall = a.page.locator(".msg.in.in-call", { hasText: "can you hear me?" });
    await inCall.waitFor(step);
    expect(await a.page.locator(".msg.in-call .span-label").first().innerText()).toContain("During this call");
    const conversation = await inCall.getAttribute("data-conversation");
    expect(Number(conversation)).toBeGreaterThan(0);
    // Live statistics from GET /calls/:id/stats.
    await until("alice's call bar shows a codec", async () => {
      const codec = (await text(a.page, ".stats dd"))[0];
      return codec !== undefined && codec !== "?";
    }, wait);
    await screenshot(a.page, "in-call");
  }, 240_000);

  it("holds, resumes, sends DTMF and hangs up from the page", async () => {
    await a.page.getByRole("button", { name: "Hold", exact: true }).click();
    await b.page.locator('.callbar[data-hold="remote"]').waitFor(step);
    await a.page.locator('.callbar[data-hold="local"]').waitFor(step);
    await a.page.getByRole("button", { name: "Resume", exact: true }).click();
    await b.page.locator('.callbar[data-hold="none"]').waitFor(step);
    await a.page.getByRole("button", { name: "Keypad (DTMF)" }).click();
    for (const k of ["1", "2", "#"]) await a.page.getByRole("button", { name: `Send digit ${k}`, exact: true }).click();
    await b.page.locator(".dtmf-in", { hasText: "12#" }).waitFor(step);
    await a.page.getByRole("button", { name: "Hang up", exact: true }).click();
    for (const p of [a.page, b.page]) {
      await p.locator(".callbar").waitFor({ state: "detached", ...step });
      await p.locator('.callrow[data-outcome="answered"]').waitFor(step);
    }
    // The message written during the call sits in the stored call's conversation.
    const callConv = await a.page.locator('.callrow[data-outcome="answered"]').getAttribute("data-conversation");
    expect(await a.page.locator(".msg.in", { hasText: "can you hear me?" }).getAttribute("data-conversation")).toBe(callConv);
  }, 180_000);

  it("shows alice's away on bob's page (also at phone width, dark), and the links panel", async () => {
    await a.page.getByLabel("My status message").fill("back at two");
    await a.page.getByLabel("My presence").selectOption("away");
    await b.page.locator(".chat-sub[data-presence=\"away\"]", { hasText: "back at two" }).waitFor(step);
    await b.page.locator(`.contact[data-contact="${aliceJid}"] .dot-away`).waitFor(step);
    // bob's window at phone width in dark mode: the conversation is a screen of its own.
    await b.page.setViewportSize({ width: 390, height: 800 });
    await b.page.emulateMedia({ colorScheme: "dark" });
    await b.page.locator(".sidebar").waitFor({ state: "hidden", ...step });
    await b.page.getByRole("button", { name: "Back to contacts" }).waitFor(step);
    await screenshot(b.page, "phone-dark");
    await b.page.getByRole("button", { name: "Back to contacts" }).click();
    await b.page.locator(".sidebar").waitFor(step);
    await a.page.getByRole("button", { name: "Links: addresses of this contact" }).click();
    await a.page.locator(".links-table td", { hasText: `sip:bob@${kamailio.domain}` }).first().waitFor(step);
    await screenshot(a.page, "links-panel");
    await a.page.keyboard.press("Escape");
    await a.page.locator("dialog.links").waitFor({ state: "detached", ...step });
  }, 120_000);

  it("survives alice's daemon restarting: offline banner, signed out, and the same timeline after a new link", async () => {
    const before = await timelineShape(a.page);
    expect(before.length).toBeGreaterThanOrEqual(4);
    await alice.stop();
    await a.page.locator(".conn-banner", { hasText: "Offline — reconnecting" }).waitFor(step);
    alice = track(await startDaemon("alice", alicePaths));
    // The session lived in the old daemon's memory: the page says so.
    await a.page.locator(".signed-out", { hasText: "cusax open" }).waitFor({ timeout: 90_000 });
    await signIn(a.page, alice.dataDir, "alice");
    await openContact(a.page, bobJid);
    await until("alice's timeline is back as it was", async () => JSON.stringify(await timelineShape(a.page)) === JSON.stringify(before), wait);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  }, 240_000);
});
