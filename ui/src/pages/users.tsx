import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Alert, Field, Time } from "../components/bits.js";
import { DataTable } from "../components/data-table.js";
import { FormDialog } from "../components/dialog.js";
import { useConsole } from "../context.js";
import { useConfirmedAction, useLive, useSubmit } from "../hooks.js";
import type { User, UserList } from "../types.js";

const none = <span class="muted">none</span>;

/** Users for administrators: list, create, change roles, password and access, delete. */
export function UsersPage() {
  const { me } = useConsole();
  const [users, setUsers] = useState<User[]>([]);
  const [editing, setEditing] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);
  const action = useConfirmedAction();
  useLive(() => api<UserList>("GET", "/users").then((l) => setUsers(l.items), (e: Error) => setError(e.message)), (e) => e.type === "user.changed", 500);

  const remove = (u: User) =>
    action.run({ title: "Delete user", message: `Delete user ${u.id} and revoke every token of theirs?`, action: "Delete user" }, () =>
      api("DELETE", `/users/${encodeURIComponent(u.id)}`),
    );

  return (
    <section aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
      </div>
      <CreateUser />
      <Alert message={error ?? action.error} />
      <DataTable
        id="users"
        rows={users}
        rowKey={(u) => u.id}
        columns={[
          { label: "Id", cell: (u) => u.id, class: "mono" },
          { label: "#", cell: (u) => u.number },
          { label: "Roles", cell: (u) => (u.roles.length ? u.roles.join(", ") : none) },
          { label: "Password", cell: (u) => (u.hasPassword ? "set" : none) },
          { label: "Access", cell: (u) => (u.disabled ? <span class="badge state-ended">disabled</span> : "active") },
          { label: "Created", cell: (u) => <Time iso={u.createdAt} /> },
        ]}
        actions={(u) => (
          <>
            <button type="button" aria-label={`Change user ${u.id}`} onClick={() => setEditing(u)}>
              Change
            </button>
            {u.id !== me.userId && (
              <button type="button" class="danger" aria-label={`Delete user ${u.id}`} onClick={() => void remove(u)}>
                Delete
              </button>
            )}
          </>
        )}
      />
      {editing && <EditUser key={editing.id} user={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

function CreateUser() {
  const form = useSubmit((field, data) =>
    api("POST", "/users", { id: field("id"), roles: data.has("admin") ? ["admin"] : [], ...(field("password") ? { password: field("password") } : {}) }),
  );
  return (
    <form class="inline-form" id="new-user" onSubmit={form.onSubmit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">New user</h2>
      <Field label="Id">
        <input name="id" required maxLength={255} placeholder="alice" autocomplete="off" />
      </Field>
      <Field label="Password" hint="optional; for HTTP Basic (maxctrl)">
        <input name="password" type="password" autocomplete="new-password" />
      </Field>
      <label class="check">
        <input type="checkbox" name="admin" /> Administrator
      </label>
      <button type="submit" class="primary">
        Create user
      </button>
      <Alert message={form.error} />
    </form>
  );
}

function EditUser({ user, onClose }: { user: User; onClose: () => void }) {
  const others = user.roles.filter((r) => r !== "admin");
  const form = useSubmit(async (field, data) => {
    await api("PATCH", `/users/${encodeURIComponent(user.id)}`, {
      roles: data.has("admin") ? [...others, "admin"] : others,
      disabled: data.has("disabled"),
      ...(data.has("clear-password") ? { password: null } : field("password") ? { password: field("password") } : {}),
    });
    onClose();
  });
  return (
    <FormDialog id="edit-user" title={`Change user ${user.id}`} onClose={onClose} form={form}>
      <label class="check">
        <input type="checkbox" name="admin" defaultChecked={user.roles.includes("admin")} /> Administrator
      </label>
      <label class="check">
        <input type="checkbox" name="disabled" defaultChecked={user.disabled} /> Disabled (every credential refused)
      </label>
      <Field label="New password" hint="leave empty to keep the current one">
        <input name="password" type="password" autocomplete="new-password" />
      </Field>
      {user.hasPassword && (
        <label class="check">
          <input type="checkbox" name="clear-password" /> Remove the password
        </label>
      )}
    </FormDialog>
  );
}
