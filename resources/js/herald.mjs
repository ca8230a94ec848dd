// ES module entry for herald.js: `import Herald from './herald.mjs'` or
// `import { Herald } from './herald.mjs'`. herald.js stays a classic script (a
// classic script cannot contain `export`), so this file runs it and re-exports
// the constructor it defines on globalThis.
import './herald.js';

export const Herald = globalThis.Herald;
export default Herald;
