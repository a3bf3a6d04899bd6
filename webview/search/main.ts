/**
 * The search panel's browser code. It talks to the host only through the typed protocol
 * (src/shared/protocol.ts), keeps the form, the columns and the sort in getState/setState (restored
 * after a reload), and renders every event field as text (textContent, text nodes), never as HTML.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  COLUMN_IDS,
  type ColumnId,
  type HostMessage,
  type PanelInit,
  type PanelState,
  type PlanInfo,
  type SearchRequest,
  type SearchRow,
} from '../../src/shared/protocol';
import { COLUMNS, DEFAULT_COLUMNS } from './columns';
import { DetailView } from './detail';
import { append, clear, h } from './dom';
import { QueryForm } from './form';
import { StatusView } from './status';
import { VirtualTable } from './table';
import { formatRange, Timeline, type TimeRange } from './timeline';
import { vscode } from './vscode-api';

interface CheckElement extends HTMLElement {
  checked: boolean;
}

class SearchApp {
  private readonly root = document.getElementById('app') ?? document.body;
  private state: PanelState = (vscode.getState() as PanelState | undefined) ?? {};
  private form: QueryForm | undefined;
  private readonly status = new StatusView((message) => vscode.postMessage(message));
  private readonly table: VirtualTable;
  private readonly timeline = new Timeline((range) => this.narrowTo(range));
  private readonly detail = new DetailView(
    (message) => vscode.postMessage(message),
    () => this.selection[1],
  );
  private readonly rows = new Map<number, SearchRow>();
  private arrival: SearchRow[] = [];
  private selection: number[] = [];
  private searchId = 0;
  private plan: PlanInfo | undefined;
  private narrowed: TimeRange | undefined;
  private readonly narrowChip = h('div', { class: 'narrow', hidden: true });
  private readonly compareButton = h('vscode-button', { id: 'compare', secondary: true, disabled: true, title: 'Ctrl/Cmd-click a second row, then compare the two side by side' }, 'Compare 2');
  private readonly columnMenu = h('div', { class: 'column-menu', hidden: true, role: 'group', 'aria-label': 'Columns' });
  private readonly empty = h('div', { class: 'empty' }, 'Choose profiles, regions and filters, then Search. Several values in a field mean any of them.');
  private readonly toolbar: HTMLElement;

  constructor() {
    const columns = this.state.columns?.filter((id) => (COLUMN_IDS as readonly string[]).includes(id)) ?? [...DEFAULT_COLUMNS];
    this.table = new VirtualTable(columns, { select: (row, additive) => this.select(row, additive), sorted: (column, descending) => this.save({ sort: { column, descending } }) }, this.state.sort);
    const exportJson = h('vscode-button', { id: 'export-json', secondary: true, title: 'Save the matches (in the narrowed range, if any) as JSON' }, 'Export JSON');
    exportJson.addEventListener('click', () => vscode.postMessage(this.narrowed ? { type: 'export', format: 'json', range: this.narrowed } : { type: 'export', format: 'json' }));
    const exportCsv = h('vscode-button', { id: 'export-csv', secondary: true, title: 'Save the matches (in the narrowed range, if any) as CSV' }, 'Export CSV');
    exportCsv.addEventListener('click', () => vscode.postMessage(this.narrowed ? { type: 'export', format: 'csv', range: this.narrowed } : { type: 'export', format: 'csv' }));
    this.compareButton.addEventListener('click', () => {
      const [a, b] = this.selection;
      if (a !== undefined && b !== undefined) vscode.postMessage({ type: 'compare', keys: [b, a] });
    });
    const columnsButton = h('vscode-button', { id: 'columns', secondary: true, title: 'Choose columns' }, 'Columns');
    columnsButton.addEventListener('click', () => this.toggleColumnMenu());
    this.toolbar = h('div', { class: 'results-toolbar', hidden: true }, this.narrowChip, h('span', { class: 'spacer' }), this.compareButton, columnsButton, exportJson, exportCsv, this.columnMenu);
  }

  start(): void {
    window.addEventListener('message', (event: MessageEvent<HostMessage>) => this.receive(event.data));
    append(this.root, h('p', { class: 'loading' }, 'Loading…'));
    vscode.postMessage({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.render(message.init);
        break;
      case 'query':
        this.form?.fill(message.request);
        this.save({ request: message.request });
        break;
      case 'plan':
        this.onPlan(message.plan);
        break;
      case 'rows':
        if (message.searchId === this.searchId) this.addRows(message.rows);
        break;
      case 'risk':
        if (message.searchId === this.searchId) this.updateRisk(message.updates);
        break;
      case 'progress':
        if (message.searchId === this.searchId) this.status.progress(message);
        break;
      case 'streamError':
        if (message.searchId === this.searchId) this.status.failure(message.failure);
        break;
      case 'done':
        if (message.searchId === this.searchId) this.status.done(message.reason, message.more, message.message);
        break;
      case 'reveal': {
        const row = message.searchId === this.searchId ? this.rows.get(message.key) : undefined;
        if (row) {
          this.select(row, false);
          this.table.reveal(row.key);
        }
        break;
      }
      case 'record':
        this.detail.record(message.key, message.json, message.cli);
        break;
      case 'notice':
        this.status.showNotice(message.level, message.message);
        break;
      case 'folder':
        this.form?.setFolder(message.folder);
        break;
      case 'trails':
        this.form?.setTrails(message.profile, message.trails, message.error);
        break;
      case 'stores':
        this.form?.setStores(message.profile, message.stores);
        break;
    }
  }

  private render(init: PanelInit): void {
    const state: PanelState = { ...this.state, ...(init.state ?? {}) };
    if (init.state?.request === undefined && this.state.request) state.request = this.state.request;
    this.state = state;
    clear(this.root);
    this.form = new QueryForm({ ...init, state }, (request) => this.submit(request), (message) => vscode.postMessage(message));
    const noProfiles =
      init.profiles.length === 0 ? h('p', { class: 'hint' }, 'No AWS profile found. Create one with ', h('code', {}, 'aws configure'), ' or ', h('code', {}, 'aws configure sso'), '.') : null;
    append(
      this.root,
      this.form.element,
      noProfiles,
      this.status.element,
      this.toolbar,
      this.timeline.element,
      h('div', { class: 'results' }, this.empty, this.table.element, this.detail.element),
    );
    this.table.element.hidden = true;
    this.buildColumnMenu();
  }

  private submit(request: SearchRequest): void {
    this.save({ request });
    vscode.postMessage({ type: 'search', request });
  }

  private onPlan(plan: PlanInfo): void {
    if (plan.searchId !== this.searchId) {
      this.searchId = plan.searchId;
      this.clearResults();
    }
    this.plan = plan;
    this.form?.fill(plan.request);
    this.save({ request: plan.request });
    this.status.reset(plan);
    this.empty.hidden = true;
    this.table.element.hidden = false;
    this.toolbar.hidden = false;
    if (plan.impossible) this.timeline.hide();
    else this.timeline.reset(plan.range);
  }

  private clearResults(): void {
    this.rows.clear();
    this.arrival = [];
    this.selection = [];
    this.narrowed = undefined;
    this.narrowChip.hidden = true;
    this.table.setFilter(undefined);
    this.table.clear();
    this.timeline.clearSelection();
    this.detail.clear();
    this.updateCompare();
  }

  private addRows(rows: readonly SearchRow[]): void {
    for (const row of rows) {
      this.rows.set(row.key, row);
      this.arrival.push(row);
    }
    this.table.append(rows);
    this.timeline.add(rows);
    if (this.narrowed) this.updateNarrowChip();
  }

  private updateRisk(updates: ReadonlyArray<{ key: number; risk: SearchRow['risk'] }>): void {
    for (const update of updates) {
      const row = this.rows.get(update.key);
      if (!row) continue;
      row.risk = update.risk && update.risk.length > 0 ? update.risk : undefined;
      if (this.detail.key === row.key) this.detail.update(row);
    }
    this.table.refresh();
    this.timeline.recount(this.arrival);
  }

  private select(row: SearchRow, additive: boolean): void {
    if (additive) {
      this.selection = this.selection.includes(row.key) ? this.selection.filter((key) => key !== row.key) : [row.key, ...this.selection].slice(0, 2);
    } else this.selection = [row.key];
    this.table.setSelection(this.selection);
    const primary = this.rows.get(this.selection[0] ?? -1);
    if (primary) this.detail.show(primary);
    else this.detail.clear();
    this.detail.update();
    this.updateCompare();
  }

  private updateCompare(): void {
    this.compareButton.toggleAttribute('disabled', this.selection.length !== 2);
  }

  private narrowTo(range: TimeRange | undefined): void {
    this.narrowed = range;
    this.table.setFilter(range ? (row) => row.time >= range.start && row.time <= range.end : undefined);
    this.updateNarrowChip();
  }

  private updateNarrowChip(): void {
    const range = this.narrowed;
    clear(this.narrowChip);
    this.narrowChip.hidden = !range;
    if (!range) return;
    const requery = h('vscode-button', { id: 'requery', secondary: true, title: 'Search again, with this time range' }, 'Search this range');
    requery.addEventListener('click', () => {
      const request = this.plan?.request ?? this.state.request;
      if (!request) return;
      this.submit({ ...request, query: { ...request.query, time: { start: range.start, end: range.end } } });
    });
    const reset = h('vscode-button', { id: 'clear-narrow', secondary: true }, 'Clear');
    reset.addEventListener('click', () => {
      this.timeline.clearSelection();
      this.narrowTo(undefined);
    });
    append(this.narrowChip, h('span', { class: 'narrow-text' }, `${formatRange(range)}: ${this.table.rowCount.toLocaleString('en-US')} of ${this.table.totalCount.toLocaleString('en-US')} events`), requery, reset);
  }

  private buildColumnMenu(): void {
    clear(this.columnMenu);
    const visible = new Set(this.table.visibleColumns);
    for (const column of COLUMNS) {
      const box = h('vscode-checkbox', { 'data-column': column.id, checked: visible.has(column.id) }, column.title) as CheckElement;
      box.addEventListener('change', () => {
        const chosen = new Set(Array.from(this.columnMenu.querySelectorAll<CheckElement>('vscode-checkbox')).filter((item) => item.checked).map((item) => item.dataset.column as ColumnId));
        const ids = COLUMN_IDS.filter((id) => chosen.has(id));
        this.table.setColumns(ids);
        this.save({ columns: ids });
      });
      this.columnMenu.appendChild(box);
    }
  }

  private toggleColumnMenu(): void {
    this.columnMenu.hidden = !this.columnMenu.hidden;
  }

  private save(patch: Partial<PanelState>): void {
    this.state = { ...this.state, ...patch, columns: patch.columns ?? this.table.visibleColumns };
    vscode.setState(this.state);
  }
}

new SearchApp().start();
