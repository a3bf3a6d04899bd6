/**
 * The timeline: events per time bucket over the search's range, as DOM bars (no chart library),
 * flagged events stacked in the risk colour. Drag across it (or click a bar) to narrow the table to
 * that time; the caller offers to search that range again.
 */
import type { SearchRow } from '../../src/shared/protocol';
import { levelRank, riskLevel } from './columns';
import { h } from './dom';

export interface TimeRange {
  start: number;
  end: number;
}

const BUCKETS = 96;
/** Pointer travel (px) below which a press is a click on one bar, not a drag. */
const CLICK_SLOP = 4;

const short = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

export function formatRange(range: TimeRange): string {
  return `${short.format(range.start)} – ${short.format(range.end)}`;
}

/** Counts per bucket (pure; exported for tests and benchmarks). */
export function bucketIndex(time: number, range: TimeRange, buckets = BUCKETS): number {
  const span = Math.max(1, range.end - range.start);
  return Math.min(buckets - 1, Math.max(0, Math.floor(((time - range.start) / span) * buckets)));
}

export class Timeline {
  readonly element: HTMLElement;
  private readonly bars: HTMLElement;
  private readonly brush: HTMLElement;
  private readonly startLabel: HTMLElement;
  private readonly endLabel: HTMLElement;
  private readonly peakLabel: HTMLElement;
  private range: TimeRange = { start: 0, end: 1 };
  private counts = new Array<number>(BUCKETS).fill(0);
  private risky = new Array<number>(BUCKETS).fill(0);
  private barElements: Array<{ bar: HTMLElement; total: HTMLElement; risk: HTMLElement }> = [];
  private selection: TimeRange | undefined;
  private drag: { x0: number; pointer: number } | undefined;
  private frame = 0;

  constructor(private readonly onNarrow: (range: TimeRange | undefined) => void) {
    this.bars = h('div', { class: 'timeline-bars', role: 'img', 'aria-label': 'Events over time' });
    this.brush = h('div', { class: 'timeline-brush', hidden: true });
    this.startLabel = h('span', { class: 'timeline-start' });
    this.endLabel = h('span', { class: 'timeline-end' });
    this.peakLabel = h('span', { class: 'timeline-peak' });
    const plot = h('div', { class: 'timeline-plot', title: 'Drag across the timeline to narrow the table to that time' }, this.bars, this.brush);
    this.element = h('div', { class: 'timeline', hidden: true }, plot, h('div', { class: 'timeline-axis' }, this.startLabel, this.peakLabel, this.endLabel));
    for (let i = 0; i < BUCKETS; i++) {
      const total = h('div', { class: 'timeline-total' });
      const risk = h('div', { class: 'timeline-risk' });
      const bar = h('div', { class: 'timeline-bar', 'data-bucket': i }, total, risk);
      this.barElements.push({ bar, total, risk });
      this.bars.appendChild(bar);
    }
    plot.addEventListener('pointerdown', (event) => this.onDown(event, plot));
    plot.addEventListener('pointermove', (event) => this.onMove(event, plot));
    plot.addEventListener('pointerup', (event) => this.onUp(event, plot));
    plot.addEventListener('pointercancel', () => this.cancelDrag());
  }

  /** Starts over for a new search's range. */
  reset(range: TimeRange): void {
    this.range = { start: range.start, end: Math.max(range.end, range.start + 1) };
    this.counts.fill(0);
    this.risky.fill(0);
    this.selection = undefined;
    this.brush.hidden = true;
    this.startLabel.textContent = short.format(this.range.start);
    this.endLabel.textContent = short.format(this.range.end);
    this.element.hidden = false;
    this.schedule();
  }

  hide(): void {
    this.element.hidden = true;
  }

  add(rows: readonly SearchRow[]): void {
    for (const row of rows) {
      if (row.time <= 0) continue;
      const index = bucketIndex(row.time, this.range);
      this.counts[index] = (this.counts[index] ?? 0) + 1;
      if (levelRank(riskLevel(row.risk)) >= 2) this.risky[index] = (this.risky[index] ?? 0) + 1;
    }
    this.schedule();
  }

  /** Recounts everything (after risk flags changed). */
  recount(rows: readonly SearchRow[]): void {
    this.counts.fill(0);
    this.risky.fill(0);
    this.add(rows);
  }

  /** Clears the narrowing (without notifying). */
  clearSelection(): void {
    this.selection = undefined;
    this.brush.hidden = true;
  }

  get narrowed(): TimeRange | undefined {
    return this.selection;
  }

  // -------------------------------------------------------------------------------------------

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws now (tests call it through a frame anyway). */
  draw(): void {
    const max = Math.max(1, ...this.counts);
    const span = (this.range.end - this.range.start) / BUCKETS;
    this.barElements.forEach(({ bar, total, risk }, i) => {
      const count = this.counts[i] ?? 0;
      const flagged = this.risky[i] ?? 0;
      total.style.height = `${(count / max) * 100}%`;
      risk.style.height = `${(flagged / max) * 100}%`;
      const from = this.range.start + i * span;
      bar.title = `${short.format(from)} – ${short.format(from + span)}: ${count.toLocaleString()} event${count === 1 ? '' : 's'}${flagged ? `, ${flagged} flagged` : ''}`;
    });
    const total = this.counts.reduce((sum, count) => sum + count, 0);
    this.peakLabel.textContent = total > 0 ? `peak ${max.toLocaleString()} per ${describeSpan(span)}` : 'no events yet';
    if (this.selection) this.placeBrush(this.selection);
  }

  private timeAt(x: number, plot: HTMLElement): number {
    const box = plot.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (x - box.left) / Math.max(1, box.width)));
    return this.range.start + ratio * (this.range.end - this.range.start);
  }

  private placeBrush(range: TimeRange): void {
    const span = this.range.end - this.range.start;
    const left = ((range.start - this.range.start) / span) * 100;
    const width = ((range.end - range.start) / span) * 100;
    this.brush.style.left = `${Math.max(0, left)}%`;
    this.brush.style.width = `${Math.max(0.3, Math.min(100 - left, width))}%`;
    this.brush.hidden = false;
  }

  private onDown(event: PointerEvent, plot: HTMLElement): void {
    if (event.button !== 0 || this.element.hidden) return;
    event.preventDefault();
    plot.setPointerCapture?.(event.pointerId);
    this.drag = { x0: event.clientX, pointer: event.pointerId };
  }

  private onMove(event: PointerEvent, plot: HTMLElement): void {
    if (!this.drag || event.pointerId !== this.drag.pointer) return;
    const a = this.timeAt(this.drag.x0, plot);
    const b = this.timeAt(event.clientX, plot);
    this.placeBrush({ start: Math.min(a, b), end: Math.max(a, b) });
  }

  private onUp(event: PointerEvent, plot: HTMLElement): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    this.drag = undefined;
    plot.releasePointerCapture?.(event.pointerId);
    let range: TimeRange;
    if (Math.abs(event.clientX - drag.x0) < CLICK_SLOP) {
      // A click: the bucket under the pointer.
      const index = bucketIndex(this.timeAt(event.clientX, plot), this.range);
      const span = (this.range.end - this.range.start) / BUCKETS;
      range = { start: this.range.start + index * span, end: this.range.start + (index + 1) * span };
    } else {
      const a = this.timeAt(drag.x0, plot);
      const b = this.timeAt(event.clientX, plot);
      range = { start: Math.floor(Math.min(a, b)), end: Math.ceil(Math.max(a, b)) };
    }
    this.selection = range;
    this.placeBrush(range);
    this.onNarrow(range);
  }

  private cancelDrag(): void {
    this.drag = undefined;
    if (this.selection) this.placeBrush(this.selection);
    else this.brush.hidden = true;
  }
}

function describeSpan(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 36) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}

