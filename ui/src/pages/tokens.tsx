import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { Alert, Field, Options, Time } from "../components/bits.js";
import { DataTable } from "../components/data-table.js";
import { Dialog } from "../components/dialog.js";
import { useConsole } from "../context.js";
import { useConfirmedAction, useLive, useSubmit } from "../hooks.js";
import type { IssuedToken, Token, TokenList, UserList } from "../types.js";

const LIFETIMES: [string, string][] = [
  ["", "never expires"],
  ["3600", "1 hour"],
  ["86400", "1 day"],
  ["2592000", "30 days"],
  ["31536000", "1 year"],
];

/** API tokens for administrators: every user's, issued (the secret shown once) and revoked. */
export function TokensPage() {
  const { me } = useConsole();
  const [tokens, setTokens] = useState<Token[]>([]);
  const [users, setUsers] = useState<string[]>([me.userId]);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const action = useConfirmedAction();
  const load = () => api<TokenList>("GET", "/tokens").then((l) => setTokens(l.items), (e: Error) => setError(e.message));
  useLive(load, (e) => e.type === "token.revoked" || e.type === "user.changed", 500);
  useEffect(() => void api<UserList>("GET", "/users").then((l) => setUsers(l.items.map((u) => u.id)), () => {}), []);

  const form = useSubmit(async (field) => {
    setIssued(
      await api<IssuedToken>("POST", "/tokens", {
        userId: field("user") || me.userId,
        ...(field("name") ? { name: field("name") } : {}),
        ...(field("expires") ? { expiresInSeconds: Number(field("expires")) } : {}),
      }),
    );
    await load();
  });
  const revoke = (t: Token) =>
    action.run(
      { title: "Revoke token", message: `Revoke token ${t.name ?? t.id} of ${t.userId}? Programs using it stop working.`, action: "Revoke token" },
      () => api("DELETE", `/tokens/${encodeURIComponent(t.id)}`),
    );

  return (
    <section aria-labelledby="tokens-title">
      <div class="page-head">
        <h1 id="tokens-title">API tokens</h1>
      </div>
      <form class="inline-form" id="new-token" onSubmit={form.onSubmit} aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <Field label="User">
          <select name="user" defaultValue={me.userId}>
            {users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name">
          <input name="name" maxLength={200} placeholder="ci deploys" autocomplete="off" />
        </Field>
        <Field label="Expires">
          <select name="expires">
            <Options choices={LIFETIMES} />
          </select>
        </Field>
        <button type="submit" class="primary">
          Create token
        </button>
        <Alert message={form.error} />
      </form>
      <Alert message={error ?? action.error} />
      <DataTable
        id="tokens"
        rows={tokens}
        rowKey={(t) => t.id}
        rowClass={(t) => (t.revokedAt ? "ended" : undefined)}
        columns={[
          { label: "Name", cell: (t) => t.name ?? <span class="mono">{t.id.slice(0, 12)}</span> },
          { label: "User", cell: (t) => t.userId },
          { label: "Issued by", cell: (t) => t.issuer },
          { label: "Created", cell: (t) => <Time iso={t.createdAt} /> },
          { label: "Expires", cell: (t) => <Time iso={t.expiresAt} empty="never" /> },
          { label: "Revoked", cell: (t) => <Time iso={t.revokedAt} empty="no" /> },
        ]}
        actions={(t) =>
          !t.revokedAt && (
            <button type="button" class="danger" aria-label={`Revoke token ${t.name ?? t.id}`} onClick={() => void revoke(t)}>
              Revoke
            </button>
          )
        }
      />
      {issued && (
        <Dialog id="issued" title="Token created" onClose={() => setIssued(null)}>
          <div class="dialog-body stack">
            <p>
              The secret of token <strong>{issued.token.name ?? issued.token.id}</strong> for {issued.token.userId}. It is shown this once: copy it now.
            </p>
            <input id="issued-secret" class="mono" readOnly value={issued.secret} aria-label="Token secret" onFocus={(e) => e.currentTarget.select()} />
            <footer class="dialog-actions">
              <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.secret)}>
                Copy
              </button>
              <button type="button" class="primary" onClick={() => setIssued(null)}>
                Done
              </button>
            </footer>
          </div>
        </Dialog>
      )}
    </section>
  );
}
