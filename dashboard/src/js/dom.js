// The only way the dashboard builds DOM: elements with a fixed set of safe properties,
// and every string inserted as a text node. No innerHTML, no inline handlers, no style
// attributes; links only to https://github.com.

const ALLOWED = new Set([
  'class',
  'id',
  'role',
  'tabindex',
  'type',
  'for',
  'name',
  'value',
  'title',
  'scope',
  'colspan',
  'hidden',
  'disabled',
  'checked',
  'selected',
  'lang',
  'download',
]);

/** `el('p', {class: 'x', 'aria-label': 'y'}, 'text', child)`. */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'href') throw new Error('use githubLink for links');
      if (!(ALLOWED.has(k) || k.startsWith('aria-') || k.startsWith('data-'))) {
        throw new Error(`attribute not allowed: ${k}`);
      }
      if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') e[k] = Boolean(v);
      else if (k === 'value') e.value = String(v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, children);
  return e;
}

/** Appends strings (as text nodes), nodes and arrays of them; skips null. */
export function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
  return parent;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** True for a plausible `owner/name`. */
export function isRepoName(s) {
  return typeof s === 'string' && REPO.test(s) && !s.endsWith('/.') && !s.endsWith('/..');
}

/** The https://github.com URL of a path such as `/octo/hello/blob/main/README.md`, or
 * null when the path is not plainly a path on github.com. */
export function githubUrl(path) {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) return null;
  if (/[\s\\<>"'`\u0000-\u001f\u007f]/.test(path)) return null;
  let u;
  try {
    u = new URL(path, 'https://github.com');
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.host !== 'github.com' || u.username || u.password) return null;
  return u.href;
}

/** A link to github.com when `path` is safe, else the text alone. */
export function githubLink(path, text) {
  const url = githubUrl(path);
  if (!url) return el('span', null, text);
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  a.appendChild(document.createTextNode(text));
  return a;
}

/** Offers `text` as a file download. */
export function download(name, text, type = 'text/csv') {
  const blob = new Blob([text], { type: `${type};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
