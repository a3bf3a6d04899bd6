/**
 * The search panel's browser code. It talks to the host only through the typed protocol, keeps its
 * form in getState/setState (restored after a reload), and renders every event field as text.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { EventRow } from '../../src/core/events/record';
import {
  LOOKUP_ATTRIBUTE_KEYS,
  TIME_PRESETS,
  type HostMessage,
  type LookupAttributeKey,
  type PanelInit,
  type PanelState,
  type SearchQuery,
  type TimePreset,
} from '../../src/shared/protocol';
import { append, clear, h } from './dom';
import { COLUMNS, VirtualTable } from './table';
import { vscode } from './vscode-api';

interface ValueElement extends HTMLElement {
  value: string;
}

const PRESET_LABELS: Record<TimePreset, string> = { '15m': 'Last 15 minutes', '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days' };

function select(id: string, label: string, options: Array<{ value: string; label: string }>, value?: string): ValueElement {
  const element = h('vscode-single-select', { id, 'aria-label': label }) as ValueElement;
  for (const option of options) element.appendChild(h('vscode-option', { value: option.value, selected: option.value === value }, option.label));
  return element;
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('vscode-label', { for: control.id }, label), control);
}

class SearchView {
  private readonly root = document.getElementById('app') ?? document.body;
  private readonly banner = h('div', { class: 'banner', role: 'alert', hidden: true });
  private readonly status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly detail = h('pre', { class: 'detail', 'aria-label': 'Event detail' });
  private readonly table = new VirtualTable(COLUMNS, (row) => this.showDetail(row));
  private init: PanelInit | undefined;
  private running = false;

  start(): void {
    window.addEventListener('message', (event: MessageEvent<HostMessage>) => this.receive(event.data));
    this.root.setAttribute('aria-busy', 'true');
    append(this.root, h('p', { class: 'loading' }, 'Loading…'));
    vscode.postMessage({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.init = message.init;
        this.render(message.init.state ?? (vscode.getState() as PanelState | undefined));
        break;
      case 'rows':
        this.table.appendRows(message.rows);
        break;
      case 'progress':
        this.running = message.running;
        this.status.textContent = message.message ?? `${message.fetched} events`;
        this.root.toggleAttribute('data-running', message.running);
        break;
      case 'error':
        this.showBanner(message.message, message.next);
        break;
    }
  }

  private render(state: PanelState | undefined): void {
    const init = this.init;
    if (!init) return;
    clear(this.root);
    this.root.removeAttribute('aria-busy');
    const query = state?.query;
    const profiles = init.profiles.map((name) => ({ value: name, label: name }));
    const regions = init.regions.map((name) => ({ value: name, label: name }));
    const preset = query && 'preset' in query.time ? query.time.preset : '24h';
    const [attributeKey, attributeValue] = (query ? Object.entries(query.attributes)[0] : undefined) ?? ['EventName', ''];

    const profile = select('profile', 'Profile', profiles, query?.profiles[0] ?? init.defaultProfile);
    const region = select('region', 'Region', regions, query?.regions[0] ?? init.defaultRegion);
    const time = select('time', 'Time range', TIME_PRESETS.map((value) => ({ value, label: PRESET_LABELS[value] })), preset);
    const key = select('attribute-key', 'Lookup attribute', LOOKUP_ATTRIBUTE_KEYS.map((value) => ({ value, label: value })), attributeKey);
    const value = h('vscode-textfield', { id: 'attribute-value', placeholder: 'value', value: attributeValue ?? '' }) as ValueElement;
    const run = h('vscode-button', { id: 'run' }, 'Search');
    const cancel = h('vscode-button', { id: 'cancel', secondary: true }, 'Cancel');

    const form = h('form', { class: 'query', 'aria-label': 'Search' },
      field('Profile', profile),
      field('Region', region),
      field('Time', time),
      field('Attribute', key),
      field('Value', value),
      h('div', { class: 'actions' }, run, cancel),
    );
    const submit = () => {
      const attributes: SearchQuery['attributes'] = {};
      if (value.value.trim()) attributes[key.value as LookupAttributeKey] = value.value.trim();
      const next: SearchQuery = {
        profiles: profile.value ? [profile.value] : [],
        regions: region.value ? [region.value] : [],
        time: { preset: time.value as TimePreset },
        attributes,
        limit: 1000,
      };
      vscode.setState({ query: next });
      this.hideBanner();
      this.table.clear();
      this.detail.textContent = '';
      vscode.postMessage({ type: 'search', query: next });
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
    });
    run.addEventListener('click', submit);
    cancel.addEventListener('click', () => {
      if (this.running) vscode.postMessage({ type: 'cancel' });
    });

    const hint =
      init.profiles.length === 0
        ? h('p', { class: 'hint' }, 'No AWS profile found. Create one with ', h('code', {}, 'aws configure'), ' or ', h('code', {}, 'aws configure sso'), '.')
        : h('p', { class: 'hint' }, 'IAM, STS and CloudFront events are recorded in us-east-1.');
    append(this.root, form, hint, this.banner, this.status, h('div', { class: 'results' }, this.table.element, this.detail));
  }

  private showDetail(row: EventRow): void {
    this.detail.textContent = JSON.stringify(row, null, 2);
  }

  private showBanner(message: string, next?: string): void {
    clear(this.banner);
    append(this.banner, h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), h('strong', {}, message), next ? h('span', { class: 'next' }, next) : null);
    this.banner.hidden = false;
  }

  private hideBanner(): void {
    this.banner.hidden = true;
  }
}

new SearchView().start();
