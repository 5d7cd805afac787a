import type { ComponentChildren } from 'preact';

/** One column of a `DataTable`: its header and how a row shows in it. */
export interface Column<Row> {
  header: string;
  /** The header is read by screen readers only (an "Actions" column). */
  hideHeader?: boolean;
  cell: (row: Row) => ComponentChildren;
  /** `actions` lines the column's buttons up (and gives them a row of their own on a phone). */
  class?: string;
}

/**
 * The table every admin list uses. Each cell carries its column's name (`data-label`), so on a
 * narrow screen the stylesheet turns each row into a card with labelled lines instead of a
 * table wider than the phone.
 */
export function DataTable<Row>({
  rows,
  columns,
  rowKey,
  rowClass,
  label,
}: {
  rows: Row[];
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  rowClass?: (row: Row) => string | undefined;
  /** An accessible name for the table. */
  label?: string;
}) {
  return (
    <table class="table data-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.hideHeader ? <span class="visually-hidden">{column.header}</span> : column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} class={rowClass?.(row)}>
            {columns.map((column) => (
              <td
                key={column.header}
                class={column.class}
                data-label={column.hideHeader ? undefined : column.header}
              >
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
