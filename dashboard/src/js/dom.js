// The only way the dashboard builds DOM: elements with a fixed set of safe properties,
// and every string inserted as a text node. No innerHTML, no inline handlers, no style
// attributes; links only to https://github.com. Strings from the data are shown cut to
// SHOW_MAX characters (`clipped`, `githubLink`), whole in a tooltip.

import { shorten } from './format.js';

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

/** `text` as a text node; when longer than SHOW_MAX, a span showing it cut, with the
 * whole text as its tooltip (a `title` attribute: still text, never markup). */
export function clipped(text) {
  const full = String(text ?? '');
  const shown = shorten(full);
  if (shown === full) return document.createTextNode(full);
  return el('span', { class: 'clipped', title: full }, shown);
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

/** A link to github.com when `path` is safe, else the text alone; a long text is cut
 * (see `clipped`), whole in the tooltip. */
export function githubLink(path, text) {
  const url = githubUrl(path);
  const full = String(text ?? '');
  const shown = shorten(full);
  const title = shown === full ? null : full;
  if (!url) return el('span', { title }, shown);
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  if (title) a.setAttribute('title', title);
  a.appendChild(document.createTextNode(shown));
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
