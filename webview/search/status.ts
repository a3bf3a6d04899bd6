/**
 * What the search is doing: the plan (which filter went to AWS and why, which run locally), the
 * progress of every stream (fetched / matched, requests, pages, throttles), failures with what to
 * do, and the controls that act on a running search (cancel, load more, keep going, retry).
 */
import { formatBytes, formatUsd } from '../../src/core/athena/cost';
import type { DoneReason, PlanInfo, SearchProgress, SourceProgress, StreamFailure, StreamProgress, StreamState, WebviewMessage } from '../../src/shared/protocol';
import { formatTime } from './columns';
import { append, clear, h } from './dom';

interface ValueElement extends HTMLElement {
  value: string;
}

const STATE_ICON: Record<StreamState, string> = {
  queued: 'codicon-clock',
  running: 'codicon-sync codicon-modifier-spin',
  paused: 'codicon-debug-pause',
  complete: 'codicon-check',
  failed: 'codicon-error',
  cancelled: 'codicon-circle-slash',
};

const STATE_LABEL: Record<StreamState, string> = { queued: 'waiting', running: 'running', paused: 'paused', complete: 'complete', failed: 'failed', cancelled: 'cancelled' };

const PAUSED_BY: Record<NonNullable<StreamProgress['pausedBy']>, string> = {
  limit: 'enough newer matches',
  scan: 'scan limit for this round',
  throttled: 'AWS kept throttling',
  capacity: 'result limit',
};

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function icon(name: string): HTMLElement {
  return h('span', { class: `codicon ${name}`, 'aria-hidden': 'true' });
}

export class StatusView {
  readonly element: HTMLElement;
  private readonly planBox: HTMLElement;
  private readonly banners: HTMLElement;
  private readonly totals: HTMLElement;
  private readonly streams: HTMLElement;
  private readonly doneLine: HTMLElement;
  private readonly cancel: HTMLElement;
  private readonly loadMore: HTMLElement;
  private readonly keepGoing: HTMLElement;
  private readonly keepGoingTo: ValueElement;
  private readonly retry: HTMLElement;
  private readonly notice: HTMLElement;
  private noticeTimer = 0;
  private running = false;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.planBox = h('div', { class: 'plan', hidden: true, 'aria-label': 'How the search runs' });
    this.banners = h('div', { class: 'banners' });
    this.totals = h('span', { class: 'totals', role: 'status', 'aria-live': 'polite' });
    this.streams = h('ul', { class: 'streams', 'aria-label': 'Streams' });
    this.doneLine = h('span', { class: 'done-line' });
    this.cancel = h('vscode-button', { id: 'cancel', secondary: true, hidden: true }, 'Cancel');
    this.cancel.addEventListener('click', () => this.post({ type: 'cancel' }));
    this.loadMore = h('vscode-button', { id: 'load-more', secondary: true, hidden: true, title: 'Continue every paused stream for another batch of matches' }, 'Load more');
    this.loadMore.addEventListener('click', () => this.post({ type: 'loadMore' }));
    this.keepGoingTo = h('vscode-textfield', { id: 'keep-going-to', type: 'number', 'aria-label': 'Keep going up to this many matches' });
    this.keepGoingTo.value = '5000';
    this.keepGoing = h('vscode-button', { id: 'keep-going', secondary: true, title: 'Continue until this many matches in all (or the start of the range)' }, 'Keep going up to');
    this.keepGoing.addEventListener('click', () => {
      const upTo = Number(this.keepGoingTo.value);
      if (Number.isInteger(upTo) && upTo >= 1 && upTo <= 100_000) this.post({ type: 'keepGoing', upTo });
    });
    const keepGoingGroup = h('span', { class: 'keep-going', hidden: true }, this.keepGoing, this.keepGoingTo);
    this.retry = h('vscode-button', { id: 'retry', secondary: true, hidden: true }, 'Retry failed');
    this.retry.addEventListener('click', () => {
      clear(this.banners);
      this.post({ type: 'retry' });
    });
    this.notice = h('div', { class: 'notice', role: 'status', hidden: true });
    const controls = h('div', { class: 'run-controls' }, this.totals, this.cancel, this.loadMore, keepGoingGroup, this.retry);
    this.element = h('section', { class: 'status', 'aria-label': 'Search status' }, this.planBox, this.banners, controls, this.doneLine, this.streams, this.notice);
  }

  reset(plan: PlanInfo): void {
    clear(this.banners);
    clear(this.streams);
    this.doneLine.textContent = '';
    this.totals.textContent = plan.impossible ? '' : 'Starting…';
    this.showPlan(plan);
    this.setRunning(!plan.impossible);
    this.setMore(false);
    this.retry.hidden = true;
  }

  progress(progress: SearchProgress): void {
    if (progress.source) {
      this.sourceProgress(progress, progress.source);
      return;
    }
    const t = progress.total;
    const back = progress.completeBackTo !== undefined && Number.isFinite(progress.completeBackTo) ? ` · complete back to ${formatTime(progress.completeBackTo)}` : '';
    const plural = (count: number, word: string): string => `${n(count)} ${word}${count === 1 ? '' : 's'}`;
    this.totals.textContent = `${progress.running ? 'Searching… ' : ''}${n(t.matched)} matched of ${n(t.fetched)} fetched · ${plural(t.requests, 'request')} · ${plural(t.pages, 'page')}${t.throttled ? ` · ${plural(t.throttled, 'throttle')} absorbed` : ''}${back}`;
    this.setRunning(progress.running);
    clear(this.streams);
    if (progress.streams.length > 1 || progress.streams.some((stream) => stream.state === 'failed' || stream.state === 'paused')) {
      for (const stream of progress.streams) this.streams.appendChild(this.streamItem(stream));
    }
  }

  /** Local logs: files and bytes read, damaged files listed; Athena: state, data scanned, estimated cost. */
  private sourceProgress(progress: SearchProgress, source: SourceProgress): void {
    const plural = (count: number, word: string): string => `${n(count)} ${word}${count === 1 ? '' : 's'}`;
    const searching = progress.running ? 'Searching… ' : '';
    const matched = n(progress.total.matched);
    clear(this.streams);
    if (source.kind === 'archive') {
      this.totals.textContent = `${searching}${matched} matched · ${n(source.filesRead)} of ${plural(source.files, 'file')} read (${formatBytes(source.bytesRead)})${source.filesSkipped ? ` · ${n(source.filesSkipped)} skipped by date or region` : ''} · ${plural(source.records, 'record')}${source.errors ? ` · ${plural(source.errors, 'problem')} in damaged files` : ''}`;
      for (const error of source.fileErrors) this.streams.appendChild(h('li', { class: 'file-error', 'data-state': 'failed' }, icon('codicon-warning'), h('span', { class: 'stream-label' }, error.file), h('span', { class: 'stream-counts' }, error.message)));
    } else if (source.kind === 'lake') {
      const state = source.state ?? 'STARTING';
      this.totals.textContent = `${searching}CloudTrail Lake ${state} · ${formatBytes(source.scannedBytes)} scanned · ${matched} matched of ${plural(source.rows, 'row')}`;
      this.totals.dataset.lakeState = state;
    } else {
      const state = source.state ?? 'STARTING';
      this.totals.textContent = `${searching}Athena ${state} · ${formatBytes(source.scannedBytes)} scanned · about ${formatUsd(source.costUsd)}${source.billedBytes ? ` (billed ${formatBytes(source.billedBytes)})` : ''} · ${matched} matched of ${plural(source.rows, 'row')}`;
      this.totals.dataset.athenaState = state;
    }
    this.setRunning(progress.running);
  }

  failure(failure: StreamFailure): void {
    const fix = failure.command ? h('vscode-button', { class: 'fix', title: 'Runs in a terminal you can see' }, `Run "${failure.command}"`) : null;
    fix?.addEventListener('click', () => this.post({ type: 'fix', streamId: failure.streamId }));
    const banner = h(
      'div',
      { class: 'banner', role: 'alert', 'data-stream': failure.streamId, 'data-kind': failure.kind },
      icon('codicon-warning'),
      h('div', { class: 'banner-text' }, h('strong', {}, `${failure.label}: `), h('span', { class: 'banner-message' }, failure.message), ' ', h('span', { class: 'next' }, failure.next), failure.missingAction && !failure.message.includes(failure.missingAction) ? h('code', { class: 'missing-action' }, failure.missingAction) : null),
      fix,
    );
    this.banners.appendChild(banner);
    this.retry.hidden = false;
  }

  done(reason: DoneReason, more: boolean, message: string): void {
    this.setRunning(false);
    this.setMore(more);
    this.doneLine.textContent = message;
    this.doneLine.dataset.reason = reason;
  }

  /** A short confirmation or error from the host (copied, exported, …). */
  showNotice(level: 'info' | 'error', message: string): void {
    this.notice.textContent = message;
    this.notice.dataset.level = level;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => {
      this.notice.hidden = true;
    }, 6000);
  }

  get isRunning(): boolean {
    return this.running;
  }

  private setRunning(running: boolean): void {
    this.running = running;
    this.cancel.hidden = !running;
    if (running) this.setMore(false);
  }

  private setMore(more: boolean): void {
    this.loadMore.hidden = !more;
    (this.keepGoing.parentElement as HTMLElement).hidden = !more;
  }

  private showPlan(plan: PlanInfo): void {
    clear(this.planBox);
    this.planBox.hidden = false;
    if (plan.impossible) {
      append(this.planBox, h('div', { class: 'plan-impossible' }, icon('codicon-circle-slash'), ` Nothing can match: ${plan.impossible}`));
      return;
    }
    const server = plan.server
      ? h('div', { class: 'plan-server' }, icon('codicon-cloud'), h('span', { class: 'plan-label' }, ' Sent to AWS: '), h('strong', {}, `${plan.server.attribute} = ${plan.server.values.join(' | ')}`), h('span', { class: 'plan-why' }, ` — ${plan.server.reason}`))
      : h('div', { class: 'plan-server' }, icon('codicon-cloud'), h('span', { class: 'plan-label' }, ' Sent to AWS: '), h('strong', {}, 'time range only'), h('span', { class: 'plan-why' }, ` — ${plan.explanation[0] ?? ''}`));
    const local =
      plan.local.length > 0
        ? h(
            'div',
            { class: 'plan-local' },
            icon('codicon-filter'),
            h('span', { class: 'plan-label' }, ' Applied locally: '),
            ...plan.local.map((item, i) => h('span', { class: 'plan-filter', title: item.reason }, `${i > 0 ? '; ' : ''}${item.label}`)),
          )
        : null;
    const streams = plan.streams.length > 1 ? h('div', { class: 'plan-streams' }, icon('codicon-git-merge'), ` ${plan.streams.length} streams in parallel, merged newest first.`) : null;
    const warnings = plan.warnings.map((warning) => h('div', { class: 'plan-warning' }, icon('codicon-info'), ` ${warning}`));
    append(this.planBox, server, local, streams, ...warnings);
  }

  private streamItem(stream: StreamProgress): HTMLElement {
    const paused = stream.state === 'paused' && stream.pausedBy ? ` (${PAUSED_BY[stream.pausedBy]})` : '';
    return h(
      'li',
      { class: `stream stream-${stream.state}`, 'data-stream': stream.id, title: `${stream.requests} requests · ${stream.pages} pages · ${stream.throttled} throttles absorbed${stream.oldest ? ` · back to ${formatTime(stream.oldest)}` : ''}` },
      icon(STATE_ICON[stream.state]),
      h('span', { class: 'stream-label' }, ` ${stream.label}`),
      h('span', { class: 'stream-counts' }, ` ${n(stream.matched)}/${n(stream.fetched)}`),
      h('span', { class: 'stream-state' }, ` ${STATE_LABEL[stream.state]}${paused}`),
    );
  }
}
