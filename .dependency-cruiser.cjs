/**
 * The layers of src/, enforced (docs/architecture.md explains them; `npm run lint:layers` runs this check).
 *
 *   commands/ hooks/ cli/ base-command.ts index.ts     the CLI layer: parse, call one app function, print, exit
 *     -> app/                                          one function per use case (backup, restore, copy, demo ...)
 *     -> audit/ -> config/                             services of the app layer (see below)
 *     -> github/ | journal/ | plan/                    the domain: the API and capture | the event log | diff & apply
 *     -> storage/                                      backends, locks, the byte codec
 *     -> model/                                        ProjectState, its schema and canonical form
 *     -> util/                                         errors, canonical JSON, fs, secrets, time
 *
 *   sandbox/  beside the product: a local GitHub replica. The product reaches it only through src/sandbox/index.ts,
 *             and only from app/ and commands/; the sandbox itself uses only model/, util/ and the GitHub FACTS in
 *             github/ (schema.ts, the vendored schema loader; server-time.ts, GitHub's published cost model;
 *             defaults.ts, what GitHub puts into a new project and its limits), never the client.
 *
 * Where audit/ and config/ belong (read from who imports them): config/ is imported by app/, audit/ and commands/,
 * and imports storage/ (the config file's home, the storage URL check) and github/ (project references); audit/ is
 * imported by app/, cli/ and commands/ and imports config/. Neither is imported by the domain or below. So both sit
 * between app/ and the domain, audit/ above config/.
 *
 * Arrows point down only. Inside the domain: plan/ may import github/ (apply sends mutations, estimate uses GitHub's
 * cost model); github/, journal/ and plan/ otherwise do not import each other. Type-only imports and dynamic
 * import()s count as arrows (tsPreCompilationDeps): a type declared in the wrong layer is a layer problem too.
 * Tests (test/) may import anything: only src/ is cruised.

 * There is no baseline of known violations: a new one fails `npm run lint:layers` (and so `npm test`).
 */
const path = require('node:path')

// Paths are regular expressions over paths relative to the cruise's base directory. The CLI layer needs no layer rule
// (it may import every layer below it); the rules further down order it inside.
const below = (...layers) => `^src/(${layers.join('|')})/`
const SANDBOX = '^src/sandbox/'
const SANDBOX_ENTRY = '^src/sandbox/index[.]ts$'
const GITHUB_FACTS = '^src/github/(schema|server-time|defaults)[.]ts$'

/** A rule: modules in `from` import nothing in src/ outside `allowed` (their own layer and the layers below). */
function layer(name, from, allowed, comment) {
  return {
    name,
    severity: 'error',
    comment,
    from: {path: from},
    to: {path: '^src/', pathNot: allowed},
  }
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle makes load order matter and the modules one unit: move the shared type or helper down into a module both import.',
      from: {path: '^src/'},
      to: {circular: true},
    },
    layer('util-is-the-bottom', '^src/util/', [below('util')], 'util/ is the bottom layer: it imports nothing else from src/.'),
    layer('model-imports-only-util', '^src/model/', [below('model', 'util')], 'model/ (ProjectState) knows nothing of storage, the journal, GitHub or the app.'),
    layer(
      'storage-below-the-domain',
      '^src/storage/',
      [below('storage', 'model', 'util')],
      'storage/ sits below the journal, the plan and the API: what it needs from them (e.g. the Codec interface) is declared in storage/.',
    ),
    layer(
      'github-imports-no-journal-or-plan',
      '^src/github/',
      [below('github', 'storage', 'model', 'util')],
      'github/ (client, capture, GitHub facts) is the lowest of the three domain folders: it imports neither journal/ nor plan/.',
    ),
    layer('journal-imports-no-github-or-plan', '^src/journal/', [below('journal', 'storage', 'model', 'util')], 'The journal stores states: it neither captures (github/) nor plans (plan/).'),
    layer(
      'plan-imports-no-journal',
      '^src/plan/',
      [below('plan', 'github', 'storage', 'model', 'util')],
      'The plan diffs two states and applies the difference through github/: where the desired state came from (the journal) is the app layer\'s business.',
    ),
    layer('config-below-the-app', '^src/config/', [below('config', 'github', 'journal', 'plan', 'storage', 'model', 'util')], 'config/ serves the app layer: it imports no app/, audit/ or CLI module.'),
    layer('audit-below-the-app', '^src/audit/', [below('audit', 'config', 'github', 'journal', 'plan', 'storage', 'model', 'util')], 'audit/ serves the app layer: it imports no app/ or CLI module.'),
    layer(
      'app-imports-only-the-layers-below',
      '^src/app/',
      [below('app', 'audit', 'config', 'github', 'journal', 'plan', 'storage', 'model', 'util'), SANDBOX_ENTRY],
      'app/ imports the layers below it and the sandbox\'s entry point, never a command, a hook or the CLI layer (flags, printing, exit codes live there).',
    ),
    {
      name: 'action-runs-the-cli-as-a-process',
      severity: 'error',
      comment:
        'src/action/ (the GitHub Action, action.yml) is a top layer beside commands/: it runs the CLI as a process and reads its --json, so a workflow runs exactly what a person runs. It imports nothing of the product; nothing imports it.',
      from: {path: '^src/action/'},
      to: {path: '^src/', pathNot: '^src/action/'},
    },
    {
      name: 'nothing-imports-the-action',
      severity: 'error',
      comment: 'src/action/ is the Action\'s entry: no module of the plugin depends on it.',
      from: {path: '^src/', pathNot: '^src/action/'},
      to: {path: '^src/action/'},
    },
    {
      name: 'cli-imports-no-command-or-hook',
      severity: 'error',
      comment: 'Inside the CLI layer, commands and hooks are the leaves: cli/, base-command.ts and index.ts never import them.',
      from: {path: '^src/(cli/|base-command[.]ts$|index[.]ts$)'},
      to: {path: '^src/(commands|hooks)/'},
    },
    {
      name: 'hooks-import-no-command',
      severity: 'error',
      comment: 'A hook runs before any command: it imports none.',
      from: {path: '^src/hooks/'},
      to: {path: '^src/commands/'},
    },
    {
      name: 'base-command-imports-no-cli-helper',
      severity: 'error',
      comment:
        'base-command.ts is the root of the CLI layer: cli/ builds on it, not the reverse. cli/io.ts (the process\'s terminal, made once) is a leaf below it.',
      from: {path: '^src/base-command[.]ts$'},
      to: {path: '^src/cli/', pathNot: '^src/cli/io[.]ts$'},
    },
    {
      name: 'sandbox-only-through-its-entry-point',
      severity: 'error',
      comment: 'The product reaches the sandbox through src/sandbox/index.ts only: export what you need there.',
      from: {path: '^src/', pathNot: SANDBOX},
      to: {path: SANDBOX, pathNot: SANDBOX_ENTRY},
    },
    {
      name: 'sandbox-only-from-app-and-commands',
      severity: 'error',
      comment: 'Only app/ (demo, rehearsal) and commands/ (backup sandbox) use the sandbox: the runtime path of a backup or restore never loads it.',
      from: {path: '^src/', pathNot: [SANDBOX, '^src/(app|commands)/']},
      to: {path: SANDBOX},
    },
    {
      name: 'sandbox-imports-only-model-util-and-github-facts',
      severity: 'error',
      comment: 'The sandbox is beside the product: it may use model/, util/ and the GitHub facts (github/schema.ts, server-time.ts, defaults.ts), never the client, storage, the journal, the plan or the app.',
      from: {path: SANDBOX},
      to: {path: '^src/', pathNot: [SANDBOX, below('model', 'util'), GITHUB_FACTS]},
    },
    {
      name: 'github-facts-stay-pure',
      severity: 'error',
      comment: 'The GitHub facts the sandbox shares with the product import only model/ and util/, so the sandbox never loads the product\'s client.',
      from: {path: GITHUB_FACTS},
      to: {path: '^src/', pathNot: [GITHUB_FACTS, below('model', 'util')]},
    },
    {
      name: 'sandbox-does-not-import-its-entry-point',
      severity: 'error',
      comment: 'index.ts is for the product: sandbox modules import each other directly.',
      from: {path: SANDBOX, pathNot: SANDBOX_ENTRY},
      to: {path: SANDBOX_ENTRY},
    },
    {
      name: 'no-dev-dependency-at-runtime',
      severity: 'error',
      comment: 'src/ is shipped: a package it loads at run time must be a dependency, not a devDependency (type-only imports are erased).',
      from: {path: '^src/'},
      to: {dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only']},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    // type-only imports are arrows too (a type declared in the wrong layer is a layering problem)
    tsPreCompilationDeps: true,
    // absolute, so the check also runs from another base directory (test/cli/layers.test.ts cruises a fixture)
    tsConfig: {fileName: path.join(__dirname, 'tsconfig.json')},
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], mainFields: ['module', 'main', 'types']},
    reporterOptions: {text: {highlightFocused: true}},
  },
}
