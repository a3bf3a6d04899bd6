/**
 * The profiles of the standard AWS files, kept up to date. Reads the files (the only I/O here),
 * parses them with src/core/aws, and announces changes. Does not load the AWS SDK, so the status
 * bar and pickers can list profiles without paying for it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { watch, watchFile, unwatchFile, existsSync, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Emitter, type Disposable, type Event } from '../core/aws/emitter';
import { defaultRegion, emptyProfileSet, environmentProfile, parseProfiles, type AwsEnvironment, type AwsProfile, type ProfileSet } from '../core/aws/profiles';
import { silentLog, type AwsLog } from './types';

export interface ProfileStoreOptions {
  /** The environment to read AWS_* variables from. Default process.env. */
  readonly env?: AwsEnvironment;
  /** The home directory for `~` and the default file locations. Default os.homedir(). */
  readonly homedir?: string;
  readonly log?: AwsLog;
}

function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return path;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

export class ProfileStore implements Disposable {
  readonly env: AwsEnvironment;
  readonly configFile: string;
  readonly credentialsFile: string;
  private readonly log: AwsLog;
  private readonly changed = new Emitter<ProfileSet>();
  /** Fires after the files changed and were read again. */
  readonly onDidChange: Event<ProfileSet> = this.changed.event;
  private current: ProfileSet | undefined;
  /** A digest of both files, to tell a real change from a touch (file contents are not kept). */
  private digest: string | undefined;
  private loading: Promise<ProfileSet> | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private watchers: Disposable[] = [];

  constructor(options: ProfileStoreOptions = {}) {
    this.env = options.env ?? process.env;
    const home = options.homedir ?? homedir();
    this.configFile = expandHome(this.env.AWS_CONFIG_FILE?.trim() || join(home, '.aws', 'config'), home);
    this.credentialsFile = expandHome(this.env.AWS_SHARED_CREDENTIALS_FILE?.trim() || join(home, '.aws', 'credentials'), home);
    this.log = options.log ?? silentLog;
  }

  /** The profiles (read once, then kept until the files change). */
  load(): Promise<ProfileSet> {
    if (this.current) return Promise.resolve(this.current);
    return (this.loading ??= this.read().finally(() => (this.loading = undefined)));
  }

  async profiles(): Promise<readonly AwsProfile[]> {
    return (await this.load()).profiles;
  }

  async get(name: string): Promise<AwsProfile | undefined> {
    return (await this.load()).profiles.find((profile) => profile.name === name);
  }

  /** The profile the environment selects (AWS_PROFILE, else `default`). */
  environmentProfile(): string {
    return environmentProfile(this.env);
  }

  /** The region a profile uses unless told otherwise (AWS_REGION, AWS_DEFAULT_REGION, its `region`, us-east-1). */
  async defaultRegion(name: string): Promise<string> {
    return defaultRegion(await this.get(name), this.env);
  }

  /**
   * Reads the files again now. Returns true and fires onDidChange when their content changed.
   */
  async reload(): Promise<boolean> {
    const before = this.digest;
    await this.read();
    if (before === undefined || before === this.digest) return false;
    this.log.info(`AWS profiles changed: ${this.current?.profiles.length ?? 0} profile(s)`);
    this.changed.fire(this.current ?? emptyProfileSet());
    return true;
  }

  /** Reloads after `delayMs` of quiet (file watchers fire several events per save). */
  scheduleReload(delayMs = 300): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.reload().catch((error: unknown) => this.log.warn(`reading AWS profiles failed: ${error instanceof Error ? error.message : String(error)}`));
    }, delayMs);
  }

  /**
   * Watches both files with Node's fs.watch (on their folders, so editors that save by rename are
   * seen) or, when a folder does not exist yet, by polling. For hosts without their own watcher;
   * VS Code uses a FileSystemWatcher that calls scheduleReload instead.
   */
  watch(): Disposable {
    const folders = new Map<string, Set<string>>();
    for (const file of [this.configFile, this.credentialsFile]) {
      const names = folders.get(dirname(file)) ?? new Set<string>();
      names.add(basename(file));
      folders.set(dirname(file), names);
    }
    const disposables: Disposable[] = [];
    for (const [folder, names] of folders) {
      let watcher: FSWatcher | undefined;
      if (existsSync(folder)) {
        try {
          watcher = watch(folder, { persistent: false }, (_event, name) => {
            if (name === null || names.has(name.toString())) this.scheduleReload();
          });
          watcher.on('error', () => undefined);
          disposables.push({ dispose: () => watcher?.close() });
          continue;
        } catch {
          // fall through to polling
        }
      }
      for (const name of names) {
        const file = join(folder, name);
        const listener = (): void => this.scheduleReload();
        watchFile(file, { persistent: false, interval: 2000 }, listener);
        disposables.push({ dispose: () => unwatchFile(file, listener) });
      }
    }
    this.watchers.push(...disposables);
    return { dispose: () => disposables.forEach((item) => item.dispose()) };
  }

  dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    this.changed.dispose();
  }

  private async read(): Promise<ProfileSet> {
    const [config, credentials] = await Promise.all([readOptional(this.configFile), readOptional(this.credentialsFile)]);
    const digest = createHash('sha256')
      .update(config ?? '\u0000none')
      .update('\u0000')
      .update(credentials ?? '\u0000none')
      .digest('hex');
    const set = parseProfiles(config, credentials);
    for (const warning of set.warnings) this.log.debug(`AWS ${warning.file} file line ${warning.line}: ${warning.message}`);
    this.current = set;
    this.digest = digest;
    return set;
  }
}
