/**
 * The detail of one event: what it was, its risk flags with their sources (MITRE ATT&CK tactic,
 * seen in real attacks, the implication, the Sigma rule and its author — the Detection Rule
 * License requires the author wherever a match is shown), the resources, pivots to new searches,
 * and the record as coloured JSON (fetched from the host on demand).
 */
import type { PivotField, RiskFlag, SearchRow, WebviewMessage } from '../../src/shared/protocol';
import { formatTime, LEVEL_LABEL } from './columns';
import { append, clear, h } from './dom';
import { renderJson } from './json';

const SOURCE_LABEL: Record<RiskFlag['source'], string> = { builtin: 'CloudTrail Lens rule', sigma: 'Sigma rule', traildiscover: 'TrailDiscover catalogue' };

function button(label: string, attributes: Record<string, string | boolean | undefined>, onClick: () => void): HTMLElement {
  const element = h('vscode-button', { secondary: true, ...attributes }, label);
  element.addEventListener('click', onClick);
  return element;
}

function fact(term: string, value: string | undefined): HTMLElement[] {
  return value ? [h('dt', {}, term), h('dd', {}, value)] : [];
}

export function renderFlag(flag: RiskFlag): HTMLElement {
  const facts: HTMLElement[] = [
    ...fact('Source', SOURCE_LABEL[flag.source]),
    ...fact('MITRE ATT&CK tactic', flag.tactic),
    ...fact('Technique', flag.technique),
    ...fact('Seen in real attacks', flag.seenInAttacks === undefined ? undefined : flag.seenInAttacks ? 'Yes (TrailDiscover)' : 'Not reported'),
    ...fact('Security implication', flag.implication),
  ];
  if (flag.source === 'sigma') {
    facts.push(...fact('Sigma rule', flag.title), ...fact('Rule author', flag.author ?? 'not named'), ...fact('Licence', 'Detection Rule License 1.1'), ...fact('Rule source', flag.url));
  }
  return h(
    'li',
    { class: `risk-flag risk-flag-${flag.level}`, 'data-flag': flag.id },
    h('div', { class: 'risk-flag-title' }, h('span', { class: `risk-badge risk-${flag.level}` }, LEVEL_LABEL[flag.level]), h('strong', {}, flag.title)),
    h('p', { class: 'risk-reason' }, flag.reason),
    facts.length > 0 ? h('dl', { class: 'risk-facts' }, ...facts) : null,
  );
}

export class DetailView {
  readonly element: HTMLElement;
  private row: SearchRow | undefined;
  private readonly json: HTMLElement;
  private readonly cli: HTMLElement;
  private readonly body: HTMLElement;

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    private readonly compareKey: () => number | undefined,
  ) {
    this.body = h('div', { class: 'detail-body' });
    this.cli = h('code', { class: 'detail-cli' });
    this.json = h('pre', { class: 'detail-json', 'aria-label': 'Event record (JSON)' });
    this.element = h('aside', { class: 'detail', 'aria-label': 'Event detail', hidden: true }, this.body, h('h3', {}, 'Record'), this.json);
  }

  get key(): number | undefined {
    return this.row?.key;
  }

  clear(): void {
    this.row = undefined;
    this.element.hidden = true;
    clear(this.body);
    clear(this.json);
  }

  /** Shows a row (and asks the host for its record). */
  show(row: SearchRow): void {
    const same = this.row?.key === row.key;
    this.row = row;
    this.element.hidden = false;
    this.renderBody();
    if (!same) {
      clear(this.json);
      this.json.textContent = 'Loading…';
      this.cli.textContent = '';
      this.post({ type: 'getRecord', key: row.key });
    }
  }

  /** The host's answer to getRecord. */
  record(key: number, json: string, cli: string): void {
    if (this.row?.key !== key) return;
    renderJson(this.json, json);
    this.cli.textContent = cli;
  }

  /** The row's flags or the compare selection changed. */
  update(row?: SearchRow): void {
    if (!this.row || (row && row.key !== this.row.key)) return;
    if (row) this.row = row;
    this.renderBody();
  }

  private renderBody(): void {
    const row = this.row;
    if (!row) return;
    clear(this.body);
    const pivot = (field: PivotField, index?: number) => () => this.post(index === undefined ? { type: 'pivot', key: row.key, field } : { type: 'pivot', key: row.key, field, index });
    const other = this.compareKey();
    const actions = h(
      'div',
      { class: 'detail-actions' },
      button('Open as JSON', { id: 'open-record', title: 'Open the record in an editor' }, () => this.post({ type: 'openRecord', key: row.key })),
      button('Copy AWS CLI command', { id: 'copy-cli', title: 'aws cloudtrail lookup-events that fetches this event' }, () => this.post({ type: 'copyCli', key: row.key })),
      other !== undefined ? button('Compare with marked', { id: 'compare-detail', title: 'Side-by-side diff with the other marked row' }, () => this.post({ type: 'compare', keys: [other, row.key] })) : null,
    );
    const summary = h(
      'dl',
      { class: 'detail-summary' },
      ...fact('Time', `${formatTime(row.time)} (${row.time > 0 ? new Date(row.time).toISOString() : 'unknown'})`),
      ...fact('User', row.user),
      ...fact('Identity type', row.identityType),
      ...fact('Access key', row.accessKeyId),
      ...fact('Source', row.eventSource),
      ...fact('Source IP', row.sourceIp),
      ...fact('User agent', row.userAgent),
      ...fact('Region', row.region),
      ...fact('Account', row.account),
      ...fact('Profile', row.profile),
      ...fact('Error', row.errorCode),
      ...fact('Read-only', row.readOnly === undefined ? undefined : row.readOnly ? 'yes' : 'no'),
      ...fact('Category', row.category),
      ...fact('Event ID', row.eventId),
    );
    const risk = row.risk && row.risk.length > 0 ? h('section', { class: 'detail-risk', 'aria-label': 'Risk' }, h('h3', {}, `Risk (${row.risk.length})`), h('ul', { class: 'risk-flags' }, ...row.risk.map(renderFlag))) : null;
    const resources =
      row.resources.length > 0
        ? h(
            'section',
            { class: 'detail-resources' },
            h('h3', {}, 'Resources'),
            h(
              'ul',
              {},
              ...row.resources.map((resource, index) =>
                h('li', {}, resource.type ? h('span', { class: 'resource-type' }, resource.type) : null, h('span', { class: 'resource-name' }, resource.name), button('Search', { class: 'pivot', 'data-pivot': 'resource', title: 'Events on this resource' }, pivot('resource', index))),
              ),
            ),
          )
        : null;
    const pivots = h(
      'div',
      { class: 'detail-pivots', role: 'group', 'aria-label': 'Pivot to a new search' },
      h('span', { class: 'pivots-label' }, 'Search for:'),
      row.user ? button('Same user', { class: 'pivot', 'data-pivot': 'user', title: `Events by ${row.user}` }, pivot('user')) : null,
      row.accessKeyId ? button('Same access key', { class: 'pivot', 'data-pivot': 'accessKeyId', title: `Events with ${row.accessKeyId}` }, pivot('accessKeyId')) : null,
      row.sourceIp ? button('Same source IP', { class: 'pivot', 'data-pivot': 'sourceIp', title: `Events from ${row.sourceIp}` }, pivot('sourceIp')) : null,
      row.eventName ? button('Same event name', { class: 'pivot', 'data-pivot': 'eventName', title: `${row.eventName} events` }, pivot('eventName')) : null,
    );
    append(
      this.body,
      h('h2', { class: 'detail-title' }, row.eventName || '(no event name)'),
      actions,
      risk,
      summary,
      pivots,
      resources,
      h('div', { class: 'detail-cli-line' }, h('span', {}, 'AWS CLI: '), this.cli),
    );
  }
}
