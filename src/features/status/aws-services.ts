/**
 * The VS Code side of the AWS layer: builds the one `AwsServices` of the extension and keeps it in
 * step with the editor — the endpoint setting (machine-scoped, user settings only, and only in a
 * trusted workspace), the AWS files (a FileSystemWatcher, debounced), MFA codes (an input box).
 * Creating it loads no SDK and makes no AWS call.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { AwsServices } from '../../aws';
import type { Logger } from '../../shared/log';

export const ENDPOINT_SETTING = 'cloudtrailLens.endpointUrl';

/**
 * The endpoint override the user set, or undefined. Only the user (or remote machine) value
 * counts: a workspace must never redirect signed requests, even if VS Code let a machine-scoped
 * value through; and in an untrusted workspace the override is off altogether.
 */
export function trustedEndpointSetting(): string | undefined {
  if (!vscode.workspace.isTrusted) return undefined;
  const inspected = vscode.workspace.getConfiguration().inspect<string>(ENDPOINT_SETTING);
  const value = inspected?.globalValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function createAwsServices(context: vscode.ExtensionContext, log: Logger): AwsServices {
  const aws = new AwsServices({
    endpointUrl: trustedEndpointSetting(),
    log: { debug: (message) => log.debug(message), info: (message) => log.info(message), warn: (message) => log.warn(message) },
    mfaCodeProvider: async (serial, profile) => {
      const code = await vscode.window.showInputBox({
        title: `MFA code for AWS profile "${profile}"`,
        prompt: `Enter the current code of ${serial}`,
        ignoreFocusOut: true,
        validateInput: (value) => (/^\d{6}$/.test(value.trim()) ? undefined : 'Six digits'),
      });
      if (!code) throw new Error(`Profile ${profile} requires multi-factor authentication, but no MFA code was entered.`);
      return code.trim();
    },
  });
  context.subscriptions.push(aws);

  const applySetting = (): void => {
    const before = aws.endpointOverride;
    aws.setEndpointOverride(trustedEndpointSetting());
    if (before !== aws.endpointOverride) log.info(`AWS endpoint override: ${aws.endpointOverride ?? 'none (AWS default endpoints)'}`);
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(ENDPOINT_SETTING)) applySetting();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(applySetting),
  );

  // Watch both files (they usually live outside the workspace; VS Code supports that with a base URI).
  for (const file of new Set([aws.profiles.configFile, aws.profiles.credentialsFile])) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(file)), basename(file)));
    const reload = (): void => aws.profiles.scheduleReload();
    context.subscriptions.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
  }
  return aws;
}
