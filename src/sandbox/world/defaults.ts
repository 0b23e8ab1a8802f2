/**
 * GitHub's defaults and limits, as the sandbox's world modules import them. They are facts about GitHub and live in
 * src/github/defaults.ts (the product's restore needs them too); this module only forwards them (to
 * src/sandbox/world/model.ts, which another change is splitting: the lead points its files at src/github/defaults.ts
 * and deletes this forwarder at the merge).
 */
export * from '../../github/defaults.js'
