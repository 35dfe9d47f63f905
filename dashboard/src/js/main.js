// Entry point of the built app.js (a classic script, so index.html also works from
// file://, where module scripts are blocked).
import { start, stats } from './app.js';

globalThis.gtt = Object.freeze({ stats });
start();
