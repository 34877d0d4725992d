import { useState } from "preact/hooks";
import { ApiError, api, rememberToken } from "./api.js";
import { Alert } from "./components/bits.js";
import type { Me } from "./types.js";

/** The token form; the token is kept for this browser tab only (sessionStorage). */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    rememberToken(token.trim());
    try {
      onSignedIn(await api<Me>("GET", "/me"));
    } catch (err) {
      rememberToken(null);
      setError(err instanceof ApiError && err.status === 401 ? "That token is not valid." : `Cannot sign in: ${(err as Error).message}`);
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <form id="login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">sessionhub console</h1>
        <p class="muted">Sign in with an API token. The server printed one for the user admin at its first start.</p>
        <label class="field">
          <span class="label">API token</span>
          <input id="token" type="password" autocomplete="off" required placeholder="shk_…" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
        <Alert message={error} />
      </form>
    </main>
  );
}
