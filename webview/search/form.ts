/**
 * The query form: profiles and regions (several of each), a time preset or a custom range, the
 * eight LookupEvents attributes, and the filters AWS lacks (errors, source IP, user agent, read or
 * write, free text, risk), Insights. It reads into a SearchRequest and fills from one.
 *
 * The Source choice: Event history (default), a local log folder (the host's folder dialog answers
 * `pickFolder` with an id and a name — never a path), or Athena (the host answers `listTrails`;
 * "Create table…" asks the host, which confirms in a modal before running anything), or CloudTrail
 * Lake — offered only when the selected profile has event data stores (the form asks the host with
 * `listStores` for every profile chosen; no stores: no Lake option, nothing said).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { TIME_PRESETS, type EventQuery, type LookupAttributeKey, type PanelInit, type SearchRequest, type SearchSource, type SourceKind, type StoreOption, type TimePreset, type TrailOption, type WebviewMessage } from '../../src/shared/protocol';
import { h } from './dom';

interface ValueElement extends HTMLElement {
  value: string;
}
interface ListElement extends HTMLElement {
  value: string[];
}
interface CheckElement extends HTMLElement {
  checked: boolean;
}

const PRESET_LABELS: Record<TimePreset, string> = { '15m': 'Last 15 minutes', '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days' };

/** The attribute fields, in the order shown; ReadOnly is the "Read or write" select. */
const ATTRIBUTE_FIELDS: Array<{ key: Exclude<LookupAttributeKey, 'ReadOnly'>; label: string; placeholder: string }> = [
  { key: 'EventName', label: 'Event name', placeholder: 'DeleteTrail, StopLogging' },
  { key: 'Username', label: 'User name', placeholder: 'alice, root' },
  { key: 'ResourceName', label: 'Resource name', placeholder: 'bucket name or ARN' },
  { key: 'EventSource', label: 'Event source', placeholder: 'iam, s3.amazonaws.com' },
  { key: 'AccessKeyId', label: 'Access key ID', placeholder: 'AKIA… / ASIA…' },
  { key: 'ResourceType', label: 'Resource type', placeholder: 'AWS::S3::Bucket' },
  { key: 'EventId', label: 'Event ID', placeholder: 'event id' },
];

export const DEFAULT_LIMIT = 1000;

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `YYYY-MM-DDTHH:mm` in local time, as <input type=datetime-local> takes it. */
function localInput(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('div', { class: 'field', 'data-field': control.id }, h('vscode-label', { for: control.id }, label), control, hint ? h('span', { class: 'field-hint' }, hint) : null);
}

function text(id: string, placeholder = '', type = 'text'): ValueElement {
  return h('vscode-textfield', { id, placeholder, type });
}

function single(id: string, label: string, options: Array<{ value: string; label: string }>, value: string): ValueElement {
  const element = h('vscode-single-select', { id, 'aria-label': label }) as ValueElement;
  for (const option of options) element.appendChild(h('vscode-option', { value: option.value, selected: option.value === value }, option.label));
  return element;
}

function multi(id: string, label: string, options: Array<{ value: string; label: string; description?: string }>, values: readonly string[], combobox = false): ListElement {
  const element = h('vscode-multi-select', { id, 'aria-label': label, combobox }) as ListElement;
  for (const option of options) element.appendChild(h('vscode-option', { value: option.value, description: option.description, selected: values.includes(option.value) }, option.label));
  return element;
}

/** Selects exactly `values` (the options' own state too, so a not-yet-upgraded element agrees). */
function setSelected(element: ListElement, values: readonly string[]): void {
  for (const option of Array.from(element.querySelectorAll('vscode-option'))) (option as HTMLElement & { selected: boolean }).selected = values.includes(option.getAttribute('value') ?? '');
  element.value = [...values];
}

function clearChildren(element: HTMLElement): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

function check(id: string, label: string): CheckElement {
  return h('vscode-checkbox', { id }, label);
}

const SOURCE_OPTIONS: Array<{ value: SourceKind; label: string }> = [
  { value: 'history', label: 'Event history (90 days)' },
  { value: 'archive', label: 'Local log folder' },
  { value: 'athena', label: 'Athena (trail’s S3 logs)' },
];

/** Source messages the form sends (the host answers with `folder` / `trails`). */
export type FormMessage = Extract<WebviewMessage, { type: 'pickFolder' | 'listTrails' | 'listStores' | 'createTable' }>;

const LAKE_LABEL = 'CloudTrail Lake (event data store)';

export class QueryForm {
  readonly element: HTMLElement;
  private readonly source: ValueElement;
  private readonly archiveRow: HTMLElement;
  private readonly athenaRow: HTMLElement;
  private readonly folderName: HTMLElement;
  private folder: { folderId: number; name: string } | undefined;
  private readonly trail: ValueElement;
  private readonly trailHint: HTMLElement;
  private readonly database: ValueElement;
  private readonly workgroup: ValueElement;
  private readonly outputLocation: ValueElement;
  private readonly organizationId: ValueElement;
  private readonly sql: ValueElement;
  private trailsFor: string | undefined;
  private readonly lakeRow: HTMLElement;
  private readonly store: ValueElement;
  private storesFor: string | undefined;
  private readonly regionsField: HTMLElement;
  private readonly profiles: ListElement;
  private readonly regions: ListElement;
  private readonly time: ValueElement;
  private readonly start: ValueElement;
  private readonly end: ValueElement;
  private readonly custom: HTMLElement;
  private readonly limit: ValueElement;
  private readonly attributes = new Map<LookupAttributeKey, ValueElement>();
  private readonly access: ValueElement;
  private readonly errorsOnly: CheckElement;
  private readonly errorCodes: ValueElement;
  private readonly sourceIps: ValueElement;
  private readonly userAgent: ValueElement;
  private readonly text: ValueElement;
  private readonly insights: CheckElement;
  private readonly risky: ValueElement;
  private readonly error: HTMLElement;

  constructor(
    private readonly init: PanelInit,
    private readonly submit: (request: SearchRequest) => void,
    private readonly post: (message: FormMessage) => void = () => undefined,
  ) {
    const profileOptions = init.profiles.map((profile) => ({ value: profile.name, label: profile.name, description: [profile.kind, profile.region].filter(Boolean).join(' · ') }));
    const regionOptions = init.regions.map((region) => ({ value: region.id, label: region.id, description: region.name }));
    const saved = init.state?.request;
    this.profiles = multi('profiles', 'Profiles', profileOptions, saved?.profiles ?? (init.defaultProfile ? [init.defaultProfile] : []));
    this.regions = multi('regions', 'Regions', regionOptions, saved?.regions ?? (init.defaultRegion ? [init.defaultRegion] : []), true);
    this.time = single('time', 'Time range', [...TIME_PRESETS.map((value) => ({ value, label: PRESET_LABELS[value] })), { value: 'all', label: 'All time (local logs, Athena)' }, { value: 'custom', label: 'Custom range…' }], '24h');

    // Source: Event history, a local folder (the host's dialog), or Athena over a trail's logs.
    this.source = single('source', 'Source', SOURCE_OPTIONS, 'history');
    this.source.addEventListener('change', () => this.syncSource());
    const chooseFolder = h('vscode-button', { id: 'choose-folder', secondary: true, title: 'Choose a folder of CloudTrail log files (.json, .json.gz)' }, 'Choose folder…');
    chooseFolder.addEventListener('click', () => this.post({ type: 'pickFolder' }));
    this.folderName = h('span', { class: 'folder-name', id: 'folder-name' }, 'No folder chosen');
    this.archiveRow = h('div', { class: 'query-row source-archive', hidden: true }, h('div', { class: 'field' }, chooseFolder), h('div', { class: 'field' }, this.folderName), h('span', { class: 'field-hint' }, 'Every log file below the folder; damaged files are reported and skipped. Free: read on this machine.'));
    const athena = init.athena;
    this.trail = single('athena-trail', 'Trail', [{ value: '', label: 'Loading trails…' }], '');
    this.trailHint = h('span', { class: 'field-hint', id: 'trail-hint' }, '');
    const refresh = h('vscode-button', { id: 'athena-refresh', secondary: true, title: 'List the trails of the selected profile again' }, 'Refresh');
    refresh.addEventListener('click', () => this.requestTrails(true));
    this.database = text('athena-database', 'cloudtrail_lens');
    this.database.value = athena?.database ?? 'cloudtrail_lens';
    this.workgroup = text('athena-workgroup', 'primary');
    this.workgroup.value = athena?.workgroup ?? 'primary';
    this.outputLocation = text('athena-output', 's3://bucket/athena-results/');
    this.outputLocation.value = athena?.outputLocation ?? '';
    this.organizationId = text('athena-org', 'o-… (organization trails)');
    this.sql = h('vscode-textarea', { id: 'athena-sql', placeholder: 'Optional: your own SQL instead of the filters (SELECT … FROM "database"."table" …)', rows: 3 });
    const createTable = h('vscode-button', { id: 'athena-create', secondary: true, title: 'Create the Athena database and table for this trail (you confirm the statements first)' }, 'Create table…');
    createTable.addEventListener('click', () => this.onCreateTable());
    this.athenaRow = h(
      'div',
      { class: 'query-row source-athena', hidden: true },
      field('Trail', this.trail),
      h('div', { class: 'field' }, refresh),
      field('Database', this.database),
      field('Workgroup', this.workgroup),
      field('Result location', this.outputLocation, 'needed unless the workgroup sets one'),
      field('Organization ID', this.organizationId),
      h('div', { class: 'field' }, createTable),
      field('SQL', this.sql),
      h('span', { class: 'field-hint' }, 'Billed by data scanned: $5 per TB, 10 MB minimum per query. Queries read only the partitions of the time range.'),
      this.trailHint,
    );

    this.store = single('lake-store', 'Event data store', [], '');
    this.lakeRow = h(
      'div',
      { class: 'query-row source-lake', hidden: true },
      field('Event data store', this.store),
      h('span', { class: 'field-hint' }, 'Runs in the store’s home region; billed by CloudTrail Lake per data scanned. Give a time range to scan less.'),
    );

    this.start = text('time-start', '', 'datetime-local');
    this.end = text('time-end', '', 'datetime-local');
    this.custom = h('div', { class: 'custom-range', hidden: true }, field('From', this.start), field('To', this.end));
    this.limit = text('limit', String(DEFAULT_LIMIT), 'number');
    this.limit.value = String(DEFAULT_LIMIT);
    this.time.addEventListener('change', () => this.syncCustom());

    const attributeFields = ATTRIBUTE_FIELDS.map(({ key, label, placeholder }) => {
      const control = text(`attr-${key}`, placeholder);
      this.attributes.set(key, control);
      return field(label, control);
    });
    this.access = single('access', 'Read or write', [
      { value: '', label: 'Any' },
      { value: 'read', label: 'Read-only calls' },
      { value: 'write', label: 'Write calls' },
    ], '');
    this.errorsOnly = check('errors-only', 'Errors only');
    this.errorCodes = text('error-codes', 'AccessDenied*, *UnauthorizedOperation');
    this.sourceIps = text('source-ips', '203.0.113.7, 10.0.0.0/8');
    this.userAgent = text('user-agent', 'aws-cli');
    this.text = text('text', 'anywhere in the record');
    this.insights = check('insights', 'Insights events');
    this.risky = single('risky', 'Risk', [
      { value: '', label: 'Any event' },
      { value: 'low', label: 'Flagged (any level)' },
      { value: 'medium', label: 'Medium or high' },
      { value: 'high', label: 'High only' },
    ], '');
    this.error = h('div', { class: 'form-error', role: 'alert', hidden: true });

    const run = h('vscode-button', { id: 'run', title: 'Search (Enter)' }, 'Search');
    run.addEventListener('click', () => this.onSubmit());
    const reset = h('vscode-button', { id: 'reset', secondary: true, title: 'Clear the filters (keeps profiles, regions and time)' }, 'Clear filters');
    reset.addEventListener('click', () => this.clearFilters());

    this.regionsField = field('Regions', this.regions, 'IAM, STS and CloudFront events are recorded in us-east-1.');
    this.profiles.addEventListener('change', () => {
      if (this.source.value === 'athena') this.requestTrails(false);
      this.requestStores();
    });
    this.element = h(
      'form',
      { class: 'query', 'aria-label': 'Search CloudTrail events' },
      h('div', { class: 'query-row source' }, field('Source', this.source)),
      this.archiveRow,
      this.athenaRow,
      this.lakeRow,
      h(
        'div',
        { class: 'query-row scope' },
        field('Profiles', this.profiles),
        this.regionsField,
        field('Time', this.time),
        this.custom,
        field('Newest', this.limit, 'matches, then pause'),
      ),
      h('div', { class: 'query-row filters', role: 'group', 'aria-label': 'Lookup attributes (several values: comma-separated, any of them)' }, ...attributeFields, field('Read or write', this.access)),
      h(
        'div',
        { class: 'query-row filters', role: 'group', 'aria-label': 'Filters LookupEvents lacks (applied by CloudTrail Lens)' },
        field('Error codes', this.errorCodes),
        field('Source IP / CIDR', this.sourceIps),
        field('User agent contains', this.userAgent),
        field('Text', this.text),
        field('Risk', this.risky),
        h('div', { class: 'field checks' }, this.errorsOnly, this.insights),
        h('div', { class: 'actions' }, run, reset),
      ),
      this.error,
    );
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.onSubmit();
    });
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'VSCODE-TEXTFIELD') {
        event.preventDefault();
        this.onSubmit();
      }
    });
    if (init.state?.request) this.fill(init.state.request);
    // The selects are not upgraded yet: ask for the profile they will show.
    this.requestStores((init.state?.request?.profiles ?? (init.defaultProfile ? [init.defaultProfile] : []))[0]);
  }

  /** The event data stores of a profile (the host's ListEventDataStores): the Lake option exists only with some. */
  setStores(profile: string, stores: readonly StoreOption[]): void {
    if (profile !== this.storesFor) return;
    const current = this.store.value;
    clearChildren(this.store);
    for (const store of stores) this.store.appendChild(h('vscode-option', { value: store.arn, description: store.arn.replace(/^arn:[^/]*\//, ''), selected: current === store.arn }, store.name));
    const first = stores[0];
    if (!stores.some((store) => store.arn === current) && first) this.store.value = first.arn;
    const option = this.source.querySelector('vscode-option[value="lake"]');
    if (stores.length > 0 && !option) this.source.appendChild(h('vscode-option', { value: 'lake' }, LAKE_LABEL));
    if (stores.length === 0 && option) {
      const wasLake = this.source.value === 'lake';
      option.remove();
      if (wasLake) {
        this.source.value = 'history';
        this.syncSource();
      }
    }
  }

  private requestStores(selected?: string): void {
    const profile = selected ?? (this.profiles.value as string[] | undefined)?.[0];
    if (!profile || profile === this.storesFor) return;
    this.storesFor = profile;
    const region = this.regions.value[0] ?? this.init.defaultRegion ?? 'us-east-1';
    this.post({ type: 'listStores', profile, region });
  }

  /** The folder the host registered after its dialog. */
  setFolder(folder: { folderId: number; name: string }): void {
    this.folder = folder;
    this.folderName.textContent = folder.name;
    this.folderName.title = `Folder: ${folder.name}`;
  }

  /** The trails of a profile (the host's DescribeTrails). */
  setTrails(profile: string, trails: readonly TrailOption[], error?: string): void {
    if (profile !== this.trailsFor) return;
    const current = this.trail.value;
    clearChildren(this.trail);
    if (trails.length === 0) this.trail.appendChild(h('vscode-option', { value: '' }, error ? 'Trails could not be listed' : 'No trails in this profile'));
    for (const trail of trails) {
      const description = [trail.homeRegion, trail.organization ? 'organization' : '', trail.bucket].filter(Boolean).join(' · ');
      this.trail.appendChild(h('vscode-option', { value: trail.arn || trail.name, description, selected: current === trail.arn || current === trail.name }, trail.name));
    }
    const first = trails[0];
    if (!trails.some((trail) => trail.arn === current || trail.name === current) && first) this.trail.value = first.arn || first.name;
    this.trailHint.textContent = error ? `Trails of ${profile}: ${error}` : '';
  }

  private requestTrails(force: boolean): void {
    const profile = this.profiles.value[0];
    if (!profile || (!force && profile === this.trailsFor)) return;
    this.trailsFor = profile;
    const region = this.regions.value[0] ?? this.init.defaultRegion ?? 'us-east-1';
    this.post({ type: 'listTrails', profile, region });
  }

  private onCreateTable(): void {
    const request = this.read();
    if (typeof request === 'string') {
      this.showError(request);
      return;
    }
    const source = request.source;
    if (source?.kind !== 'athena') return;
    this.showError(undefined);
    const table = { ...source };
    delete table.sql;
    this.post({ type: 'createTable', profile: request.profiles[0] ?? '', region: request.regions[0] ?? '', source: table });
  }

  private syncSource(): void {
    const kind = this.source.value;
    this.archiveRow.hidden = kind !== 'archive';
    this.athenaRow.hidden = kind !== 'athena';
    this.lakeRow.hidden = kind !== 'lake';
    // Local logs hold every region the files hold, a Lake store every region it records: no region choice.
    this.regionsField.hidden = kind === 'archive' || kind === 'lake';
    if (kind === 'athena') this.requestTrails(false);
  }

  private readSource(): SearchSource | string {
    switch (this.source.value) {
      case 'archive':
        if (!this.folder) return 'Choose a folder of CloudTrail log files.';
        return { kind: 'archive', folderId: this.folder.folderId, name: this.folder.name };
      case 'athena': {
        const trail = this.trail.value;
        if (!trail) return 'Choose a trail (its S3 logs are what Athena reads).';
        const source: SearchSource = { kind: 'athena', trail };
        const database = this.database.value.trim();
        if (database && !/^[a-z0-9_]{1,255}$/.test(database)) return 'Database: lower-case letters, digits and _.';
        if (database) source.database = database;
        const workgroup = this.workgroup.value.trim();
        if (workgroup && !/^[a-zA-Z0-9._-]{1,128}$/.test(workgroup)) return 'Workgroup: letters, digits, . _ -';
        if (workgroup) source.workgroup = workgroup;
        const output = this.outputLocation.value.trim();
        if (output && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^']*)?$/.test(output)) return 'Result location: s3://bucket/prefix/';
        if (output) source.outputLocation = output;
        const org = this.organizationId.value.trim();
        if (org && !/^o-[a-z0-9]{10,32}$/.test(org)) return 'Organization ID: o- followed by 10 to 32 letters or digits.';
        if (org) source.organizationId = org;
        const sql = this.sql.value.trim();
        if (sql) source.sql = sql;
        return source;
      }
      case 'lake': {
        const store = this.store.value;
        if (!store) return 'Choose an event data store.';
        const option = Array.from(this.store.querySelectorAll('vscode-option')).find((candidate) => candidate.getAttribute('value') === store);
        const name = option?.textContent?.trim();
        return { kind: 'lake', store, ...(name && { name }) };
      }
      default:
        return { kind: 'history' };
    }
  }

  /** Shows a request in the form. */
  fill(request: SearchRequest): void {
    const known = new Set(this.init.profiles.map((profile) => profile.name));
    for (const name of request.profiles) {
      if (!known.has(name)) {
        this.profiles.appendChild(h('vscode-option', { value: name }, name));
        known.add(name);
      }
    }
    setSelected(this.profiles, request.profiles);
    setSelected(this.regions, request.regions);
    const source = request.source ?? { kind: 'history' };
    this.source.value = source.kind;
    if (source.kind === 'archive') this.setFolder({ folderId: source.folderId, name: source.name });
    if (source.kind === 'lake') {
      if (!this.source.querySelector('vscode-option[value="lake"]')) this.source.appendChild(h('vscode-option', { value: 'lake' }, LAKE_LABEL));
      if (!Array.from(this.store.querySelectorAll('vscode-option')).some((option) => option.getAttribute('value') === source.store)) this.store.appendChild(h('vscode-option', { value: source.store }, source.name ?? source.store.replace(/^arn:[^/]*\//, '')));
      this.store.value = source.store;
      this.source.value = 'lake';
    }
    if (source.kind === 'athena') {
      if (!Array.from(this.trail.querySelectorAll('vscode-option')).some((option) => option.getAttribute('value') === source.trail)) this.trail.appendChild(h('vscode-option', { value: source.trail }, source.trail.replace(/^arn:[^/]*\//, '')));
      this.trail.value = source.trail;
      this.database.value = source.database ?? this.database.value;
      this.workgroup.value = source.workgroup ?? this.workgroup.value;
      this.outputLocation.value = source.outputLocation ?? this.outputLocation.value;
      this.organizationId.value = source.organizationId ?? '';
      this.sql.value = source.sql ?? '';
    }
    this.syncSource();
    const query = request.query;
    const time = query.time;
    if (time && 'preset' in time) this.time.value = time.preset;
    else if (time) {
      this.time.value = 'custom';
      this.start.value = time.start !== undefined ? localInput(time.start) : '';
      this.end.value = time.end !== undefined ? localInput(time.end) : '';
    } else this.time.value = request.source && request.source.kind !== 'history' ? 'all' : '90d';
    this.syncCustom();
    this.limit.value = String(query.limit ?? DEFAULT_LIMIT);
    for (const [key, control] of this.attributes) control.value = (query.attributes?.[key] ?? []).join(', ');
    const readOnly = query.attributes?.ReadOnly;
    this.access.value = query.access ?? (readOnly?.length === 1 ? (readOnly[0] === 'true' ? 'read' : 'write') : '');
    this.errorsOnly.checked = query.errorsOnly === true;
    this.errorCodes.value = (query.errorCodes ?? []).join(', ');
    this.sourceIps.value = (query.sourceIps ?? []).join(', ');
    this.userAgent.value = query.userAgent ?? '';
    this.text.value = query.text ?? '';
    this.insights.checked = query.insights === true;
    this.risky.value = query.riskyOnly === true ? 'medium' : query.riskyOnly || '';
  }

  /** The form as a request, or the reason it is not one yet. */
  read(): SearchRequest | string {
    const profiles = [...this.profiles.value];
    const regions = [...this.regions.value];
    if (profiles.length === 0) return 'Choose at least one profile.';
    const source = this.readSource();
    if (typeof source === 'string') return source;
    // Local logs search every region in the files; the request still names one (the protocol's shape).
    if ((source.kind === 'archive' || source.kind === 'lake') && regions.length === 0) regions.push(this.init.defaultRegion ?? 'us-east-1');
    if (regions.length === 0) return 'Choose at least one region.';
    const query: EventQuery = {};
    if (this.time.value === 'all') {
      if (source.kind === 'history') query.time = { preset: '90d' };
    } else if (this.time.value === 'custom') {
      const start = this.start.value ? new Date(this.start.value).getTime() : undefined;
      const end = this.end.value ? new Date(this.end.value).getTime() : undefined;
      if ((start !== undefined && !Number.isFinite(start)) || (end !== undefined && !Number.isFinite(end))) return 'The custom range needs valid times.';
      if (start !== undefined && end !== undefined && start > end) return 'The custom range ends before it starts.';
      query.time = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
    } else query.time = { preset: (TIME_PRESETS as readonly string[]).includes(this.time.value) ? (this.time.value as TimePreset) : '24h' };
    const attributes: EventQuery['attributes'] = {};
    for (const [key, control] of this.attributes) {
      const values = list(control.value);
      if (values.length > 0) attributes[key] = values;
    }
    if (Object.keys(attributes).length > 0) query.attributes = attributes;
    if (this.access.value === 'read' || this.access.value === 'write') query.access = this.access.value;
    const codes = list(this.errorCodes.value);
    if (codes.length > 0) query.errorCodes = codes;
    if (this.errorsOnly.checked || codes.length > 0) query.errorsOnly = true;
    const ips = list(this.sourceIps.value);
    if (ips.length > 0) query.sourceIps = ips;
    if (this.userAgent.value.trim()) query.userAgent = this.userAgent.value.trim();
    if (this.text.value.trim()) query.text = this.text.value.trim();
    if (this.insights.checked) query.insights = true;
    if (this.risky.value === 'low' || this.risky.value === 'medium' || this.risky.value === 'high') query.riskyOnly = this.risky.value;
    const limit = Number(this.limit.value || DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) return 'Newest: a whole number from 1 to 100,000.';
    query.limit = limit;
    return source.kind === 'history' ? { profiles, regions, query } : { profiles, regions, query, source };
  }

  showError(message: string | undefined): void {
    this.error.textContent = message ?? '';
    this.error.hidden = !message;
  }

  private onSubmit(): void {
    const request = this.read();
    if (typeof request === 'string') {
      this.showError(request);
      return;
    }
    this.showError(undefined);
    this.submit(request);
  }

  private clearFilters(): void {
    for (const control of this.attributes.values()) control.value = '';
    for (const control of [this.errorCodes, this.sourceIps, this.userAgent, this.text]) control.value = '';
    this.access.value = '';
    this.risky.value = '';
    this.errorsOnly.checked = false;
    this.insights.checked = false;
  }

  private syncCustom(): void {
    this.custom.hidden = this.time.value !== 'custom';
  }
}
