import {promises as fs} from 'node:fs'
import {atomicWrite} from '../util/fs.js'
import {UserError} from '../util/errors.js'
import {World} from './world.js'

/** Loads a world for the sandbox process: a saved state wins over a seed; neither gives a fresh world. */
export async function loadWorld(options: {state?: string; seed?: string}): Promise<{world: World; from: 'state' | 'seed' | 'fresh'}> {
  if (options.state) {
    const text = await readIfExists(options.state)
    if (text !== undefined) return {world: World.fromJSON(parseJson(text, options.state)), from: 'state'}
  }
  if (options.seed) {
    const text = await readIfExists(options.seed)
    if (text === undefined) throw new UserError(`seed file ${options.seed} does not exist: see docs/sandbox-seed.md for the format`)
    try {
      return {world: World.fromSeed(parseJson(text, options.seed) as any), from: 'seed'}
    } catch (error) {
      if (error instanceof UserError) throw error
      throw new UserError(`seed file ${options.seed} is not a valid seed: ${(error as Error).message}`)
    }
  }
  return {world: new World(), from: 'fresh'}
}

export async function saveWorld(world: World, file: string): Promise<void> {
  await atomicWrite(file, JSON.stringify(world.toJSON()), 0o600)
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (error: any) {
    if (error?.code === 'ENOENT') return undefined
    throw error
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new UserError(`${file} is not valid JSON`)
  }
}
