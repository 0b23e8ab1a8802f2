/**
 * The sandbox WORLD: an in-memory GitHub (users, organisations, teams, repositories, issues, pull requests, labels,
 * milestones and Projects v2) that the sandbox engine executes GraphQL and REST requests against.
 *
 * - `graphqlRoot(viewer)` gives graphql-js root objects presenting the store as GitHub's real schema
 *   (src/sandbox/world/read.ts for queries, world/mutations.ts for mutations);
 * - `rest(req)` serves GitHub's REST-only corners (world/rest.ts);
 * - the model (world/model.ts) reproduces GitHub's hazards exactly (GITHUB-FACTS.md): replaced options and
 *   iterations get new ids and orphan item values, deleted fields and items take their values along, deleted
 *   drafts are gone for good;
 * - `toJSON()` / `World.fromJSON()` round-trip the whole state; `World.fromSeed()` (src/sandbox/seed.ts) builds a
 *   world straight in the store.
 */
import type {RestRequest, RestResponse, SandboxBackend, Viewer} from './backend.js'
import {loadSeed, type Seed} from './seed.js'
import {AppService} from './world/apps.js'
import {Model} from './world/model.js'
import {CONTENT_CREATING, mutationRoot} from './world/mutations.js'
import {Reader} from './world/read.js'
import {RestApi} from './world/rest.js'
import {assertStore, type Store} from './world/store.js'

export interface WorldOptions {
  /** the clock for createdAt / updatedAt and for telling completed iterations apart (default: the system clock) */
  now?: () => Date
  /** web base URL used in `url` fields (default https://github.com) */
  baseUrl?: string
}

export class World implements SandboxBackend {
  readonly model: Model
  /** GitHub Apps: their JWT routes and installation tokens (src/sandbox/world/apps.ts) */
  readonly apps: AppService

  /** A fresh world: the user `octocat` and the organisation `acme`, octocat its admin. */
  constructor(options: WorldOptions = {}, store?: Store) {
    const now = options.now ?? (() => new Date())
    const baseUrl = (options.baseUrl ?? 'https://github.com').replace(/\/+$/, '')
    this.model = store ? new Model(store, now, baseUrl) : Model.create(now, baseUrl)
    this.apps = new AppService(this.model)
  }

  /** The clock of its createdAt / updatedAt stamps (the engine sends it as the `Date` header). */
  now(): Date {
    return this.model.now()
  }

  /** A world from the value `toJSON()` returned (a parsed `--state` file). */
  static fromJSON(json: unknown, options: WorldOptions = {}): World {
    const store = structuredClone(json)
    try {
      assertStore(store)
    } catch (error) {
      throw new Error(`Not a sandbox world state: ${(error as Error).message}`)
    }
    return new World(options, store)
  }

  /** A new world (octocat, acme) with everything `seed` describes built straight in the store. */
  static fromSeed(seed: Seed, options: WorldOptions = {}): World {
    const world = new World(options)
    loadSeed(world, seed)
    return world
  }

  graphqlRoot(viewer: Viewer): {query: object; mutation: object} {
    const reader = new Reader(this.model, viewer)
    return {query: reader.queryRoot(), mutation: mutationRoot(this.model, reader)}
  }

  rest(req: RestRequest): RestResponse | undefined {
    return new RestApi(this.model, new Reader(this.model, req.viewer)).handle(req)
  }

  isContentCreating(mutationField: string): boolean {
    return CONTENT_CREATING.has(mutationField)
  }

  toJSON(): Store {
    return structuredClone(this.model.store)
  }
}
