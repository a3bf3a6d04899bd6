import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The search panel's HTML: a strict CSP (no inline code or style, scripts by nonce, resources only
 * from the extension's own folders), the codicon font and the bundled webview script.
 */
export function searchHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('media', 'search.css')}">
<title>CloudTrail: Search Events</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', 'search.js')}"></script>
</body>
</html>`;
}
