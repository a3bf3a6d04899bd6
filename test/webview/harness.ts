/**
 * Loads the built search panel (dist/webview) in a real Chromium, in the same HTML and CSP the
 * extension serves, with a stub `acquireVsCodeApi` that records what the webview sends.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { searchHtml } from '../../src/features/search/html';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';
import { projectRoot } from '../support/fixtures';
import { CHROMIUM_ARGS } from '../support/tools';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.svg': 'image/svg+xml', '.html': 'text/html' };
export const screenshotDir = join(projectRoot, 'test-results', 'screenshots');

export interface WebviewPage {
  page: Page;
  /** Messages the webview posted to the host, in order. */
  sent(): Promise<WebviewMessage[]>;
  /** Posts a message as the host would. */
  post(message: HostMessage): Promise<void>;
  /** Content-Security-Policy violations and page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function startServer(): Promise<{ server: Server; origin: string }> {
  const nonce = 'dGVzdC1ub25jZS0xMjM0NQ==';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      const origin = `http://${request.headers.host ?? ''}`;
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(searchHtml({ cspSource: origin, asset: (path) => `${origin}/${path}`, nonce, extraStyles: [`${origin}/test/webview/theme.css`] }));
      return;
    }
    const path = normalize(url.pathname).replace(/^([/\\])+/, '');
    if (!/^(dist[/\\]webview|media|test[/\\]webview)[/\\]/.test(path)) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(projectRoot, path)).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export async function openPanel(browser: Browser, origin: string, savedState?: unknown): Promise<WebviewPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // Failed loads are reported below with their URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (response) => {
    // The browser's own favicon probe is not the panel's business.
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.addInitScript((state: unknown) => {
    const recorded: unknown[] = [];
    let saved = state;
    Object.assign(window, {
      __sent: recorded,
      acquireVsCodeApi: () => ({
        postMessage: (message: unknown) => recorded.push(JSON.parse(JSON.stringify(message))),
        getState: () => saved,
        setState: (next: unknown) => {
          saved = next;
        },
      }),
    });
  }, savedState);
  await page.goto(`${origin}/`);
  mkdirSync(screenshotDir, { recursive: true });
  return {
    page,
    problems,
    sent: () => page.evaluate(() => (window as unknown as { __sent: WebviewMessage[] }).__sent.slice()),
    post: (message) => page.evaluate((data) => window.postMessage(data, '*'), message),
    close: () => context.close(),
  };
}
