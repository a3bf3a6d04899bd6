/**
 * What the Trails tree shares with the other features: the postures it has read (so the IaC
 * CodeLens need not read the account again) and when it reads again (the view's refresh). One per
 * extension host: the tree publishes, readers subscribe. No AWS call happens here.
 */
import * as vscode from 'vscode';
import type { ProfilePosture } from '../../core/posture/report';

export interface TrailsFeedChange {
  readonly profile: string | undefined;
  /** 'refresh': the user asked the tree to read again (drop what you cached); 'loaded': a new posture is available. */
  readonly kind: 'refresh' | 'loaded';
}

class TrailsFeed {
  private readonly postures = new Map<string, ProfilePosture>();
  private readonly changed = new vscode.EventEmitter<TrailsFeedChange>();
  /** Fires after the tree read a profile ('loaded') or the user refreshed it ('refresh'; profile undefined: every profile). */
  readonly onDidChange = this.changed.event;

  /** The last posture the tree read for the profile (undefined when it has not read it, or it was refreshed since). */
  posture(profile: string): ProfilePosture | undefined {
    return this.postures.get(profile);
  }

  publish(profile: string, posture: ProfilePosture): void {
    this.postures.set(profile, posture);
    this.changed.fire({ profile, kind: 'loaded' });
  }

  refreshed(profile?: string): void {
    if (profile === undefined) this.postures.clear();
    else this.postures.delete(profile);
    this.changed.fire({ profile, kind: 'refresh' });
  }
}

export const trailsFeed = new TrailsFeed();
