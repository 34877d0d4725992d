import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Alert, Field, Time } from "../components/bits.js";
import { DataTable } from "../components/data-table.js";
import { FormDialog } from "../components/dialog.js";
import { useConsole } from "../context.js";
import { count } from "../format.js";
import { useConfirmedAction, useLive, useSubmit } from "../hooks.js";
import { useObservable } from "../observable.js";
import type { Service, Stats } from "../types.js";

const KINDS = ["generic", "game", "maxscale", "sas-compute", "roundware"];

/** Services for administrators: the list with live sessions, create, change, delete. */
export function ServicesPage() {
  const { services: observable } = useConsole();
  const services = useObservable(observable);
  const [stats, setStats] = useState<Stats | null>(null);
  const [editing, setEditing] = useState<Service | null>(null);
  const action = useConfirmedAction();
  useLive(() => api<Stats>("GET", "/stats").then(setStats, () => {}), (e) => e.serviceId !== null, 2000);

  const live = (id: string) => stats?.byService.find((s) => s.serviceId === id)?.live ?? 0;
  const remove = (s: Service) => {
    const n = live(s.id);
    return action.run(
      { title: "Delete service", message: n > 0 ? `Delete service ${s.id} and its ${count(n)} live sessions?` : `Delete service ${s.id}?`, action: "Delete service" },
      () => api("DELETE", `/services/${encodeURIComponent(s.id)}${n > 0 ? "?force=true" : ""}`),
    );
  };

  return (
    <section aria-labelledby="services-title">
      <div class="page-head">
        <h1 id="services-title">Services</h1>
      </div>
      <CreateService />
      <Alert message={action.error} />
      <DataTable
        id="services"
        rows={services}
        rowKey={(s) => s.id}
        columns={[
          { label: "Id", cell: (s) => s.id, class: "mono" },
          { label: "#", cell: (s) => s.number },
          { label: "Kind", cell: (s) => s.kind },
          { label: "Name", cell: (s) => s.name },
          { label: "Live sessions", cell: (s) => count(live(s.id)) },
          { label: "Idle timeout", cell: (s) => (s.defaultInactiveTimeoutSeconds ? `${s.defaultInactiveTimeoutSeconds} s` : "never") },
          { label: "Created", cell: (s) => <Time iso={s.createdAt} /> },
        ]}
        actions={(s) => (
          <>
            <button type="button" aria-label={`Change service ${s.id}`} onClick={() => setEditing(s)}>
              Change
            </button>
            <button type="button" class="danger" aria-label={`Delete service ${s.id}`} onClick={() => void remove(s)}>
              Delete
            </button>
          </>
        )}
      />
      {editing && <EditService key={editing.id} service={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

function CreateService() {
  const form = useSubmit((field) =>
    api("POST", "/services", {
      id: field("id"),
      ...(field("name") ? { name: field("name") } : {}),
      ...(field("kind") ? { kind: field("kind") } : {}),
      ...(field("timeout") ? { defaultInactiveTimeoutSeconds: Number(field("timeout")) } : {}),
    }),
  );
  return (
    <form class="inline-form" id="new-service" onSubmit={form.onSubmit} aria-labelledby="new-service-title">
      <h2 id="new-service-title">New service</h2>
      <Field label="Id">
        <input name="id" required pattern="[a-z0-9]([a-z0-9._\-]{0,62}[a-z0-9])?" placeholder="lobby" autocomplete="off" />
      </Field>
      <Field label="Name">
        <input name="name" placeholder="Lobby" autocomplete="off" />
      </Field>
      <Field label="Kind">
        <input name="kind" placeholder="generic" autocomplete="off" list="service-kinds" />
      </Field>
      <datalist id="service-kinds">
        {KINDS.map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>
      <Field label="Idle timeout (s)">
        <input name="timeout" type="number" min={0} placeholder="1800" />
      </Field>
      <button type="submit" class="primary">
        Create service
      </button>
      <Alert message={form.error} />
    </form>
  );
}

function EditService({ service, onClose }: { service: Service; onClose: () => void }) {
  const form = useSubmit(async (field) => {
    await api("PATCH", `/services/${encodeURIComponent(service.id)}`, {
      name: field("name"),
      description: field("description") || null,
      defaultInactiveTimeoutSeconds: Number(field("timeout") || 0),
      settings: JSON.parse(field("settings") || "{}") as unknown,
      version: service.version,
    });
    onClose();
  });
  return (
    <FormDialog id="edit-service" title={`Change service ${service.id}`} onClose={onClose} form={form}>
      <Field label="Name">
        <input name="name" required defaultValue={service.name} />
      </Field>
      <Field label="Description">
        <input name="description" defaultValue={service.description ?? ""} />
      </Field>
      <Field label="Idle timeout (s)" hint="0: sessions never expire">
        <input name="timeout" type="number" min={0} defaultValue={String(service.defaultInactiveTimeoutSeconds)} />
      </Field>
      <Field label="Settings (JSON)">
        <textarea name="settings" rows={6} spellcheck={false} defaultValue={JSON.stringify(service.settings, null, 2)} />
      </Field>
    </FormDialog>
  );
}
