// `npm run build`: writes site/ — the static site — from src/ and uPlot's own dist files.
// `npm run build -- DIR` writes it into DIR instead. site/ is committed: gtt embeds it at
// compile time (build.rs), so building gtt needs no Node, and a test rebuilds it into a
// temporary folder and fails when the committed copy differs. The output is the same
// bytes on every build (no timestamps, no hashes): keep it so.
//
// The app's ES modules are joined into one classic script, site/app.js, because module
// scripts do not load from file:// (the site must open from disk). The modules keep to
// a small subset this joiner understands, and it fails loudly on anything else:
//   import { a, b as c } from './x.js';      (one line, relative paths only)
//   export function f() / export async function f() / export const x = / export class X
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const defaultOut = join(root, 'site');

const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*'(\.\/[A-Za-z0-9_-]+\.js)';\s*$/;
const EXPORT_DECL = /^export\s+(async\s+function|function|const|let|class)\s+([A-Za-z_$][\w$]*)/;

function modId(file) {
  return '__m_' + relative(src, file).replace(/[^A-Za-z0-9]/g, '_');
}

/** Joins the module graph rooted at `entry` into one script. */
export function bundle(entry) {
  const done = new Map();
  const visiting = new Set();
  const order = [];
  const visit = (file) => {
    if (done.has(file)) return;
    if (visiting.has(file)) throw new Error(`import cycle at ${relative(root, file)}`);
    visiting.add(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    const exports = [];
    const out = [];
    lines.forEach((line, n) => {
      const where = `${relative(root, file)}:${n + 1}`;
      const imp = IMPORT.exec(line);
      if (imp) {
        const dep = resolve(dirname(file), imp[2]);
        visit(dep);
        const names = imp[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            const m = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(s);
            if (!m) throw new Error(`${where}: cannot read import name ${s}`);
            return m[2] ? `${m[1]}: ${m[2]}` : m[1];
          });
        out.push(`const { ${names.join(', ')} } = ${modId(dep)};`);
        return;
      }
      if (/^import\b/.test(line)) throw new Error(`${where}: unsupported import form`);
      const exp = EXPORT_DECL.exec(line);
      if (exp) {
        exports.push(exp[2]);
        out.push(line.replace(/^export\s+/, ''));
        return;
      }
      if (/^export\b/.test(line)) throw new Error(`${where}: unsupported export form`);
      out.push(line);
    });
    visiting.delete(file);
    done.set(file, true);
    order.push(
      `// ${relative(src, file)}\nconst ${modId(file)} = (() => {\n${out.join('\n')}\nreturn { ${exports.join(', ')} };\n})();\n`,
    );
  };
  visit(entry);
  return `// gtt dashboard: built by build.mjs from src/js/ (do not edit)\n(() => {\n'use strict';\n${order.join('\n')}\n})();\n`;
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/** Empties `dist` for a new build: refuses a folder that holds files but no site. */
function clean(dist) {
  if (existsSync(dist) && readdirSync(dist).length > 0 && !existsSync(join(dist, 'index.html'))) {
    throw new Error(`${dist} is not empty and holds no index.html: refusing to delete it`);
  }
  rmSync(dist, { recursive: true, force: true });
}

function build(dist) {
  clean(dist);
  mkdirSync(dist, { recursive: true });
  for (const f of ['index.html', 'style.css', 'config.js', 'config.json', 'favicon.svg']) {
    copy(join(src, f), join(dist, f));
  }
  writeFileSync(join(dist, 'app.js'), bundle(join(src, 'js', 'main.js')));
  const uplot = join(root, 'node_modules', 'uplot');
  if (!existsSync(uplot)) throw new Error('uPlot is not installed: run `npm ci` in dashboard/ first');
  copy(join(uplot, 'dist', 'uPlot.iife.min.js'), join(dist, 'vendor', 'uPlot.iife.min.js'));
  copy(join(uplot, 'dist', 'uPlot.min.css'), join(dist, 'vendor', 'uPlot.min.css'));
  copy(join(uplot, 'LICENSE'), join(dist, 'vendor', 'uPlot.LICENSE.txt'));
  const version = JSON.parse(readFileSync(join(uplot, 'package.json'), 'utf8')).version;
  console.log(`dashboard built into ${relative(process.cwd(), dist) || '.'} (uPlot ${version})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build(process.argv[2] ? resolve(process.argv[2]) : defaultOut);
  } catch (e) {
    console.error(`build failed: ${e.message}`);
    process.exit(1);
  }
}
