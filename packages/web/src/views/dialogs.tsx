// The dialogs: dial any SIP URI or number, add a contact, rename/remove one,
// and the links panel (protocol.md §7: each learned address with origin and
// trust; confirm a link with POST /links).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { ContactView } from "../api/types.js";
import { errorText, type Actions } from "../app/actions.js";
import { dialTarget, displayName, findContact } from "../state/address.js";
import { Dialog } from "./dialog.js";
import { Keypad } from "./keypad.js";

type Close = { onClose(): void };

function useBusy(): [string | undefined, (f: () => Promise<unknown>, done?: () => void) => void] {
  const [error, setError] = useState<string | undefined>(undefined);
  const run = (f: () => Promise<unknown>, done?: () => void) => {
    setError(undefined);
    f().then(() => done?.(), (e) => setError(errorText(e)));
  };
  return [error, run];
}

export function DialDialog(p: Close & { actions: Actions; contacts: readonly ContactView[] }): JSX.Element {
  const [v, setV] = useState("");
  const [error, run] = useBusy();
  const target = dialTarget(v);
  const known = target ? findContact(p.contacts, v.includes("@") && !v.includes(":") ? v : target) : undefined;
  const go = () => target && run(() => p.actions.call(known?.jids[0] ?? target), p.onClose);
  return (
    <Dialog title="Call a number or SIP address" onClose={p.onClose} class="dial">
      <form onSubmit={(e) => { e.preventDefault(); go(); }}>
        <input type="text" autoFocus value={v} aria-label="Number or SIP address" placeholder="+49 30 1234567 or sip:dave@example.com" onInput={(e) => setV(e.currentTarget.value)} />
        <p class="hint">{target ? `Calls ${known ? displayName(known) : target}` : v ? "Type a number, a sip: address or user@domain" : "\u00a0"}</p>
        <Keypad label="Dial" onKey={(k) => setV((x) => x + k)} />
        {error && <p class="error" role="alert">{error}</p>}
        <div class="row end">
          <button type="button" class="button ghost" onClick={() => setV((x) => x.slice(0, -1))} aria-label="Delete last character">⌫</button>
          <button type="submit" class="button primary" disabled={!target}>Call</button>
        </div>
      </form>
    </Dialog>
  );
}

export function AddContactDialog(p: Close & { actions: Actions }): JSX.Element {
  const [jid, setJid] = useState("");
  const [name, setName] = useState("");
  const [error, run] = useBusy();
  const valid = /^[^\s@/]+@[^\s@/]+$/.test(jid.trim());
  return (
    <Dialog title="Add a contact" onClose={p.onClose}>
      <form onSubmit={(e) => { e.preventDefault(); if (valid) run(() => p.actions.addContact(jid.trim(), name.trim() || undefined), p.onClose); }}>
        <label class="field">XMPP address<input type="email" autoFocus required value={jid} placeholder="bob@example.com" onInput={(e) => setJid(e.currentTarget.value)} /></label>
        <label class="field">Name (optional)<input type="text" value={name} placeholder="Bob" onInput={(e) => setName(e.currentTarget.value)} /></label>
        <p class="hint">They are asked to share their presence with you.</p>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="row end"><button type="submit" class="button primary" disabled={!valid}>Add</button></div>
      </form>
    </Dialog>
  );
}

export function ManageDialog(p: Close & { actions: Actions; c: ContactView }): JSX.Element {
  const jid = p.c.jids[0];
  const [name, setName] = useState(displayName(p.c));
  const [sure, setSure] = useState(false);
  const [error, run] = useBusy();
  return (
    <Dialog title={`Contact: ${displayName(p.c)}`} onClose={p.onClose}>
      {!jid && <p class="hint">This contact has no XMPP address: nothing to rename or remove on the roster.</p>}
      <form onSubmit={(e) => { e.preventDefault(); if (jid && name.trim()) run(() => p.actions.rename(jid, name.trim()), p.onClose); }}>
        <label class="field">Name<input type="text" autoFocus value={name} disabled={!jid} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <div class="row end"><button type="submit" class="button primary" disabled={!jid || !name.trim()}>Rename</button></div>
      </form>
      <hr />
      <div class="row">
        {!sure
          ? <button type="button" class="button danger" disabled={!jid} onClick={() => setSure(true)}>Remove contact…</button>
          : <>
              <span>Remove {displayName(p.c)} and stop sharing presence?</span>
              <button type="button" class="button danger" onClick={() => jid && run(() => p.actions.remove(jid), p.onClose)}>Remove</button>
              <button type="button" class="button ghost" onClick={() => setSure(false)}>Keep</button>
            </>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </Dialog>
  );
}

const TRUST: Record<string, string> = { claimed: "claimed (one side says so)", verified: "verified (both sides agree)", "user-confirmed": "confirmed by you" };
const ORIGIN: Record<string, string> = { reach: "their presence (reach)", vcard: "their vCard", vcard4: "their vCard", "vcard-temp": "their vCard", "call-info": "a call from them", "same-name": "same user name", user: "you" };

export function LinksDialog(p: Close & { actions: Actions; c: ContactView }): JSX.Element {
  const jid = p.c.jids[0];
  const [sip, setSip] = useState("");
  const [error, run] = useBusy();
  const valid = /^(sips?|tel):\S+$/i.test(sip.trim());
  return (
    <Dialog title={`Addresses of ${displayName(p.c)}`} onClose={p.onClose} class="links">
      <table class="links-table">
        <thead><tr><th scope="col">Address</th><th scope="col">Learned from</th><th scope="col">Trust</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
        <tbody>
          {p.c.jids.map((j) => <tr key={j}><td>{j}</td><td>roster</td><td>XMPP account</td><td /></tr>)}
          {p.c.links.map((l) => (
            <tr key={`${l.jid}-${l.other}`} data-trust={l.trust}>
              <td>{l.other}</td>
              <td>{ORIGIN[l.origin] ?? l.origin}</td>
              <td><span class={`trust trust-${l.trust}`}>{TRUST[l.trust] ?? l.trust}</span></td>
              <td>{l.trust !== "user-confirmed" && <button type="button" class="button small" aria-label={`Confirm ${l.other} is ${displayName(p.c)}`} onClick={() => run(() => p.actions.confirmLink(l.jid, l.other))}>Confirm</button>}</td>
            </tr>
          ))}
          {p.c.links.length === 0 && <tr><td colSpan={4} class="muted">No SIP address learned yet.</td></tr>}
        </tbody>
      </table>
      {jid && (
        <form class="row" onSubmit={(e) => { e.preventDefault(); if (valid) run(() => p.actions.confirmLink(jid, sip.trim()), () => setSip("")); }}>
          <input type="text" value={sip} aria-label="Add a SIP or tel address for this contact" placeholder="sip:bob@pbx.example.com or tel:+15551234" onInput={(e) => setSip(e.currentTarget.value)} />
          <button type="submit" class="button primary small" disabled={!valid}>Add link</button>
        </form>
      )}
      <p class="hint">Nothing automatic happens on a link that is only claimed, unless it comes from a subscribed contact.</p>
      {error && <p class="error" role="alert">{error}</p>}
    </Dialog>
  );
}
