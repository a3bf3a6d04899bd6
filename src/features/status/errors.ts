/**
 * Showing an AwsError with its next step, for every feature: a notification with the message and
 * the next step, and the action that helps — run `aws sso login` in a terminal, copy the missing
 * IAM action, open the log. Throttles and cancellations are never shown.
 */
import * as vscode from 'vscode';
import { isAwsError, type AwsError, type AwsServices } from '../../aws';
import { toAwsError } from '../../core/aws/errors';
import type { Logger } from '../../shared/log';

/** Whether an error deserves the user's attention (not a throttle, not a cancellation). */
export function isReportable(error: unknown): boolean {
  const kind = isAwsError(error) ? error.kind : toAwsError(error).kind;
  return kind !== 'throttled' && kind !== 'cancelled';
}

/**
 * Runs the fix command of an error (`aws sso login --profile X`) in a terminal, visible to the
 * user, and forgets the profile's cached credentials once the terminal closes.
 */
export function runFixInTerminal(error: AwsError, aws: AwsServices): void {
  if (!error.command) return;
  const terminal = vscode.window.createTerminal({ name: `AWS: ${error.command.split(' --')[0]}` });
  terminal.show();
  // The command is ours (profile names are shell-quoted); the user sees it run.
  terminal.sendText(error.command, true);
  const profile = error.profile;
  const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
    if (closedTerminal !== terminal) return;
    closed.dispose();
    aws.forget(profile);
  });
}

/** Shows an error with its next step and the action that fixes it. Resolves when the user chose. */
export async function showAwsError(error: unknown, services: { log: Logger; aws: AwsServices }, context?: string): Promise<void> {
  const failure = isAwsError(error) ? error : toAwsError(error);
  if (failure.kind === 'throttled' || failure.kind === 'cancelled') return;
  services.log.warn(`${context ? `${context}: ` : ''}${failure.kind}: ${failure.message}${failure.detail ? ` (${failure.detail})` : ''}`);
  const actions: string[] = [];
  const runLabel = failure.command ? `Run "${failure.command}"` : undefined;
  if (runLabel) actions.push(runLabel);
  const copyLabel = failure.missingAction ? `Copy "${failure.missingAction}"` : undefined;
  if (copyLabel) actions.push(copyLabel);
  actions.push('Show Log');
  const text = `${context ? `${context}: ` : ''}${failure.message}${failure.next ? ` ${failure.next}` : ''}`;
  const show = failure.kind === 'service' || failure.kind === 'unreachable' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const choice = await show(text, ...actions);
  if (choice === undefined) return;
  if (choice === runLabel) runFixInTerminal(failure, services.aws);
  else if (choice === copyLabel && failure.missingAction) await vscode.env.clipboard.writeText(failure.missingAction);
  else if (choice === 'Show Log') services.log.show();
}
