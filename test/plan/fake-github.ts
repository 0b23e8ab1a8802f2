/**
 * A FAKE GitHub for apply tests: `graphql(query, variables)` and `rest(route, params)` that
 * - validate every GraphQL document against GitHub's real schema (a document that does not validate throws),
 * - record every request,
 * - apply the mutations to a ProjectState the way GitHub does, including its hazards (replacing single-select options
 *   re-ids them and orphans the values; deleting a field deletes its values; re-adding an item gives a new id),
 * so that a test can diff the desired state against the world after apply and expect an empty plan.
 * Errors are answered like @octokit/graphql: it throws an error carrying `errors` and partial `data`.
 */
import {Kind, parse, validate, type FieldNode, type OperationDefinitionNode} from 'graphql'
import {githubSchema} from '../../src/sandbox/schema.js'
import {itemKey, type FieldValue, type IssueContent, type ItemState, type ProjectState} from '../../src/model/state.js'

export interface RecordedRequest {
  query: string
  variables: Record<string, unknown>
  kind: 'query' | 'mutation'
  /** mutation fields in alias order */
  fields: string[]
}

export interface FakeOptions {
  /** an error message for a mutation that should fail */
  failWhen?: (field: string, input: any) => string | undefined
  /** throw (transport failure) on the n-th mutation request, 1-based */
  throwOnMutationRequest?: number
  /** URLs that do not resolve (deleted issues) */
  deleted?: string[]
}

let counter = 0
// "fake", not "new": test/helpers/states.ts names the items its edits add `PVTI_new<N>`, and a shared prefix let ids collide
const newId = (prefix: string) => `${prefix}_fake${++counter}`

export class FakeGitHub {
  readonly requests: RecordedRequest[] = []
  readonly restCalls: Array<{route: string; params: Record<string, unknown>}> = []
  /** every issue / PR the world knows, by URL (items removed from the project still exist as issues) */
  readonly content = new Map<string, IssueContent>()
  private mutationRequests = 0

  constructor(
    readonly state: ProjectState,
    private readonly options: FakeOptions = {},
    known: ProjectState[] = [],
  ) {
    for (const s of [state, ...known]) {
      for (const it of Object.values(s.items ?? {})) {
        if (it.content && !this.content.has(it.content.url)) this.content.set(it.content.url, structuredClone(it.content))
      }
    }
    for (const u of options.deleted ?? []) this.content.delete(u)
  }

  get mutationDocuments(): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === 'mutation')
  }

  graphql = async (query: string, variables: Record<string, unknown>): Promise<any> => {
    const doc = parse(query)
    const errors = validate(githubSchema(), doc)
    if (errors.length) throw new Error(`document does not validate: ${errors.map((e) => e.message).join('; ')}\n${query}`)
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode
    const fields = op.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD)
    this.requests.push({query, variables, kind: op.operation === 'mutation' ? 'mutation' : 'query', fields: fields.map((f) => f.name.value)})
    const data: Record<string, unknown> = {}
    const errs: Array<{message: string; path: string[]; type: string}> = []
    if (op.operation === 'mutation') {
      this.mutationRequests++
      if (this.options.throwOnMutationRequest === this.mutationRequests) throw new Error('socket hang up')
    }
    for (const f of fields) {
      const alias = f.alias?.value ?? f.name.value
      const args = Object.fromEntries(
        (f.arguments ?? []).map((a) => [a.name.value, a.value.kind === Kind.VARIABLE ? variables[a.value.name.value] : undefined]),
      )
      try {
        if (op.operation === 'mutation') {
          const failure = this.options.failWhen?.(f.name.value, args.input)
          if (failure) throw new Error(failure)
          data[alias] = this.mutate(f.name.value, args.input as any)
        } else {
          data[alias] = this.read(f.name.value, args, nestedArgs(f, variables))
        }
      } catch (error) {
        data[alias] = null
        errs.push({message: (error as Error).message, path: [alias], type: 'UNPROCESSABLE'})
      }
    }
    if (errs.length) throw Object.assign(new Error(errs[0].message), {errors: errs, data})
    return data
  }

  rest = async (route: string, params: Record<string, unknown>): Promise<any> => {
    this.restCalls.push({route, params})
    if (route.startsWith('POST /orgs/{org}/projectsV2/{project_number}/views') || route.startsWith('POST /users/{user_id}/projectsV2')) {
      const byDb = new Map(Object.values(this.state.fields).map((f) => [f.databaseId, f.name]))
      const number = Math.max(0, ...Object.values(this.state.views ?? {}).map((v) => v.number)) + 1
      const layout = {table: 'TABLE_LAYOUT', board: 'BOARD_LAYOUT', roadmap: 'ROADMAP_LAYOUT'}[params.layout as string] as 'TABLE_LAYOUT'
      const names = (ids: unknown) => ((ids as number[] | undefined) ?? []).map((id) => byDb.get(id) as string)
      this.state.views = this.state.views ?? {}
      this.state.views[String(number)] = {
        id: newId('PVTV'),
        number,
        name: params.name as string,
        layout,
        filter: (params.filter as string) ?? null,
        visibleFields: names(params.visible_fields),
        sortBy: ((params.sort_by as Array<[number, string]>) ?? []).map(([id, dir]) => ({field: byDb.get(id) as string, direction: dir.toUpperCase() as 'ASC'})),
        groupBy: names(params.group_by),
        verticalGroupBy: names(params.vertical_group_by),
      }
      return {status: 201, data: {id: 1000 + number, number}}
    }
    const target = this.byNumber(params.repo as string, params.issue_number as number, params.owner as string)
    const blocker = [...this.content.values()].find((c) => this.dbId(c.url) === params.issue_id)
    if (!target || !blocker) throw Object.assign(new Error('Not Found'), {status: 404})
    const list = new Set(target.blockedBy ?? [])
    if (route.startsWith('POST')) list.add(blocker.url)
    else list.delete(blocker.url)
    target.blockedBy = [...list].sort()
    this.syncContent(target.url)
    return {status: 200, data: {}}
  }

  // ------------------------------------------------------------------ queries

  private read(field: string, args: Record<string, any>, nested: Record<string, any>): unknown {
    switch (field) {
      case 'resource': {
        const c = this.content.get(args.url)
        return c ? {__typename: c.kind, id: `C:${c.url}`, databaseId: this.dbId(c.url)} : null
      }
      case 'repository':
        return {
          id: `R:${args.owner}/${args.name}`,
          label: {id: `L:${args.owner}/${args.name}:${nested.label?.name}`},
          milestones: {nodes: Object.values(this.state.milestones ?? {}).map((m) => ({id: `M:${m.repository}:${m.title}`, title: m.title}))},
        }
      case 'user':
        return {id: `U:${args.login}`, databaseId: 4242}
      case 'organization':
        return {team: {id: `T:${args.login}`}}
      case 'node':
        return {fields: {nodes: Object.values(this.state.fields).map((f) => ({name: f.name, databaseId: this.fieldDb(f.id)}))}}
      default:
        throw new Error(`fake: no query ${field}`)
    }
  }

  private fieldDb(id: string): number {
    const f = this.state.fields[id]
    if (f.databaseId === undefined) f.databaseId = 500 + Object.keys(this.state.fields).indexOf(id)
    return f.databaseId
  }

  private dbId(u: string): number {
    return 9000 + [...this.content.keys()].indexOf(u)
  }

  private byNumber(repo: string, n: number, owner: string): IssueContent | undefined {
    return [...this.content.values()].find((c) => c.repository === `${owner}/${repo}` && c.number === n)
  }

  private contentById(id: string): IssueContent {
    const c = this.content.get(String(id).replace(/^C:/, ''))
    if (!c) throw new Error(`Could not resolve to a node with the global id of '${id}'`)
    return c
  }

  /** copies the world's version of an issue into the project item that shows it */
  private syncContent(u: string): void {
    const it = this.state.items?.[u]
    if (it) it.content = structuredClone(this.content.get(u))
  }

  private itemById(id: string): [string, ItemState] {
    const found = Object.entries(this.state.items ?? {}).find(([, it]) => it.id === id)
    if (!found) throw new Error(`Could not resolve to ProjectV2Item with the global id of '${id}'`)
    return found
  }

  // ------------------------------------------------------------------ mutations

  private fieldPayload(id: string): unknown {
    const f = this.state.fields[id]
    const it = f.iteration
    return {
      projectV2Field: {
        id: f.id,
        name: f.name,
        ...(f.options ? {options: Object.values(f.options).map((o) => ({id: o.id, name: o.name}))} : {}),
        ...(it
          ? {
              configuration: {
                iterations: Object.values(it.iterations).map((i) => ({id: i.id, title: i.title})),
                completedIterations: Object.values(it.completedIterations).map((i) => ({id: i.id, title: i.title})),
              },
            }
          : {}),
      },
    }
  }

  /** As GitHub: an option sent with the id of an existing option keeps it (and its values); others are new. */
  private setOptions(fieldId: string, options: Array<{id?: string; name: string; description: string; color: string}>, keepIds: boolean): void {
    const f = this.state.fields[fieldId]
    if (keepIds && !options.length) return
    for (const o of options) if (keepIds && o.id && !f.options?.[o.id]) throw new Error(`Option id '${o.id}' is not an option of field ${f.name}.`)
    f.options = Object.fromEntries(
      options.map((o, position) => {
        const id = keepIds && o.id ? o.id : newId('opt')
        return [id, {id, name: o.name, description: o.description, color: o.color as 'GRAY', position}]
      }),
    )
    // GitHub's hazard: every value pointing at a removed option id is orphaned; kept ones show the option's new name
    for (const it of Object.values(this.state.items ?? {})) {
      const v = it.values[fieldId]
      if (v?.type !== 'singleSelect') continue
      if (!f.options[v.optionId]) delete it.values[fieldId]
      else v.name = f.options[v.optionId].name
    }
  }

  private assertNotArchived(it: ItemState): void {
    if (it.archived) throw new Error('The item is archived and cannot be updated')
  }

  private setIterations(fieldId: string, config: {duration: number; iterations: Array<{title: string; startDate: string; duration: number}>}): void {
    const f = this.state.fields[fieldId]
    const iterations = Object.fromEntries(
      config.iterations.map((i) => {
        const id = newId('it')
        return [id, {id, title: i.title, startDate: i.startDate, duration: i.duration}]
      }),
    )
    f.iteration = {duration: config.duration, startDay: f.iteration?.startDay ?? 1, iterations, completedIterations: {}}
    for (const it of Object.values(this.state.items ?? {})) {
      const v = it.values[fieldId]
      if (v?.type === 'iteration' && !iterations[v.iterationId]) delete it.values[fieldId]
    }
  }

  private mutate(field: string, input: any): unknown {
    const s = this.state
    switch (field) {
      case 'updateProjectV2': {
        for (const k of ['title', 'shortDescription', 'readme', 'public', 'closed'] as const) {
          if (k in input) (s.project as any)[k] = input[k]
        }
        return {projectV2: {id: s.project.id}}
      }
      case 'createProjectV2Field': {
        if (Object.values(s.fields).some((f) => f.name === input.name)) throw new Error('Name has already been taken')
        const id = newId('PVTF')
        s.fields[id] = {id, name: input.name, dataType: input.dataType}
        if (input.singleSelectOptions) this.setOptions(id, input.singleSelectOptions, false)
        if (input.iterationConfiguration) this.setIterations(id, input.iterationConfiguration)
        return this.fieldPayload(id)
      }
      case 'updateProjectV2Field': {
        const f = s.fields[input.fieldId]
        if (!f) throw new Error('field not found')
        if (input.name) f.name = input.name
        if (input.singleSelectOptions) this.setOptions(f.id, input.singleSelectOptions, true)
        if (input.iterationConfiguration) this.setIterations(f.id, input.iterationConfiguration)
        return this.fieldPayload(f.id)
      }
      case 'deleteProjectV2Field': {
        delete s.fields[input.fieldId]
        for (const it of Object.values(s.items ?? {})) delete it.values[input.fieldId]
        return {clientMutationId: null}
      }
      case 'addProjectV2ItemById': {
        const c = this.contentById(input.contentId)
        const existing = s.items?.[c.url]
        if (existing) return {item: {id: existing.id}}
        const it: ItemState = {id: newId('PVTI'), type: c.kind === 'Issue' ? 'ISSUE' : 'PULL_REQUEST', archived: false, content: structuredClone(c), values: {}}
        this.insert(it)
        return {item: {id: it.id}}
      }
      case 'addProjectV2DraftIssue': {
        const it: ItemState = {
          id: newId('PVTI'),
          type: 'DRAFT_ISSUE',
          archived: false,
          draft: {id: newId('DI'), title: input.title, body: input.body ?? '', assignees: (input.assigneeIds ?? []).map((u: string) => u.slice(2))},
          values: {},
        }
        this.insert(it)
        return {projectItem: {id: it.id, content: {id: it.draft?.id}}}
      }
      case 'updateProjectV2DraftIssue': {
        const it = Object.values(s.items ?? {}).find((i) => i.draft?.id === input.draftIssueId)
        if (!it?.draft) throw new Error('draft not found')
        this.assertNotArchived(it)
        if (input.title !== undefined) it.draft.title = input.title
        if (input.body !== undefined) it.draft.body = input.body
        if (input.assigneeIds) it.draft.assignees = input.assigneeIds.map((u: string) => u.slice(2))
        return {draftIssue: {id: it.draft.id}}
      }
      case 'archiveProjectV2Item':
      case 'unarchiveProjectV2Item': {
        const [, it] = this.itemById(input.itemId)
        it.archived = field === 'archiveProjectV2Item'
        return {item: {id: it.id}}
      }
      case 'deleteProjectV2Item': {
        const [key] = this.itemById(input.itemId)
        delete s.items?.[key]
        s.itemOrder = s.itemOrder?.filter((k) => k !== key)
        return {deletedItemId: input.itemId}
      }
      case 'updateProjectV2ItemFieldValue': {
        const [, it] = this.itemById(input.itemId)
        this.assertNotArchived(it)
        const f = s.fields[input.fieldId]
        if (!f) throw new Error('field not found')
        const v = input.value
        let value: FieldValue
        if (v.singleSelectOptionId !== undefined) {
          const o = f.options?.[v.singleSelectOptionId]
          if (!o) throw new Error(`option ${v.singleSelectOptionId} does not exist`)
          value = {type: 'singleSelect', optionId: o.id, name: o.name}
        } else if (v.iterationId !== undefined) {
          const i = f.iteration?.iterations[v.iterationId] ?? f.iteration?.completedIterations[v.iterationId]
          if (!i) throw new Error(`iteration ${v.iterationId} does not exist`)
          value = {type: 'iteration', iterationId: i.id, title: i.title, startDate: i.startDate}
        } else if (v.text !== undefined) value = {type: 'text', text: v.text}
        else if (v.number !== undefined) value = {type: 'number', number: v.number}
        else value = {type: 'date', date: v.date}
        it.values[f.id] = value
        return {projectV2Item: {id: it.id}}
      }
      case 'clearProjectV2ItemFieldValue': {
        const [, it] = this.itemById(input.itemId)
        this.assertNotArchived(it)
        delete it.values[input.fieldId]
        return {clientMutationId: null}
      }
      case 'updateProjectV2ItemPosition': {
        const [key] = this.itemById(input.itemId)
        const order = (s.itemOrder ?? []).filter((k) => k !== key)
        const at = input.afterId ? order.indexOf(this.itemById(input.afterId)[0]) + 1 : 0
        order.splice(at, 0, key)
        s.itemOrder = order
        return {clientMutationId: null}
      }
      case 'updateIssue':
      case 'updatePullRequest': {
        const c = this.contentById(input.id ?? input.pullRequestId)
        if (input.title !== undefined) c.title = input.title
        if (input.body !== undefined) c.body = input.body
        if (input.state !== undefined) c.state = input.state
        if ('milestoneId' in input) {
          const m = Object.entries(s.milestones ?? {}).find(([, m]) => `M:${m.repository}:${m.title}` === input.milestoneId)
          c.milestone = m ? m[0] : null
        }
        this.syncContent(c.url)
        return field === 'updateIssue' ? {issue: {id: input.id}} : {pullRequest: {id: input.pullRequestId}}
      }
      case 'closeIssue':
      case 'reopenIssue': {
        const c = this.contentById(input.issueId)
        c.state = field === 'closeIssue' ? 'CLOSED' : 'OPEN'
        c.stateReason = field === 'closeIssue' ? (input.stateReason ?? 'COMPLETED') : 'REOPENED'
        this.syncContent(c.url)
        return {issue: {id: input.issueId}}
      }
      case 'addLabelsToLabelable':
      case 'removeLabelsFromLabelable': {
        const c = this.contentById(input.labelableId)
        const names = input.labelIds.map((id: string) => id.slice(id.lastIndexOf(':') + 1))
        const set = new Set(c.labels)
        for (const n of names) {
          if (field === 'addLabelsToLabelable') set.add(n)
          else set.delete(n)
        }
        c.labels = [...set].sort()
        this.syncContent(c.url)
        return {clientMutationId: null}
      }
      case 'addAssigneesToAssignable':
      case 'removeAssigneesFromAssignable': {
        const c = this.contentById(input.assignableId)
        const set = new Set(c.assignees)
        for (const id of input.assigneeIds) {
          if (field === 'addAssigneesToAssignable') set.add(id.slice(2))
          else set.delete(id.slice(2))
        }
        c.assignees = [...set].sort()
        this.syncContent(c.url)
        return {clientMutationId: null}
      }
      case 'addBlockedBy':
      case 'removeBlockedBy': {
        const target = this.contentById(input.issueId)
        const blocker = this.contentById(input.blockingIssueId)
        const list = new Set(target.blockedBy ?? [])
        if (field === 'addBlockedBy') list.add(blocker.url)
        else list.delete(blocker.url)
        target.blockedBy = [...list].sort()
        this.syncContent(target.url)
        return {issue: {id: input.issueId}}
      }
      case 'reprioritizeSubIssue': {
        const parent = this.contentById(input.issueId)
        const child = this.contentById(input.subIssueId).url
        const anchor = this.contentById(input.afterId ?? input.beforeId).url
        const list = parent.subIssues.filter((u) => u !== child)
        const at = list.indexOf(anchor)
        if (at < 0 || !parent.subIssues.includes(child)) throw new Error('not a sub-issue of this issue')
        list.splice(input.afterId ? at + 1 : at, 0, child)
        parent.subIssues = list
        this.syncContent(parent.url)
        return {issue: {id: input.issueId}}
      }
      case 'markProjectV2AsTemplate':
      case 'unmarkProjectV2AsTemplate':
        s.project.template = field === 'markProjectV2AsTemplate'
        return {projectV2: {id: s.project.id}}
      case 'addSubIssue':
      case 'removeSubIssue': {
        const parent = this.contentById(input.issueId)
        const child = this.contentById(input.subIssueId)
        if (field === 'addSubIssue') {
          if (child.parent) throw new Error('issue already has a parent')
          parent.subIssues.push(child.url)
          child.parent = parent.url
        } else {
          parent.subIssues = parent.subIssues.filter((u) => u !== child.url)
          child.parent = null
        }
        this.syncContent(parent.url)
        this.syncContent(child.url)
        return {issue: {id: input.issueId}}
      }
      case 'createIssue': {
        const repo = String(input.repositoryId).slice(2)
        const number = 1000 + this.content.size
        const u = `https://github.com/${repo}/issues/${number}`
        this.content.set(u, {
          kind: 'Issue',
          url: u,
          repository: repo,
          number,
          title: input.title,
          body: input.body ?? '',
          state: 'OPEN',
          stateReason: null,
          labels: (input.labelIds ?? []).map((id: string) => id.slice(id.lastIndexOf(':') + 1)).sort(),
          assignees: (input.assigneeIds ?? []).map((id: string) => id.slice(2)).sort(),
          milestone: null,
          parent: null,
          subIssues: [],
          blockedBy: [],
        })
        return {issue: {id: `C:${u}`, url: u, number, databaseId: this.dbId(u)}}
      }
      case 'createProjectV2StatusUpdate': {
        const id = newId('PVTSU')
        s.statusUpdates = s.statusUpdates ?? {}
        s.statusUpdates[id] = {
          id,
          body: input.body ?? null,
          status: input.status ?? null,
          startDate: input.startDate ?? null,
          targetDate: input.targetDate ?? null,
          createdAt: '2030-01-01T00:00:00Z',
        }
        return {statusUpdate: {id}}
      }
      case 'linkProjectV2ToRepository':
        s.repositories = [...new Set([...(s.repositories ?? []), String(input.repositoryId).slice(2)])].sort()
        return {repository: {id: input.repositoryId}}
      case 'linkProjectV2ToTeam':
        s.teams = [...new Set([...(s.teams ?? []), String(input.teamId).slice(2)])].sort()
        return {team: {id: input.teamId}}
      default:
        throw new Error(`fake: no mutation ${field}`)
    }
  }

  private insert(it: ItemState): void {
    const key = itemKey(it)
    this.state.items = {...(this.state.items ?? {}), [key]: it}
    this.state.itemOrder = [...(this.state.itemOrder ?? []), key]
  }
}

/** arguments of the fields one level below `f`, by field name */
function nestedArgs(f: FieldNode, variables: Record<string, unknown>): Record<string, any> {
  const out: Record<string, any> = {}
  for (const s of f.selectionSet?.selections ?? []) {
    if (s.kind !== Kind.FIELD) continue
    out[s.name.value] = Object.fromEntries(
      (s.arguments ?? []).map((a) => [a.name.value, a.value.kind === Kind.VARIABLE ? variables[a.value.name.value] : undefined]),
    )
  }
  return out
}
