import {type BackupType, type ProjectState, SECTIONS} from '../model/state.js'
import {canonicalDigest} from './json-stream.js'

/**
 * The CHAIN state is what the journal diffs and stores: every section as last captured. A capture of type T replaces
 * exactly the sections of T, so a config backup after a full one keeps the items (a tiny delta, not "all items
 * removed"). Its `type` is always `full`; the state a user sees of an event is `materialize(chain, event.type)`.
 */
export function mergeCapture(prevChain: ProjectState | undefined, captured: ProjectState, type: BackupType): ProjectState {
  const chain: Record<string, unknown> = prevChain ? {...prevChain} : {}
  chain.schemaVersion = captured.schemaVersion
  chain.type = 'full'
  for (const section of SECTIONS[type]) {
    const value = (captured as unknown as Record<string, unknown>)[section]
    if (value === undefined) delete chain[section]
    else chain[section] = value
  }
  return chain as unknown as ProjectState
}

/**
 * The user-visible state of an event sharing the chain's section objects (no copy): for hashing and counting only,
 * never to hand out or modify.
 */
export function visibleView(chain: ProjectState, type: BackupType): ProjectState {
  const all: Record<string, unknown> = {schemaVersion: chain.schemaVersion, type}
  for (const section of SECTIONS[type]) {
    const value = (chain as unknown as Record<string, unknown>)[section]
    if (value !== undefined) all[section] = value
  }
  // keys in canonical order, so that it renders without a sorted copy
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(all).sort()) out[key] = all[key]
  return out as unknown as ProjectState
}

/** The user-visible state of an event: only the sections of its type, as a fresh value. */
export function materialize(chain: ProjectState, type: BackupType): ProjectState {
  const out: Record<string, unknown> = {schemaVersion: chain.schemaVersion, type}
  for (const section of SECTIONS[type]) {
    const value = (chain as unknown as Record<string, unknown>)[section]
    if (value !== undefined) out[section] = structuredClone(value)
  }
  return out as unknown as ProjectState
}

/** Counts for event stats; `rawBytes`, when the caller has it, is the UTF-8 length of canonicalJson(state). */
export function stateStats(state: ProjectState, rawBytes?: number): {issues: number; items: number; fields: number; views: number; rawBytes: number} {
  const items = Object.values(state.items ?? {})
  return {
    issues: items.filter((i) => i.content?.kind === 'Issue').length,
    items: items.length,
    fields: Object.keys(state.fields ?? {}).length,
    views: Object.keys(state.views ?? {}).length,
    rawBytes: rawBytes ?? canonicalDigest(state).bytes,
  }
}
