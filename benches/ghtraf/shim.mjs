// Runs ghtraf's collector, the inline JavaScript of its workflow (actions/github-script),
// under plain node against gtt's fake GitHub, for the side-by-side figure of
// `cargo bench --bench scale` (`one`). ghtraf's script is not part of gtt (GPL-3.0,
// https://github.com/djdarcy/github-traffic-tracker): give the path of its workflow file,
// `src/ghtraf/templates/.github/workflows/traffic-badges.yml`, as the one argument.
//
// What actions/github-script provides, as far as that script uses it: `github.rest.*`
// (each call one request, as Octokit sends it, to GHTRAF_API with GHTRAF_TOKEN),
// `context.repo` (GITHUB_REPOSITORY) and `context.eventName` (`schedule`), `core`.
// Its clock is the fake's (GHTRAF_NOW, RFC 3339), so "today" is the fake's today. No
// request leaves GHTRAF_API (the bench gives the fake on 127.0.0.1).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The `script: |` block of a workflow file, de-indented. */
function scriptOf(yaml) {
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => /^\s*script:\s*\|\s*$/.test(l));
  if (at < 0) throw new Error('no `script: |` block in the workflow file');
  const body = [];
  let indent = null;
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '') {
      body.push('');
      continue;
    }
    const n = line.length - line.trimStart().length;
    indent ??= n;
    if (n < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}

/** `Date` at the fake's clock: `new Date()` and `Date.now()` are GHTRAF_NOW. */
function fixClock(iso) {
  const now = Date.parse(iso);
  if (Number.isNaN(now)) throw new Error(`GHTRAF_NOW is not a time: ${iso}`);
  const Real = Date;
  globalThis.Date = class extends Real {
    constructor(...args) {
      if (args.length === 0) super(now);
      else super(...args);
    }
    static now() {
      return now;
    }
  };
}

function octokit(api, token) {
  const call = async (method, path, query, body) => {
    const url = new URL(api.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'user-agent': 'ghtraf-bench' };
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const e = new Error(`${data?.message ?? res.statusText} (${res.status} ${method} ${url.pathname})`);
      e.status = res.status;
      throw e;
    }
    return { status: res.status, data, headers: Object.fromEntries(res.headers) };
  };
  const r = (o) => `/repos/${o.owner}/${o.repo}`;
  return {
    rest: {
      repos: {
        get: (o) => call('GET', r(o)),
        listReleases: (o) => call('GET', `${r(o)}/releases`, { per_page: o.per_page, page: o.page }),
        getClones: (o) => call('GET', `${r(o)}/traffic/clones`, { per: o.per }),
        getViews: (o) => call('GET', `${r(o)}/traffic/views`, { per: o.per }),
        getTopReferrers: (o) => call('GET', `${r(o)}/traffic/popular/referrers`),
        getTopPaths: (o) => call('GET', `${r(o)}/traffic/popular/paths`),
      },
      actions: {
        listWorkflowRunsForRepo: (o) =>
          call('GET', `${r(o)}/actions/runs`, { created: o.created, per_page: o.per_page, page: o.page }),
        listJobsForWorkflowRun: (o) =>
          call('GET', `${r(o)}/actions/runs/${o.run_id}/jobs`, { per_page: o.per_page, page: o.page }),
      },
      gists: {
        get: (o) => call('GET', `/gists/${o.gist_id}`),
        update: (o) => call('PATCH', `/gists/${o.gist_id}`, null, { files: o.files }),
        create: (o) => call('POST', '/gists', null, { description: o.description, public: o.public, files: o.files }),
      },
    },
  };
}

const env = process.env;
for (const name of ['GHTRAF_API', 'GHTRAF_TOKEN', 'GHTRAF_NOW', 'GITHUB_REPOSITORY']) {
  if (!env[name]) throw new Error(`${name} is not set`);
}
const script = scriptOf(readFileSync(process.argv[2], 'utf8'));
fixClock(env.GHTRAF_NOW);
const [owner, repo] = env.GITHUB_REPOSITORY.split('/');
const context = { repo: { owner, repo }, eventName: 'schedule' };
const core = {
  info: console.log,
  warning: console.warn,
  setOutput() {},
  setFailed(message) {
    console.error(message);
    process.exitCode = 1;
  },
};
const AsyncFunction = async function () {}.constructor;
const run = new AsyncFunction('github', 'context', 'core', 'require', 'process', script);
await run(octokit(env.GHTRAF_API, env.GHTRAF_TOKEN), context, core, createRequire(import.meta.url), process);
