/**
 * The sandbox's ONE entry point for the product (.dependency-cruiser.cjs enforces it: src/app and src/commands import
 * the sandbox through this module only, nothing else in src imports it at all). The sandbox is a local GitHub
 * replica beside the product, not part of its runtime path: `backup sandbox` serves it, `backup demo` runs the whole
 * story against it, `restore --test-only` rehearses a restore on it. Tests may import its modules directly.
 *
 * Export here what the product needs, nothing more: a new export is a new promise of the sandbox's API.
 */
export {demoSeed} from './demo-seed.js'
export {loadWorld, saveWorld} from './files.js'
export {buildReplica, REPLICA_VIEWER, type Replica, type StateToSeedOptions} from './from-state.js'
export type {Seed} from './seed.js'
export {startSandbox, type LimitsMode, type Sandbox, type SandboxOptions} from './server.js'
export {World, type WorldOptions} from './world.js'
