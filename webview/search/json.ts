/**
 * A CloudTrail record as formatted JSON with light syntax colouring: DOM spans whose text is set
 * with text nodes — the record is attacker-controlled and is never parsed as HTML.
 */

/** Above this size the JSON is shown uncoloured (one text node): colouring is for reading, not for megabytes. */
const COLOUR_LIMIT = 200_000;

const TOKEN = /("(?:[^"\\\n]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/** Pretty-prints `json` (2 spaces); the text as it is when it does not parse. */
export function prettyJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** Fills `target` with the coloured JSON. */
export function renderJson(target: HTMLElement, json: string): void {
  const text = prettyJson(json);
  while (target.firstChild) target.removeChild(target.firstChild);
  if (text.length > COLOUR_LIMIT) {
    target.textContent = text;
    return;
  }
  const fragment = document.createDocumentFragment();
  let last = 0;
  const span = (className: string, value: string): void => {
    const element = document.createElement('span');
    element.className = className;
    element.textContent = value;
    fragment.appendChild(element);
  };
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) fragment.appendChild(document.createTextNode(text.slice(last, index)));
    const [whole, string, colon, number, literal] = match;
    if (string !== undefined) {
      span(colon ? 'json-key' : 'json-string', string);
      if (colon) fragment.appendChild(document.createTextNode(colon));
    } else if (number !== undefined) span('json-number', number);
    else if (literal !== undefined) span(literal === 'null' ? 'json-null' : 'json-boolean', literal);
    last = index + whole.length;
  }
  if (last < text.length) fragment.appendChild(document.createTextNode(text.slice(last)));
  target.appendChild(fragment);
}
