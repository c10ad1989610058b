// Whole screens and overlays: signed out, global search, toasts.
import type { JSX } from "preact";
import type { ContactView } from "../api/types.js";
import type { Actions } from "../app/actions.js";
import { contactKey } from "../state/address.js";
import { Dialog } from "./dialog.js";
import { SearchBox, type Match } from "./search.js";

export function SignedOut(): JSX.Element {
  return (
    <main class="signed-out" aria-labelledby="so-title">
      <div class="card">
        <h1 id="so-title">Signed out</h1>
        <p>This page is no longer signed in to your cusax daemon (it restarted, or the link expired).</p>
        <p>Run <code>cusax open</code> in a terminal for a new sign-in link, and open it here.</p>
      </div>
    </main>
  );
}

export function SearchDialog(p: { onClose(): void; actions: Actions; contacts: readonly ContactView[]; onPick(key: string): void; label(contactId?: number): string }): JSX.Element {
  const pick = (m: Match) => {
    const c = p.contacts.find((x) => x.id !== undefined && x.id === m.contact);
    const key = c ? contactKey(c) : undefined;
    if (key) p.onPick(key);
  };
  return (
    <Dialog title="Search all messages" onClose={p.onClose} class="search-dialog">
      <SearchBox autoFocus placeholder="Words to find" search={(q) => p.actions.searchAll(q).then((r) => r.matches)} onPick={pick} label={(m) => p.label(m.contact)} />
    </Dialog>
  );
}

export function Toasts({ toasts }: { toasts: { id: number; text: string }[] }): JSX.Element {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((t) => <div class="toast" key={t.id}>{t.text}</div>)}
    </div>
  );
}
