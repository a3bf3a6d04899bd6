import type { EventRow } from '../../src/core/events/record';
import { clear, h } from './dom';

export interface Column {
  id: string;
  title: string;
  /** CSS grid track, e.g. "160px" or "1fr". */
  width: string;
  text: (row: EventRow) => string;
  /** Sort key; defaults to text(). */
  key?: (row: EventRow) => string | number;
}

const time = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const COLUMNS: Column[] = [
  { id: 'time', title: 'Time', width: '150px', text: (row) => (row.time ? time.format(row.time) : ''), key: (row) => row.time },
  { id: 'eventName', title: 'Event name', width: 'minmax(120px, 1fr)', text: (row) => row.eventName },
  { id: 'user', title: 'User', width: 'minmax(100px, 1fr)', text: (row) => row.user },
  { id: 'eventSource', title: 'Source', width: 'minmax(100px, 1fr)', text: (row) => row.eventSource },
  { id: 'resources', title: 'Resources', width: 'minmax(100px, 1.5fr)', text: (row) => row.resources.map((resource) => resource.name).join(', ') },
  { id: 'sourceIp', title: 'Source IP', width: '120px', text: (row) => row.sourceIp },
  { id: 'region', title: 'Region', width: '110px', text: (row) => row.region },
  { id: 'errorCode', title: 'Error', width: '110px', text: (row) => row.errorCode },
  { id: 'readOnly', title: 'Read-only', width: '80px', text: (row) => (row.readOnly === undefined ? '' : row.readOnly ? 'yes' : 'no') },
];

/**
 * A virtualized results table: only the rows in view (plus a margin) exist in the DOM, so 50,000
 * rows scroll like 50. Rows are positioned by transform; cells are filled with textContent.
 */
export class VirtualTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private rows: EventRow[] = [];
  private sorted: EventRow[] = [];
  private sort: { column: Column; descending: boolean } | undefined;
  private selected: EventRow | undefined;
  private frame = 0;

  constructor(
    private readonly columns: Column[],
    private readonly onSelect: (row: EventRow) => void,
    private readonly rowHeight = 22,
  ) {
    const template = columns.map((column) => column.width).join(' ');
    this.header = h('div', { class: 'table-header', role: 'row' });
    this.header.style.gridTemplateColumns = template;
    for (const column of columns) {
      const cell = h('div', { class: 'table-header-cell', role: 'columnheader', tabindex: 0, 'data-column': column.id }, column.title);
      cell.addEventListener('click', () => this.sortBy(column));
      cell.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') this.sortBy(column);
      });
      this.header.appendChild(cell);
    }
    this.spacer = h('div', { class: 'table-spacer' });
    this.viewport = h('div', { class: 'table-viewport', tabindex: 0 }, this.spacer);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.element = h('div', { class: 'table', role: 'grid', 'aria-rowcount': 0 }, this.header, this.viewport);
    this.element.style.setProperty('--columns', template);
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  get rowCount(): number {
    return this.sorted.length;
  }

  setRows(rows: EventRow[]): void {
    this.rows = rows.slice();
    this.applySort();
  }

  appendRows(rows: EventRow[]): void {
    this.rows.push(...rows);
    this.applySort();
  }

  private sortBy(column: Column): void {
    this.sort = this.sort?.column === column ? { column, descending: !this.sort.descending } : { column, descending: column.id === 'time' };
    for (const cell of Array.from(this.header.children)) {
      const id = cell.getAttribute('data-column');
      cell.setAttribute('aria-sort', id === column.id ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
    }
    this.applySort();
  }

  private applySort(): void {
    if (!this.sort) {
      this.sorted = this.rows;
    } else {
      const { column, descending } = this.sort;
      const key = column.key ?? column.text;
      const direction = descending ? -1 : 1;
      this.sorted = this.rows
        .map((row) => ({ row, value: key(row) }))
        .sort((a, b) => (a.value < b.value ? -direction : a.value > b.value ? direction : 0))
        .map((entry) => entry.row);
    }
    this.element.setAttribute('aria-rowcount', String(this.sorted.length));
    this.spacer.style.height = `${this.sorted.length * this.rowHeight}px`;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Renders the rows in view. Public so tests can force a synchronous render. */
  render(): void {
    const height = this.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / this.rowHeight) - 5);
    const count = Math.min(this.sorted.length - first, Math.ceil(height / this.rowHeight) + 10);
    while (this.pool.length < count) {
      const row = h('div', { class: 'table-row', role: 'row' });
      row.style.gridTemplateColumns = this.columns.map((column) => column.width).join(' ');
      for (const column of this.columns) row.appendChild(h('div', { class: 'table-cell', role: 'gridcell', 'data-column': column.id }));
      row.addEventListener('click', () => {
        const index = Number(row.dataset.index);
        const picked = this.sorted[index];
        if (picked) this.select(picked);
      });
      this.pool.push(row);
      this.spacer.appendChild(row);
    }
    this.pool.forEach((element, slot) => {
      if (slot >= count) {
        element.hidden = true;
        return;
      }
      const index = first + slot;
      const row = this.sorted[index];
      element.hidden = false;
      element.dataset.index = String(index);
      element.setAttribute('aria-rowindex', String(index + 1));
      element.classList.toggle('selected', row === this.selected);
      element.style.transform = `translateY(${index * this.rowHeight}px)`;
      this.columns.forEach((column, i) => {
        const cell = element.children[i] as HTMLElement;
        const text = column.text(row);
        if (cell.textContent !== text) cell.textContent = text;
        cell.title = text;
      });
    });
  }

  private select(row: EventRow): void {
    this.selected = row;
    this.render();
    this.onSelect(row);
  }

  clear(): void {
    this.rows = [];
    this.sorted = [];
    this.selected = undefined;
    this.spacer.style.height = '0px';
    for (const element of this.pool) element.remove();
    this.pool.length = 0;
    clear(this.spacer);
    this.element.setAttribute('aria-rowcount', '0');
  }
}
