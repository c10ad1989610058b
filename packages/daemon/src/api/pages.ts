// The few HTML pages the daemon writes itself (no scripts, no inline styles,
// so they pass our own Content-Security-Policy): a refused login link, and
// the web app not being built yet.
import type { Redeemed } from "./sign-in.js";

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, paragraphs: string[]): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    "</body></html>",
    "",
  ].join("\n");
}

const why: Record<Exclude<Redeemed, "ok">, string> = {
  unknown: "This sign-in link is not valid (it may be from an earlier run of the daemon, or mistyped).",
  expired: "This sign-in link has expired: links are valid for two minutes.",
  used: "This sign-in link was already used: each link signs in once.",
};

export function loginRefusedPage(reason: Exclude<Redeemed, "ok"> | "missing"): string {
  const first = reason === "missing" ? "This address needs a sign-in code (<code>/login?code=...</code>)." : why[reason];
  return page("cusax: sign-in refused", [first, "For a new link, run <code>cusax open</code> in a terminal and open the link it prints."]);
}

export function notBuiltPage(dir: string): string {
  return page("cusax: the web app is not built", [
    `The daemon is running, but there is no web app in <code>${escapeHtml(dir)}</code>.`,
    "Build it with <code>npm run build -w packages/web</code>, then reload this page.",
    "The command line (<code>cusax --help</code>) works without it.",
  ]);
}
