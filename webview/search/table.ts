/**
 * The virtualized results table: only the rows in view (plus a margin) exist in the DOM, so
 * 50,000 rows scroll like 50. Rows are positioned by transform; cells are filled with textContent
 * (event fields are attacker-controlled). Rows stay sorted as batches arrive (each batch is sorted
 * and merged, not the whole list re-sorted), and an optional filter (the timeline's narrowing)
 * selects what is shown.
 */
import type { ColumnId, SearchRow } from '../../src/shared/protocol';
import { columnById, riskLevel, type Column } from './columns';
import { clear, h } from './dom';

export interface TableHandlers {
  /** A row was chosen: `additive` (Ctrl/Cmd-click) adds it to the compare selection. */
  select(row: SearchRow, additive: boolean): void;
  /** The sort changed (to save it). */
  sorted?(column: ColumnId, descending: boolean): void;
}

type SortKey = string | number;

export class VirtualTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private pool: HTMLElement[] = [];
  private columns: Column[] = [];
  private template = '';
  /** Every row, sorted; `keys` holds each row's sort key at the same index. */
  private all: SearchRow[] = [];
  private keys: SortKey[] = [];
  private view: SearchRow[] = [];
  private filter: ((row: SearchRow) => boolean) | undefined;
  private sort: { column: Column; descending: boolean };
  private selection: number[] = [];
  private frame = 0;

  constructor(
    columns: readonly ColumnId[],
    private readonly handlers: TableHandlers,
    sort: { column: ColumnId; descending: boolean } = { column: 'time', descending: true },
    private readonly rowHeight = 22,
  ) {
    this.sort = { column: columnById(sort.column), descending: sort.descending };
    this.header = h('div', { class: 'table-header', role: 'row' });
    this.spacer = h('div', { class: 'table-spacer', role: 'rowgroup' });
    // The header scrolls sideways with the rows and stays on top (sticky) when they scroll down.
    this.viewport = h('div', { class: 'table-viewport', tabindex: 0, 'aria-label': 'Events' }, this.header, this.spacer);
    this.viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.element = h('div', { class: 'table', role: 'grid', 'aria-rowcount': 0, 'aria-multiselectable': 'true' }, this.viewport);
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.setColumns(columns);
  }

  get rowCount(): number {
    return this.view.length;
  }

  get totalCount(): number {
    return this.all.length;
  }

  /** The rows shown, in order. */
  get rows(): readonly SearchRow[] {
    return this.view;
  }

  get visibleColumns(): ColumnId[] {
    return this.columns.map((column) => column.id);
  }

  setColumns(ids: readonly ColumnId[]): void {
    this.columns = (ids.length > 0 ? ids : (['time', 'eventName'] as const)).map(columnById);
    this.template = this.columns.map((column) => column.width).join(' ');
    // Narrower than the columns' minimum widths: scroll sideways instead of overlapping.
    const minWidth = `${this.columns.reduce((sum, column) => sum + (Number(/(\d+)px/.exec(column.width)?.[1]) || 80), 0)}px`;
    clear(this.header);
    this.header.style.gridTemplateColumns = this.template;
    this.header.style.minWidth = minWidth;
    this.spacer.style.minWidth = minWidth;
    for (const column of this.columns) {
      const cell = h('div', { class: 'table-header-cell', role: 'columnheader', tabindex: 0, 'data-column': column.id, title: `Sort by ${column.title}` }, column.title);
      cell.addEventListener('click', () => this.sortBy(column.id));
      cell.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.sortBy(column.id);
        }
      });
      this.header.appendChild(cell);
    }
    this.markSort();
    for (const element of this.pool) element.remove();
    this.pool = [];
    this.schedule();
  }

  clear(): void {
    this.all = [];
    this.keys = [];
    this.view = [];
    this.selection = [];
    this.viewport.scrollTop = 0;
    this.update();
  }

  /** Adds a batch, keeping the order: the batch is sorted, then merged. */
  append(rows: readonly SearchRow[]): void {
    if (rows.length === 0) return;
    const keyOf = this.keyFunction();
    const batch = rows.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => this.compare(a.key, a.row, b.key, b.row));
    const all: SearchRow[] = new Array<SearchRow>(this.all.length + batch.length);
    const keys: SortKey[] = new Array<SortKey>(all.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.all.length || j < batch.length) {
      const fromOld = j >= batch.length || (i < this.all.length && this.compare(this.keys[i], this.all[i], (batch[j] as { key: SortKey }).key, (batch[j] as { row: SearchRow }).row) <= 0);
      if (fromOld) {
        all[k] = this.all[i];
        keys[k++] = this.keys[i++];
      } else {
        all[k] = (batch[j] as { row: SearchRow }).row;
        keys[k++] = (batch[j++] as { key: SortKey }).key;
      }
    }
    this.all = all;
    this.keys = keys;
    this.update();
  }

  /** Shows only the rows the predicate keeps (undefined: all). */
  setFilter(filter: ((row: SearchRow) => boolean) | undefined): void {
    this.filter = filter;
    this.update();
  }

  sortBy(id: ColumnId, descending?: boolean): void {
    const column = columnById(id);
    const desc = descending ?? (this.sort.column.id === id ? !this.sort.descending : id === 'time' || id === 'risk');
    this.sort = { column, descending: desc };
    const keyOf = this.keyFunction();
    const decorated = this.all.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => this.compare(a.key, a.row, b.key, b.row));
    this.all = decorated.map((entry) => entry.row);
    this.keys = decorated.map((entry) => entry.key);
    this.markSort();
    this.update();
    this.handlers.sorted?.(id, desc);
  }

  get sortState(): { column: ColumnId; descending: boolean } {
    return { column: this.sort.column.id, descending: this.sort.descending };
  }

  /** The keys of the selected rows: the first is the one shown in detail. */
  setSelection(keys: readonly number[]): void {
    this.selection = [...keys];
    this.render();
  }

  /** Cells changed (risk flags updated): render again. */
  refresh(): void {
    this.schedule();
  }

  /** Renders the rows in view. Public so tests and benchmarks can force a synchronous render. */
  render(): void {
    const height = this.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / this.rowHeight) - 5);
    const count = Math.max(0, Math.min(this.view.length - first, Math.ceil(height / this.rowHeight) + 10));
    while (this.pool.length < count) this.pool.push(this.createRow());
    for (let slot = 0; slot < this.pool.length; slot++) {
      const element = this.pool[slot];
      const index = first + slot;
      const row = this.view[index];
      if (slot >= count || !row) {
        if (!element.hidden) element.hidden = true;
        continue;
      }
      element.hidden = false;
      element.dataset.index = String(index);
      element.dataset.key = String(row.key);
      element.setAttribute('aria-rowindex', String(index + 1));
      const primary = this.selection[0] === row.key;
      const marked = this.selection.includes(row.key);
      element.classList.toggle('selected', primary);
      element.classList.toggle('marked', marked && !primary);
      element.setAttribute('aria-selected', marked ? 'true' : 'false');
      element.style.transform = `translateY(${index * this.rowHeight}px)`;
      for (let i = 0; i < this.columns.length; i++) {
        const column = this.columns[i];
        const cell = element.children[i] as HTMLElement;
        if (column.id === 'risk') this.renderRisk(cell, row);
        else {
          const text = column.text(row);
          if (cell.textContent !== text) {
            cell.textContent = text;
            cell.title = text;
          }
        }
      }
    }
  }

  /** Scrolls so that the row with this key is in view. */
  reveal(key: number): void {
    const index = this.view.findIndex((row) => row.key === key);
    if (index < 0) return;
    const top = index * this.rowHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + this.rowHeight > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top + this.rowHeight - this.viewport.clientHeight;
    this.render();
  }

  // -------------------------------------------------------------------------------------------

  private renderRisk(cell: HTMLElement, row: SearchRow): void {
    const level = riskLevel(row.risk);
    const badge = cell.firstElementChild as HTMLElement | null;
    const text = level ? (level === 'high' ? 'High' : level === 'medium' ? 'Med' : 'Low') : '';
    if (!badge) return;
    if (badge.textContent !== text) badge.textContent = text;
    badge.className = level ? `risk-badge risk-${level}` : 'risk-badge';
    const title = row.risk?.map((flag) => `${flag.level}: ${flag.title}`).join('\n') ?? '';
    if (cell.title !== title) cell.title = title;
  }

  private createRow(): HTMLElement {
    const element = h('div', { class: 'table-row', role: 'row' });
    element.style.gridTemplateColumns = this.template;
    for (const column of this.columns) {
      const cell = h('div', { class: 'table-cell', role: 'gridcell', 'data-column': column.id });
      if (column.id === 'risk') cell.appendChild(h('span', { class: 'risk-badge' }));
      element.appendChild(cell);
    }
    element.addEventListener('click', (event) => {
      const row = this.view[Number(element.dataset.index)];
      if (row) this.handlers.select(row, event.ctrlKey || event.metaKey || event.shiftKey);
    });
    this.spacer.appendChild(element);
    return element;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    if (this.view.length === 0) return;
    const current = this.view.findIndex((row) => row.key === this.selection[0]);
    let next = current;
    if (event.key === 'ArrowDown') next = Math.min(this.view.length - 1, current + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (event.key === 'Home') next = 0;
    else next = this.view.length - 1;
    const row = this.view[next];
    if (row) {
      this.handlers.select(row, false);
      this.reveal(row.key);
    }
  }

  private keyFunction(): (row: SearchRow) => SortKey {
    const column = this.sort.column;
    if (column.key) return column.key;
    return (row) => column.text(row).toLowerCase();
  }

  /** Sort order; ties by time (newest first), then key, so the order is total and stable. */
  private compare(a: SortKey, rowA: SearchRow, b: SortKey, rowB: SearchRow): number {
    const direction = this.sort.descending ? -1 : 1;
    if (a < b) return -direction;
    if (a > b) return direction;
    return rowB.time - rowA.time || rowA.key - rowB.key;
  }

  private markSort(): void {
    for (const cell of Array.from(this.header.children)) {
      const id = cell.getAttribute('data-column');
      cell.setAttribute('aria-sort', id === this.sort.column.id ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
    }
  }

  private update(): void {
    const filter = this.filter;
    this.view = filter ? this.all.filter(filter) : this.all;
    this.element.setAttribute('aria-rowcount', String(this.view.length));
    this.spacer.style.height = `${this.view.length * this.rowHeight}px`;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }
}
