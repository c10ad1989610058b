// The web app carries the call's audio (docs/api.md "Browser voice",
// protocol.md D27, D28): headless Chromium with a fake microphone on two
// cusax daemons (alice's page plays 440 Hz, bob's 660 Hz) against Prosody,
// Kamailio and baresip (1 kHz): calls placed from the page and answered from
// its banner, PCMU (transcoded) and Opus (relayed); digits both ways; mute;
// a second tab taking the call over and the first taking it back; and page
// to page, alice's browser to bob's over SIP. The steps share one world.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { makeTone, makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { writeConfig, type Daemon } from "../daemon/daemon-kit.js";
import { PHONE_CODECS, phoneHeard, startPhone } from "../media/media-kit.js";
import { pageHears, pageHearsTone, recordingTone } from "./voice-kit.js";
import { ensureWebBuilt, loginUrl, openBrowser, startDaemon, type BrowserPage } from "./web-kit.js";

const track = useCleanup();
const step = { timeout: 60_000 };

let kamailio: Kamailio;
let alice: Daemon;
let bob: Daemon;
let a: BrowserPage;
let b: BrowserPage;
let phones: { pcmu: Baresip; opus: Baresip };

async function signIn(page: Page, dataDir: string): Promise<void> {
  await page.goto(await loginUrl(dataDir));
  await page.waitForURL((u) => u.pathname === "/", step);
  await page.locator(".accounts", { hasText: "Phone: registered · Chat: online" }).waitFor(step);
}

async function dial(page: Page, target: string): Promise<void> {
  await page.getByRole("button", { name: "Open the dial pad" }).click();
  await page.getByLabel("Number or SIP address", { exact: true }).fill(target);
  await page.getByRole("button", { name: "Call", exact: true }).click();
}

/** The call bar of the page's one call once its audio is live in the page. */
async function liveCall(page: Page): Promise<void> {
  await page.locator('.callbar[data-state="established"]').waitFor(step);
  await page.locator('.media-line[data-media="live"]').waitFor(step);
}

async function hangUp(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Hang up", exact: true }).click();
  await page.locator(".callbar").waitFor({ state: "detached", ...step });
  expect(await page.locator("audio.call-audio").count()).toBe(0);
}

/** baresip's recording of the call in progress (the newest file not in `before`). */
const recording = (phone: Baresip, before: readonly string[]) => until("baresip's recording of this call", () => phone.recordings().dec.find((f) => !before.includes(f)));

beforeAll(async () => {
  ensureWebBuilt();
  const prosody = track(await startProsody({ users: ["alice", "bob"] }));
  kamailio = track(await startKamailio({ users: ["alice", "bob", "pcmu", "opus"], label: "web-voice" }));
  const dir = makeWorldDir("web-voice");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  const [a440, b660] = await Promise.all([
    makeTone(join(dir, "alice-440.wav"), 440, { seconds: 30, rate: 48000 }),
    makeTone(join(dir, "bob-660.wav"), 660, { seconds: 30, rate: 48000 }),
  ]);
  const [pcmu, opus, da, db] = await Promise.all([
    startPhone(kamailio, "pcmu", dir, PHONE_CODECS.PCMU).then(track),
    startPhone(kamailio, "opus", dir, PHONE_CODECS.opus).then(track),
    startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio)).then(track),
    startDaemon("bob", writeConfig(dir, "bob", prosody, kamailio)).then(track),
  ]);
  phones = { pcmu: pcmu!, opus: opus! };
  alice = da!;
  bob = db!;
  a = track(await openBrowser(join(dir, "chromium-alice"), { fakeAudio: a440 }));
  b = track(await openBrowser(join(dir, "chromium-bob"), { fakeAudio: b660 }));
  await Promise.all([signIn(a.page, alice.dataDir), signIn(b.page, bob.dataDir)]);
}, 240_000);

describe("voice in the browser: the web app's own WebRTC leg", () => {
  it("PCMU, the page calls baresip: 440 Hz reaches baresip, 1 kHz the page; digits both ways; mute silences the page", async () => {
    const phone = phones.pcmu;
    const before = phone.recordings().dec;
    await dial(a.page, `sip:pcmu@${kamailio.domain}`);
    await liveCall(a.page);
    await pageHearsTone(a.page, 1000);
    const file = await recording(phone, before);
    await recordingTone(file, 440, true);
    // The page's keypad goes on the leg's data channel; baresip reports RFC 4733 digits.
    const seen = phone.events.length;
    await a.page.getByRole("button", { name: "Keypad (DTMF)" }).click();
    for (const k of ["4", "2", "#"]) await a.page.getByRole("button", { name: `Send digit ${k}`, exact: true }).click();
    const starts = () => phone.events.slice(seen).filter((e) => e.type === "CALL_DTMF_START").map((e) => e.param);
    await until("baresip reports 3 digits", () => starts().length >= 3, { timeoutMs: 30_000 });
    expect(starts()).toEqual(["4", "2", "#"]);
    expect((await phone.command("sndcode", "7")).ok).toBe(true);
    await a.page.locator(".dtmf-in", { hasText: "7" }).waitFor(step);
    // Mute: the track sends silence; baresip's recording loses the tone, and has it again after unmute.
    await a.page.getByRole("button", { name: "Mute", exact: true }).click();
    await recordingTone(file, 440, false);
    await a.page.getByRole("button", { name: "Unmute", exact: true }).click();
    await recordingTone(file, 440, true);
    await hangUp(a.page);
    expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
  }, 180_000);

  it("Opus, the page calls baresip: relayed both ways", async () => {
    const phone = phones.opus;
    const before = phone.recordings().dec;
    await dial(a.page, `sip:opus@${kamailio.domain}`);
    await liveCall(a.page);
    await pageHearsTone(a.page, 1000);
    expect(await a.page.locator(".stats dd").first().innerText()).toMatch(/opus/i);
    await recordingTone(await recording(phone, before), 440, true);
    await hangUp(a.page);
    expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
  }, 180_000);

  it("PCMU, baresip calls alice and her page answers from the banner", async () => {
    const phone = phones.pcmu;
    const before = phone.recordings().dec;
    await phone.command("dial", `sip:alice@${kamailio.domain}`);
    await a.page.locator(".incoming button.answer").click(step);
    await liveCall(a.page);
    await pageHearsTone(a.page, 1000);
    await recordingTone(await recording(phone, before), 440, true);
    await hangUp(a.page);
    expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
  }, 180_000);

  it("Opus, baresip calls alice; a second tab continues the call here, the first takes it back", async () => {
    const phone = phones.opus;
    const before = phone.recordings().dec;
    await phone.command("dial", `sip:alice@${kamailio.domain}`);
    await a.page.locator(".incoming button.answer").click(step);
    await liveCall(a.page);
    await pageHearsTone(a.page, 1000);
    const file = await recording(phone, before);
    await recordingTone(file, 440, true);
    // A second tab of alice's browser sees the call up, its audio not there.
    const second = await a.context.newPage();
    await second.goto(new URL("/", a.page.url()).href);
    await second.locator('.media-line[data-media="none"]').waitFor(step);
    await second.getByRole("button", { name: "Continue here" }).click();
    await liveCall(second);
    await a.page.locator('.media-line[data-media="elsewhere"]', { hasText: "Continued in another tab" }).waitFor(step);
    expect(await a.page.locator("audio.call-audio").count()).toBe(0);
    await pageHearsTone(second, 1000);
    // The daemon bridges the second tab now: its microphone (the same 440 Hz) reaches baresip.
    await recordingTone(file, 440, true);
    await a.page.getByRole("button", { name: "Take back" }).click();
    await liveCall(a.page);
    await second.locator('.media-line[data-media="elsewhere"]').waitFor(step);
    await pageHearsTone(a.page, 1000);
    expect((await pageHears(second)).db).toBe(-200);
    await second.close();
    await hangUp(a.page);
    expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
  }, 240_000);

  it("page to page: alice's browser calls bob's over SIP; each hears the other's tone", async () => {
    await dial(a.page, `sip:bob@${kamailio.domain}`);
    await b.page.locator(".incoming button.answer").click(step);
    await Promise.all([liveCall(a.page), liveCall(b.page)]);
    await Promise.all([pageHearsTone(a.page, 660), pageHearsTone(b.page, 440)]);
    await hangUp(a.page);
    await b.page.locator(".callbar").waitFor({ state: "detached", ...step });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  }, 180_000);
});
