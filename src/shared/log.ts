import * as vscode from 'vscode';
import { redact } from '../core/redact';

/**
 * The extension's one log: a LogOutputChannel ("CloudTrail Lens" in the Output panel), so the user
 * picks the level. Every message passes through `redact`, so a credential that slips into an error
 * message is never written.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  show(): void;
}

export function createLogger(context: vscode.ExtensionContext): Logger {
  const channel = vscode.window.createOutputChannel('CloudTrail Lens', { log: true });
  context.subscriptions.push(channel);
  return {
    trace: (message) => channel.trace(redact(message)),
    debug: (message) => channel.debug(redact(message)),
    info: (message) => channel.info(redact(message)),
    warn: (message) => channel.warn(redact(message)),
    error: (message, error) => {
      const detail = error instanceof Error ? `: ${error.name}: ${error.message}` : error === undefined ? '' : `: ${typeof error === 'string' ? error : JSON.stringify(error)}`;
      channel.error(redact(message + detail));
    },
    show: () => channel.show(true),
  };
}
