/**
 * The world's model: the store plus the operations that change it, with GitHub's rules and hazards. It is built in
 * layers, one file each: core.ts (the store of nodes, its indexes and look-ups) <- repos.ts (accounts, repositories,
 * issues) <- items.ts (items and values) <- fields.ts (fields, options, iterations) <- this file (projects, views,
 * workflows, status updates). `Model` is the one class the rest of the sandbox uses.
 * GraphQL mutations, REST routes and the seed loader all go through these operations; they check invariants
 * (names taken, options that do not exist, one item per content per project, ...) but not permissions, which are
 * the API layer's business. Every operation is O(1) or O(size of what it touches), so a seed of 50,000 items loads fast.
 */
import {DEFAULT_FIELDS, DEFAULT_STATUS_OPTIONS, DEFAULT_VIEW_FIELDS, DEFAULT_WORKFLOWS} from '../../github/defaults.js'
import {checkDate, nodeNotFound, unprocessable} from './checks.js'
import {FieldsModel} from './fields.js'
import {emptyStore, isAutoAddWorkflow, type FieldRec, type ProjectRec, type ProjectStatus, type StatusUpdateRec, type ViewLayout, type ViewRec, type WorkflowRec} from './store.js'

export {ARCHIVED_ITEM_MESSAGE, fieldTypeName, isCustomField, nodeNotFound, unprocessable} from './checks.js'
export type {NodeRef, Owner} from './core.js'
export type {IterationConfigInput, OptionInput} from './fields.js'
export type {ValueInput} from './items.js'

export interface ViewInput {
  name: string
  layout?: ViewLayout
  filter?: string | null
  visibleFieldIds?: string[]
  sortBy?: Array<{fieldId: string; direction: 'ASC' | 'DESC'}>
  groupByFieldIds?: string[]
  verticalGroupByFieldIds?: string[]
  creatorId?: string | null
  /** UI-only configuration (seed only: no API sets it) */
  uiConfig?: Record<string, unknown>
}

export class Model extends FieldsModel {
  /** A new world: the user `octocat` and the organisation `acme` (octocat its admin). */
  static create(now: () => Date, baseUrl: string): Model {
    const model = new Model(emptyStore(), now, baseUrl)
    const octocat = model.addUser({login: 'octocat', name: 'The Octocat'})
    const acme = model.addOrg({login: 'acme', name: 'Acme'})
    model.setMember(acme, octocat.id, 'ADMIN')
    return model
  }

  // ---------------------------------------------------------------- projects

  /** A new project with GitHub's default fields, the default view "View 1" and the built-in workflows. */
  addProject(ownerId: string, input: {title: string; creatorId?: string | null}): ProjectRec {
    if (!this.owner(ownerId)) throw nodeNotFound(ownerId)
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    const number = this.store.projectNumbers[ownerId] ?? 1
    this.store.projectNumbers[ownerId] = number + 1
    const project: ProjectRec = {
      ...this.base('ProjectV2'),
      ownerId,
      number,
      title: input.title,
      shortDescription: null,
      readme: null,
      public: false,
      closed: false,
      closedAt: null,
      template: false,
      creatorId: input.creatorId ?? null,
      fieldIds: [],
      viewIds: [],
      workflowIds: [],
      statusUpdateIds: [],
      itemIds: [],
      repoIds: [],
      teamIds: [],
      collaborators: {},
      nextViewNumber: 1,
      nextWorkflowNumber: 1,
    }
    this.store.projects[project.id] = project
    this.projectByNumber.set(`${ownerId}#${number}`, project.id)
    for (const f of DEFAULT_FIELDS) {
      const field = this.insertField(project, f.name, f.dataType, undefined, undefined)
      if (f.dataType === 'SINGLE_SELECT') field.options = DEFAULT_STATUS_OPTIONS.map((o) => ({...o}))
    }
    const visible = DEFAULT_VIEW_FIELDS.map((name) => this.fieldOfName(project, name)!.id)
    this.addView(project, {name: 'View 1', layout: 'TABLE_LAYOUT', visibleFieldIds: visible, creatorId: input.creatorId})
    for (const w of DEFAULT_WORKFLOWS) this.addWorkflow(project, w)
    return project
  }

  deleteProject(project: ProjectRec): void {
    const s = this.store
    for (const item of this.items(project)) this.forgetItem(item)
    for (const id of project.fieldIds) delete s.fields[id]
    for (const id of project.viewIds) delete s.views[id]
    for (const id of project.workflowIds) delete s.workflows[id]
    for (const id of project.statusUpdateIds) delete s.statusUpdates[id]
    this.projectByNumber.delete(`${project.ownerId}#${project.number}`)
    delete s.projects[project.id]
  }

  /**
   * copyProjectV2, as GitHub's docs ("Copying an existing project") describe it: the copy gets the views (with what
   * only the UI holds of them), custom fields (new ids), configured workflows except auto-add ones (those stay as in a
   * new project: disabled, unconfigured), insights and, only with includeDraftIssues, the draft issues with their
   * values. Never copied: issue and pull-request items, collaborators, linked repositories and teams, status updates.
   */
  copyProject(source: ProjectRec, ownerId: string, input: {title: string; includeDraftIssues: boolean; creatorId: string | null}): ProjectRec {
    const copy = this.addProject(ownerId, {title: input.title, creatorId: input.creatorId})
    copy.shortDescription = source.shortDescription
    copy.readme = source.readme
    const fieldMap = new Map<string, FieldRec>()
    // option and iteration ids are unique within their field only (the default Status options have the same ids in
    // every project): map them per field
    const optionMap = new Map<string, string>()
    const key = (fieldId: string, id: string) => `${fieldId}/${id}`
    for (const field of this.fields(source)) {
      let target = this.fieldOfName(copy, field.name)
      if (target && target.dataType !== field.dataType) continue
      if (!target) {
        target = this.insertField(copy, field.name, field.dataType, undefined, undefined)
      }
      if (field.options) {
        target.options = field.options.map((o) => {
          const id = this.ids.hex()
          optionMap.set(key(field.id, o.id), id)
          return {...o, id}
        })
      }
      if (field.iteration) {
        target.iteration = {
          ...field.iteration,
          iterations: field.iteration.iterations.map((it) => {
            const id = this.ids.hex()
            optionMap.set(key(field.id, it.id), id)
            return {...it, id}
          }),
        }
      }
      fieldMap.set(field.id, target)
    }
    const mapIds = (ids: string[]) => ids.flatMap((id) => (fieldMap.has(id) ? [fieldMap.get(id)!.id] : []))
    for (const id of copy.viewIds) this.deleteView(this.store.views[id])
    for (const view of source.viewIds.map((id) => this.store.views[id])) {
      this.addView(copy, {
        name: view.name,
        layout: view.layout,
        filter: view.filter,
        visibleFieldIds: mapIds(view.visibleFieldIds),
        sortBy: view.sortBy.flatMap((s) => (fieldMap.has(s.fieldId) ? [{fieldId: fieldMap.get(s.fieldId)!.id, direction: s.direction}] : [])),
        groupByFieldIds: mapIds(view.groupByFieldIds),
        verticalGroupByFieldIds: mapIds(view.verticalGroupByFieldIds),
        creatorId: input.creatorId,
        uiConfig: view.uiConfig,
      })
    }
    const unmatched = copy.workflowIds.map((id) => this.store.workflows[id])
    for (const w of source.workflowIds.map((id) => this.store.workflows[id])) {
      if (isAutoAddWorkflow(w.name)) continue
      const at = unmatched.findIndex((c) => c.name === w.name)
      const target = at >= 0 ? unmatched.splice(at, 1)[0] : this.addWorkflow(copy, {name: w.name, enabled: w.enabled})
      target.enabled = w.enabled
      if (w.config) target.config = structuredClone(w.config)
    }
    // a built-in workflow the source deleted (deleteProjectV2Workflow) is not brought back by the copy
    for (const w of unmatched) if (!isAutoAddWorkflow(w.name)) this.deleteWorkflow(w)
    if (source.insights?.length) copy.insights = structuredClone(source.insights)
    if (input.includeDraftIssues) {
      for (const item of this.items(source)) {
        if (item.type !== 'DRAFT_ISSUE') continue
        const draft = this.store.drafts[item.contentId]
        const added = this.addDraftItem(copy, {title: draft.title, body: draft.body, assigneeIds: draft.assigneeIds, creatorId: input.creatorId})
        added.archived = item.archived
        for (const [fieldId, value] of Object.entries(item.values)) {
          const target = fieldMap.get(fieldId)
          if (!target) continue
          const mapped = {...value}
          if (mapped.optionId) mapped.optionId = optionMap.get(key(fieldId, mapped.optionId))
          if (mapped.iterationId) mapped.iterationId = optionMap.get(key(fieldId, mapped.iterationId))
          if (mapped.optionId === undefined && value.optionId) continue
          if (mapped.iterationId === undefined && value.iterationId) continue
          this.putValue(added, target, mapped)
        }
      }
    }
    return copy
  }

  // ---------------------------------------------------------------- views, workflows, status updates

  addView(project: ProjectRec, input: ViewInput): ViewRec {
    if (!input.name.trim()) throw unprocessable("Name can't be blank")
    const known = new Set(project.fieldIds)
    const check = (ids: string[] | undefined) => {
      for (const id of ids ?? []) if (!known.has(id)) throw unprocessable(`Field ${id} is not a field of this project.`)
      return [...(ids ?? [])]
    }
    const view: ViewRec = {
      ...this.base('ProjectV2View'),
      projectId: project.id,
      number: project.nextViewNumber++,
      name: input.name,
      layout: input.layout ?? 'TABLE_LAYOUT',
      filter: input.filter ?? null,
      visibleFieldIds: check(input.visibleFieldIds),
      sortBy: (input.sortBy ?? []).map((s) => ({fieldId: check([s.fieldId])[0], direction: s.direction})),
      groupByFieldIds: check(input.groupByFieldIds),
      verticalGroupByFieldIds: check(input.verticalGroupByFieldIds),
      creatorId: input.creatorId ?? null,
      ...(input.uiConfig ? {uiConfig: structuredClone(input.uiConfig)} : {}),
    }
    this.store.views[view.id] = view
    project.viewIds.push(view.id)
    return view
  }

  deleteView(view: ViewRec): void {
    const project = this.store.projects[view.projectId]
    project.viewIds = project.viewIds.filter((id) => id !== view.id)
    delete this.store.views[view.id]
  }

  addWorkflow(project: ProjectRec, input: {name: string; enabled: boolean; config?: Record<string, unknown>}): WorkflowRec {
    const workflow: WorkflowRec = {
      ...this.base('ProjectV2Workflow'),
      projectId: project.id,
      number: project.nextWorkflowNumber++,
      name: input.name,
      enabled: input.enabled,
      ...(input.config ? {config: structuredClone(input.config)} : {}),
    }
    this.store.workflows[workflow.id] = workflow
    project.workflowIds.push(workflow.id)
    return workflow
  }

  /**
   * What only the web UI holds of a project (views' uiConfig, workflows' configuration, insights): NOT GitHub's API.
   * The sandbox-only inspection route (GET /_sandbox/projects/{id}/ui) serves it so tests and the demo can prove
   * what a copy carried.
   */
  uiOf(project: ProjectRec): {
    views: Array<{number: number; name: string; uiConfig: Record<string, unknown> | null}>
    workflows: Array<{number: number; name: string; enabled: boolean; config: Record<string, unknown> | null}>
    insights: Array<{name: string; config: Record<string, unknown>}>
  } {
    return structuredClone({
      views: project.viewIds.map((id) => this.store.views[id]).map((v) => ({number: v.number, name: v.name, uiConfig: v.uiConfig ?? null})),
      workflows: project.workflowIds
        .map((id) => this.store.workflows[id])
        .map((w) => ({number: w.number, name: w.name, enabled: w.enabled, config: w.config ?? null})),
      insights: project.insights ?? [],
    })
  }

  deleteWorkflow(workflow: WorkflowRec): void {
    const project = this.store.projects[workflow.projectId]
    project.workflowIds = project.workflowIds.filter((id) => id !== workflow.id)
    delete this.store.workflows[workflow.id]
  }

  addStatusUpdate(
    project: ProjectRec,
    input: {body?: string | null; status?: ProjectStatus | null; startDate?: string | null; targetDate?: string | null; creatorId?: string | null},
  ): StatusUpdateRec {
    if (input.startDate) checkDate(input.startDate, 'startDate')
    if (input.targetDate) checkDate(input.targetDate, 'targetDate')
    const update: StatusUpdateRec = {
      ...this.base('ProjectV2StatusUpdate'),
      projectId: project.id,
      body: input.body ?? null,
      status: input.status ?? null,
      startDate: input.startDate ?? null,
      targetDate: input.targetDate ?? null,
      creatorId: input.creatorId ?? null,
    }
    this.store.statusUpdates[update.id] = update
    project.statusUpdateIds.push(update.id)
    return update
  }
}
