/**
 * Repository remapping (`--map-repo OLD=NEW`) and replaced content (`urlMap`, from a previous apply): the desired state
 * as it reads once every repository name, content URL and item key points where the restore writes.
 */
import type {ItemState, ProjectState} from '../model/state.js'
import type {DiffOptions} from './types.js'

/** An issue or pull request URL: host, `owner/name`, issues|pull, number, rest. */
export const URL_RE = /^(https?:\/\/[^/]+\/)([^/]+\/[^/]+)\/(issues|pull)\/(\d+)(.*)$/i

export function mapRepoName(repo: string, repoMap: Record<string, string> | undefined): string | undefined {
  if (!repoMap) return undefined
  const lower = repo.toLowerCase()
  for (const [from, to] of Object.entries(repoMap)) if (from.toLowerCase() === lower) return to
  return undefined
}

/** The desired state with `repoMap` and `urlMap` applied to every repository name, content URL and item key. */
export function mapDesired(state: ProjectState, options: Pick<DiffOptions, 'repoMap' | 'urlMap'>): ProjectState {
  const {repoMap, urlMap} = options
  if (!(repoMap && Object.keys(repoMap).length) && !(urlMap && Object.keys(urlMap).length)) return state
  const repo = (r: string) => mapRepoName(r, repoMap) ?? r
  const url = (u: string) => {
    const m = URL_RE.exec(u)
    const mapped = m ? `${m[1]}${repo(m[2])}/${m[3]}/${m[4]}${m[5]}` : u
    return urlMap?.[mapped] ?? urlMap?.[u] ?? mapped
  }
  const milestoneKey = (k: string) => {
    const i = k.lastIndexOf('#')
    return i > 0 ? `${repo(k.slice(0, i))}${k.slice(i)}` : k
  }
  const keyOf = (k: string, it?: ItemState) => (it?.content ? url(it.content.url) : URL_RE.test(k) ? url(k) : k)
  const items: Record<string, ItemState> | undefined = state.items
    ? Object.fromEntries(
        Object.entries(state.items).map(([k, it]) => [
          keyOf(k, it),
          it.content
            ? {
                ...it,
                content: {
                  ...it.content,
                  url: url(it.content.url),
                  repository: repo(it.content.repository),
                  milestone: it.content.milestone ? milestoneKey(it.content.milestone) : null,
                  parent: it.content.parent ? url(it.content.parent) : null,
                  subIssues: it.content.subIssues.map(url),
                  ...(it.content.blockedBy ? {blockedBy: it.content.blockedBy.map(url).sort()} : {}),
                },
              }
            : it,
        ]),
      )
    : undefined
  return {
    ...state,
    repositories: state.repositories?.map(repo),
    items,
    itemOrder: state.itemOrder?.map((k) => keyOf(k, state.items?.[k])),
    milestones: state.milestones
      ? Object.fromEntries(Object.entries(state.milestones).map(([k, m]) => [milestoneKey(k), {...m, repository: repo(m.repository)}]))
      : undefined,
  }
}
