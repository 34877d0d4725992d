import type { ComponentChildren } from "preact";

export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  class?: string;
}

interface Props<T> {
  id: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** The row's buttons, in a last column without a visible heading. */
  actions?: (row: T) => ComponentChildren;
  rowClass?: (row: T) => string | undefined;
}

/**
 * A list as a table whose cells carry their column's label (data-label), so narrow
 * screens show each row as a card with labelled lines.
 */
export function DataTable<T>({ id, rows, columns, rowKey, actions, rowClass }: Props<T>) {
  return (
    <div class="table-wrap">
      <table class="list" id={id}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-id={rowKey(row)} class={rowClass?.(row)}>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label} class={c.class}>
                  {c.cell(row)}
                </td>
              ))}
              {actions && <td class="row-actions">{actions(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
