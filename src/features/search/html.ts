/**
 * The search panel's HTML: a strict CSP (no inline code or style, scripts by nonce, resources only
 * from the extension's own folders), the codicon font and the bundled webview script.
 *
 * Pure (no vscode import) so the webview tests load the very same page in Chromium.
 */
export interface SearchHtmlOptions {
  /** The webview's `cspSource`: the origin its resources come from. */
  cspSource: string;
  /** Turns an extension-relative path ("dist/webview/search.js") into a URL the webview may load. */
  asset: (path: string) => string;
  nonce: string;
  /** Extra stylesheets (tests add a theme). */
  extraStyles?: string[];
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function searchHtml({ cspSource, asset, nonce, extraStyles = [] }: SearchHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = ['dist/webview/codicon.css', 'media/search.css'].map(asset).concat(extraStyles);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((href, i) => `<link rel="stylesheet" href="${attr(href)}"${i === 0 ? ' id="vscode-codicon-stylesheet"' : ''}>`).join('\n')}
<title>CloudTrail: Search Events</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script type="module" nonce="${attr(nonce)}" src="${attr(asset('dist/webview/search.js'))}"></script>
</body>
</html>`;
}
