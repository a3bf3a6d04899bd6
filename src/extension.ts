import * as vscode from 'vscode';
import { Commands } from './shared/commands';
import { createLogger } from './shared/log';
import * as status from './features/status';
import * as trails from './features/trails';
import * as search from './features/search';
import * as iac from './features/iac';
import * as lookup from './features/lookup';

const loadedAt = performance.now();

/**
 * What activate() returns: timings for the activation benchmark and, only when the extension runs
 * in test mode (ExtensionMode.Test: an extensionTestsPath is set), the e2e suite's hooks.
 */
export interface CloudTrailLensApi {
  readonly timings: { readonly moduleLoadedAt: number; readonly activateMs: number };
  readonly testing?: { readonly trails?: trails.TrailsTestHooks };
}

/**
 * Builds the services and lets each feature register itself. No AWS call and no AWS SDK import
 * happens here: the AWS layer loads the SDK the first time a feature needs it.
 */
export function activate(context: vscode.ExtensionContext): CloudTrailLensApi {
  const started = performance.now();
  const log = createLogger(context);
  context.subscriptions.push(vscode.commands.registerCommand(Commands.showLog, () => log.show()));
  const aws = status.createAwsServices(context, log);
  const active = status.register(context, { log, aws });
  const services = { log, aws, active };
  const trailsHooks = trails.register(context, services);
  search.register(context, services);
  iac.register(context, services);
  lookup.register(context, services);
  const activateMs = performance.now() - started;
  log.info(`activated in ${activateMs.toFixed(1)} ms`);
  return { timings: { moduleLoadedAt: loadedAt, activateMs }, ...(trailsHooks ? { testing: { trails: trailsHooks } } : {}) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
