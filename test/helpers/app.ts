/**
 * A GitHub App for tests: an RSA key pair generated here (never committed: each run makes its own), and a sandbox
 * seeded with the demo world plus the app installed on `acme`. The private key goes in the environment the client
 * reads (GITHUB_PM_APP_ID, GITHUB_PM_APP_PRIVATE_KEY); the sandbox holds only the public half.
 */
import {generateKeyPairSync} from 'node:crypto'
import {ManualClock} from '../../src/sandbox/clock.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import type {Seed} from '../../src/sandbox/seed.js'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

export interface AppKeys {
  /** PKCS#1 PEM, as GitHub's "Generate a private key" gives it */
  privateKey: string
  /** SPKI PEM: what the sandbox's seed holds */
  publicKey: string
}

/** A fresh 2048-bit RSA key pair (about 0.1 s). */
export function generateAppKeys(): AppKeys {
  const {privateKey, publicKey} = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: {type: 'spki', format: 'pem'},
    privateKeyEncoding: {type: 'pkcs1', format: 'pem'},
  })
  return {privateKey, publicKey}
}

export const APP_ID = 424242
export const INSTALLATION_ID = 7001

export interface AppSandbox {
  sandbox: Sandbox
  world: World
  clock: ManualClock
  keys: AppKeys
  url: string
  /** the environment of a client that authenticates as the app (no installation id: found from the owner) */
  env: NodeJS.ProcessEnv
  close(): Promise<void>
}

export interface AppSandboxOptions {
  keys?: AppKeys
  /** the installation on acme: repository/user counts standing in for those the seed lacks */
  installation?: {repositories?: number; users?: number}
  /** more installations (by login) */
  alsoOn?: string[]
  /** seed additions (users, orgs, repositories) merged before the app */
  seed?: Partial<Seed>
  sandbox?: Partial<SandboxOptions>
  /** where the sandbox clock starts (default 2026-12-07T10:00:00Z, fixed) */
  startMs?: number
}

/** The demo world with app 424242 ("pm-backup") installed on acme (installation 7001), on a ManualClock. */
export async function startAppSandbox(options: AppSandboxOptions = {}): Promise<AppSandbox> {
  const keys = options.keys ?? generateAppKeys()
  const clock = new ManualClock(options.startMs ?? Date.parse('2026-12-07T10:00:00Z'))
  const base = demoSeed()
  const seed: Seed = {
    ...base,
    users: [...(base.users ?? []), ...(options.seed?.users ?? [])],
    orgs: [...(base.orgs ?? []), ...(options.seed?.orgs ?? [])],
    repositories: [...(base.repositories ?? []), ...(options.seed?.repositories ?? [])],
    projects: [...(base.projects ?? []), ...(options.seed?.projects ?? [])],
    apps: [
      {
        id: APP_ID,
        slug: 'pm-backup',
        name: 'PM Backup',
        owner: 'acme',
        publicKey: keys.publicKey,
        installations: [
          {id: INSTALLATION_ID, account: 'acme', ...options.installation},
          ...(options.alsoOn ?? []).map((account, i) => ({id: INSTALLATION_ID + 1 + i, account})),
        ],
      },
    ],
  }
  const world = World.fromSeed(seed, {now: () => new Date(clock.now())})
  const sandbox = await startSandbox({backend: world, limits: 'off', clock, serverTime: false, ...options.sandbox})
  return {
    sandbox,
    world,
    clock,
    keys,
    url: sandbox.url,
    env: {GITHUB_API_URL: sandbox.url, GITHUB_PM_APP_ID: String(APP_ID), GITHUB_PM_APP_PRIVATE_KEY: keys.privateKey},
    close: () => sandbox.close(),
  }
}
