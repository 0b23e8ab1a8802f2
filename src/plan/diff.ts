/**
 * diff(desired, live) → Plan: the operations that make the live project equal to the desired state (a backup),
 * and nothing more. Matching is by id first, then by name (fields, options, iterations, views, workflows, drafts by
 * title) or by content URL (items), because ids die with deletion. What no API can do becomes a warning; what the
 * live project has and the backup lacks becomes a conflict, deleted only with `destructive`.
 *
 * This file is the differ of fields, items, their values, content and relations. Around it, one job each:
 * remap.ts (`--map-repo`, replaced URLs) and scope.ts (`--partial`, `--fields`, `--issues`) prepare the input;
 * config.ts plans the project's settings, views, workflows, links and status updates; compare.ts says when a field,
 * option, iteration, value or view differs; assemble.ts orders, summarizes and prices the operations into a Plan.
 */
import {setOwn} from '../util/canonical.js'
import {
  CREATABLE_FIELD_TYPES,
  READ_ONLY_DATE_FIELD_TYPES,
  type FieldDef,
  type IssueContent,
  type ItemState,
  type ProjectState,
} from '../model/state.js'
import {assemblePlan} from './assemble.js'
import {
  allIterations,
  canonical,
  iterationSpec,
  liveNames,
  liveOptionSpecs,
  matchOptions,
  optionSpecs,
  plannedValue,
  showValue,
  valueEquals,
} from './compare.js'
import {planLinks, planProjectSettings, planStatusUpdates, planViews, planWorkflows, type DiffSink} from './config.js'
import {longestIncreasing} from './longest-increasing.js'
import {mapDesired, URL_RE} from './remap.js'
import {effectiveSections, itemFilter} from './scope.js'
import type {Conflict, ContentRef, DiffOptions, FieldRef, ItemRef, Operation, Plan, Section} from './types.js'

// what app/ calls beside diff (the mapped desired state, the selectors that select nothing): stable entry points
export {mapDesired} from './remap.js'
export {unmatchedSelections} from './scope.js'

/** Everything diff knows about one desired field. */
interface FieldPlan {
  desired: FieldDef
  live?: FieldDef
  ref: FieldRef
  /** in the field scope (`--fields`) */
  inScope: boolean
  /** values can be set: the field exists live (same type) or is created by the plan */
  usable: boolean
  /** every desired value must be set again: field created, iterations replaced */
  reset: boolean
  /**
   * options restored by `restoreOptions`: live option id → the name it has after the restore, for the options kept by
   * id (their values survive); values of live options not in the map are orphaned by the restore
   */
  keptOptions?: Map<string, string>
  /** operations that must run before values are set */
  deps: string[]
  /** option names / iteration titles that will exist after the plan */
  names: Set<string>
  /** live options / iterations the backup lacks, kept by the restore: their values are kept too */
  extraNames: Set<string>
  /** why values cannot be restored (warned once) */
  unusableReason?: string
  warnedUnusable?: boolean
}

/** One desired item and what it maps to. */
interface ItemPlan {
  key: string
  desired: ItemState
  live?: ItemState
  liveKey?: string
  ref: ItemRef
  /** the operation that creates it (addItem / createDraft), if any */
  createdBy?: string
  /** ids of its setValue operations */
  valueOps: string[]
  /** unarchive op (values wait for it) */
  unarchive?: string
}

export function diff(desiredState: ProjectState, live: ProjectState, options: DiffOptions = {}): Plan {
  return new Differ(mapDesired(desiredState, options), live, options).run()
}

class Differ {
  private readonly ops: Operation[] = []
  private readonly opIds = new Set<string>()
  private readonly warnings: string[] = []
  private readonly conflicts: Conflict[] = []
  private readonly sections: Set<Section>
  private readonly fieldFilter: Set<string> | null
  private readonly include: (item: ItemState) => boolean
  private readonly missing: Set<string>
  private readonly fields = new Map<string, FieldPlan>()
  private readonly items = new Map<string, ItemPlan>()
  /** field name → number of live values the backup does not cover, left alone (a conflict per field) */
  private readonly keptValues = new Map<string, number>()
  /** issues whose type / issue fields the live capture did not read (warned once) */
  private readonly unreadPlanning = {types: 0, fields: 0}
  /** what config.ts's functions add their operations, warnings and conflicts to */
  private readonly sink: DiffSink

  constructor(
    private readonly desired: ProjectState,
    private readonly live: ProjectState,
    private readonly options: DiffOptions,
  ) {
    this.sections = new Set(effectiveSections(options))
    this.fieldFilter = options.fields?.length ? new Set(options.fields.map((f) => f.trim().toLowerCase())) : null
    this.include = itemFilter(options)
    this.missing = new Set(options.missingContent ?? [])
    this.sink = {desired, live, options, conflicts: this.conflicts, add: (op) => this.add(op), warn: (message) => this.warn(message)}
  }

  run(): Plan {
    const config = this.sections.has('config')
    const fields = this.sections.has('fields')
    const issues = this.sections.has('issues')
    if (config) planProjectSettings(this.sink)
    this.planFields(fields)
    if (config) {
      planViews(this.sink, (name) => {
        const fp = [...this.fields.values()].find((f) => f.desired.name === name)
        return fp?.usable ? fp.deps : undefined
      })
      planWorkflows(this.sink)
      planLinks(this.sink)
      planStatusUpdates(this.sink)
    }
    if (issues || fields) this.planItems(issues)
    if (issues) {
      this.subIssues()
      this.blockedBy()
      this.order()
    }
    if (this.unreadPlanning.types || this.unreadPlanning.fields) {
      this.warn(
        `issue types / issue-field values of ${Math.max(this.unreadPlanning.types, this.unreadPlanning.fields)} issue(s) were not compared: ` +
          'the live capture could not read them (this GitHub lacks them in its API)',
      )
    }
    return assemblePlan(this.ops, this.warnings, this.conflicts, this.options)
  }

  private add<T extends Operation>(op: T): T {
    if (this.opIds.has(op.id)) throw new Error(`duplicate plan operation id ${op.id}`)
    op.deps = [...new Set(op.deps.filter((d) => d !== op.id))]
    this.opIds.add(op.id)
    this.ops.push(op)
    return op
  }

  /**
   * Whether a live value the backup lacks may be cleared: only when the backup holds the item's values (a full backup)
   * of this very project, or with `destructive`.
   */
  private clearsCovered(): boolean {
    return Boolean(this.options.destructive) || (this.options.itemsHeld !== false && !this.options.otherProject)
  }

  private warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message)
  }

  // ---------------------------------------------------------------- fields

  private planFields(restoreDefinitions: boolean): void {
    const claimed = new Set<string>()
    const liveFields = Object.values(this.live.fields)
    const desiredFields = Object.values(this.desired.fields).sort((a, b) => a.name.localeCompare(b.name))
    // pass 1: by id; pass 2: by exact name; pass 3: by name ignoring case
    const match = new Map<string, FieldDef>()
    const tryMatch = (pred: (d: FieldDef, l: FieldDef) => boolean) => {
      for (const d of desiredFields) {
        if (match.has(d.id)) continue
        const l = liveFields.find((f) => !claimed.has(f.id) && pred(d, f))
        if (l) {
          match.set(d.id, l)
          claimed.add(l.id)
        }
      }
    }
    tryMatch((d, l) => d.id === l.id)
    tryMatch((d, l) => d.name === l.name)
    tryMatch((d, l) => d.name.toLowerCase() === l.name.toLowerCase())

    for (const d of desiredFields) {
      const inScope = !this.fieldFilter || this.fieldFilter.has(d.name.toLowerCase())
      const l = match.get(d.id)
      const restore = restoreDefinitions && inScope
      const fp: FieldPlan = {
        desired: d,
        live: l,
        ref: {name: d.name, dataType: d.dataType, liveId: l?.id ?? null},
        inScope,
        usable: false,
        reset: false,
        deps: [],
        names: new Set(),
        extraNames: new Set(),
      }
      this.fields.set(d.id, fp)
      const creatable = CREATABLE_FIELD_TYPES.includes(d.dataType)
      if (l && l.dataType !== d.dataType) {
        if (restore && this.options.destructive && creatable) {
          const del = this.add({op: 'deleteField', id: `field.delete:${l.id}`, deps: [], field: {...fp.ref}})
          fp.ref = {name: d.name, dataType: d.dataType, liveId: null}
          this.createField(fp, [del.id])
        } else {
          this.conflicts.push({
            kind: 'field',
            name: d.name,
            detail: `is ${l.dataType} live but ${d.dataType} in the backup; left alone${creatable && restore ? ' (--confirm-destructive replaces it)' : ''}`,
          })
          fp.unusableReason = `field '${d.name}' has another type live`
        }
        continue
      }
      if (!l) {
        if (READ_ONLY_DATE_FIELD_TYPES.includes(d.dataType)) {
          // CREATED / UPDATED / CLOSED carry no restorable value: a project without them loses nothing
          fp.unusableReason = `field '${d.name}' (${d.dataType}) is read-only`
          fp.warnedUnusable = true
        } else if (!creatable) {
          if (restore) this.warn(`field '${d.name}' (${d.dataType}) is built in and cannot be created; its values were not restored`)
          fp.unusableReason = `field '${d.name}' (${d.dataType}) cannot be created`
        } else if (restore) {
          this.createField(fp, [])
        } else {
          fp.unusableReason = `field '${d.name}' does not exist live: restore it with --partial=fields`
        }
        continue
      }
      fp.usable = true
      fp.names = liveNames(l)
      if (!restore) continue
      if (l.name !== d.name) {
        this.add({op: 'renameField', id: `field.rename:${l.id}`, deps: [], field: fp.ref, from: l.name})
      }
      if (d.dataType === 'SINGLE_SELECT') {
        // options that still exist live are sent with their live id (matched by id, then by name): GitHub keeps their
        // identity and every value pointing at them; only the options created anew need their values set again
        const {options: want, kept, recreated, extra} = matchOptions(d, l, !this.options.destructive)
        for (const name of extra) {
          fp.extraNames.add(name)
          this.conflicts.push({
            kind: 'option',
            name: `${d.name}: ${name}`,
            detail: 'exists live but not in the backup; kept with its values (--confirm-destructive removes it and clears them)',
          })
        }
        if (canonical(want) !== canonical(liveOptionSpecs(l))) {
          const op = this.add({
            op: 'restoreOptions',
            id: `field.options:${l.id}`,
            deps: [],
            field: fp.ref,
            options: want,
            before: optionSpecs(l).map((o) => o.name),
            ...(recreated.length ? {recreated} : {}),
          })
          fp.keptOptions = kept
          fp.deps.push(op.id)
          fp.names = new Set(want.map((o) => o.name))
        }
      }
      if (d.dataType === 'ITERATION' && d.iteration) {
        const want = iterationSpec(d, l)
        if (want && !this.options.destructive) {
          // iterations the backup lacks are kept: replacing the configuration would drop them and their values
          const titles = new Set(want.iterations.map((i) => i.title))
          const ids = new Set([...Object.keys(d.iteration.iterations), ...Object.keys(d.iteration.completedIterations)])
          for (const i of allIterations(l)) {
            if (titles.has(i.title) || ids.has(i.id)) continue
            want.iterations.push({title: i.title, startDate: i.startDate, duration: i.duration})
            fp.extraNames.add(i.title)
            this.conflicts.push({
              kind: 'iteration',
              name: `${d.name}: ${i.title}`,
              detail: 'exists live but not in the backup; kept (--confirm-destructive removes it and clears its values)',
            })
          }
          want.iterations.sort((a, b) => a.startDate.localeCompare(b.startDate) || a.title.localeCompare(b.title))
        }
        if (!want) {
          this.warn(`field '${d.name}': the backup has no iterations to restore`)
        } else if (!l.iteration || canonical(want) !== canonical(iterationSpec(l, l))) {
          const op = this.add({op: 'restoreIterations', id: `field.iterations:${l.id}`, deps: [], field: fp.ref, iteration: want})
          fp.reset = true
          fp.deps.push(op.id)
          fp.names = new Set(want.iterations.map((i) => i.title))
        }
      }
    }

    if (!restoreDefinitions) return
    for (const l of liveFields) {
      if (claimed.has(l.id) || !CREATABLE_FIELD_TYPES.includes(l.dataType)) continue
      if (this.fieldFilter && !this.fieldFilter.has(l.name.toLowerCase())) continue
      if (this.options.destructive) {
        this.add({op: 'deleteField', id: `field.delete:${l.id}`, deps: [], field: {name: l.name, dataType: l.dataType, liveId: l.id}})
      } else {
        this.conflicts.push({kind: 'field', name: l.name, detail: 'exists live but not in the backup; left alone (--confirm-destructive deletes it)'})
      }
    }
  }

  private createField(fp: FieldPlan, deps: string[]): void {
    const d = fp.desired
    const id = `field.create:${d.name}`
    const options = d.dataType === 'SINGLE_SELECT' ? optionSpecs(d) : undefined
    const iteration = d.dataType === 'ITERATION' ? (iterationSpec(d, undefined) ?? undefined) : undefined
    fp.ref = {name: d.name, dataType: d.dataType, liveId: null, createdBy: id}
    this.add({op: 'createField', id, deps, field: fp.ref, ...(options ? {options} : {}), ...(iteration ? {iteration} : {})})
    fp.usable = true
    fp.reset = true
    fp.deps = [id]
    fp.names = new Set(options ? options.map((o) => o.name) : (iteration?.iterations.map((i) => i.title) ?? []))
  }

  // ---------------------------------------------------------------- items

  private planItems(restoreItems: boolean): void {
    const desiredItems = this.desired.items ?? {}
    const liveItems = this.live.items ?? {}
    const claimed = new Set<string>()
    const entries = orderedEntries(desiredItems, this.desired.itemOrder).filter(([, it]) => this.include(it))
    // match: by key (content URL, draft id), by item id, then drafts by title
    const matched = new Map<string, string>()
    for (const [key, it] of entries) {
      const byKey = liveItems[key] && !claimed.has(key) ? key : undefined
      const byId = byKey ?? Object.keys(liveItems).find((k) => !claimed.has(k) && liveItems[k].id === it.id && liveItems[k].type === it.type)
      if (byId) {
        matched.set(key, byId)
        claimed.add(byId)
      }
    }
    for (const [key, it] of entries) {
      if (matched.has(key) || it.type !== 'DRAFT_ISSUE' || !it.draft) continue
      const title = it.draft.title
      const lk = Object.keys(liveItems).find((k) => !claimed.has(k) && liveItems[k].type === 'DRAFT_ISSUE' && liveItems[k].draft?.title === title)
      if (lk) {
        matched.set(key, lk)
        claimed.add(lk)
      }
    }

    let notRestored = 0
    for (const [key, it] of entries) {
      const liveKey = matched.get(key)
      const l = liveKey ? liveItems[liveKey] : undefined
      const ip: ItemPlan = {key, desired: it, live: l, liveKey, ref: {key, label: itemLabel(key, it), liveId: l?.id ?? null}, valueOps: []}
      this.items.set(key, ip)
      if (!l) {
        if (!restoreItems) {
          notRestored++
          continue
        }
        if (!this.createItem(ip)) continue
      }
      const first = this.ops.length
      this.values(ip)
      if (restoreItems && l) this.content(ip)
      this.archiving(ip, restoreItems, this.ops.slice(first))
    }
    // items the restore leaves alone (not in the backup, or not selected) keep their values on replaced iterations
    if (!this.options.destructive) {
      for (const fp of this.fields.values()) {
        if (!fp.reset || !fp.live || !fp.usable) continue
        for (const [lk, l] of Object.entries(liveItems)) {
          if (claimed.has(lk)) continue
          const v = l.values[fp.live.id]
          if (v?.type !== 'iteration' || !fp.names.has(v.title)) continue
          const ref: ItemRef = {key: lk, label: itemLabel(lk, l), liveId: l.id}
          this.add({op: 'setValue', id: `value.keep:${lk}:${fp.desired.name}`, deps: [...fp.deps], item: ref, field: fp.ref, value: {type: 'iteration', title: v.title}, before: null})
        }
      }
    }
    for (const [name, n] of this.keptValues) {
      const why = this.options.otherProject
        ? 'the backup is of another project'
        : this.options.itemsHeld === false
          ? 'the backup holds no values'
          : 'they use options or iterations the backup lacks'
      this.conflicts.push({kind: 'value', name, detail: `${n} value(s) set live are left alone: ${why} (--confirm-destructive clears them)`})
    }
    if (notRestored) {
      this.warn(`${notRestored} item(s) of the backup are not in the project and were not restored: restore them with --partial=issues`)
    }

    if (!restoreItems) return
    for (const [lk, l] of Object.entries(liveItems)) {
      if (claimed.has(lk) || !this.include(l)) continue
      const ref: ItemRef = {key: lk, label: itemLabel(lk, l), liveId: l.id}
      if (this.options.destructive) {
        this.add({op: 'deleteItem', id: `item.delete:${lk}`, deps: [], item: ref})
      } else {
        this.conflicts.push({kind: 'item', name: ref.label, detail: 'is in the project but not in the backup; left alone (--confirm-destructive removes it)'})
      }
    }
  }

  /**
   * Archive state around an item's edits. GitHub refuses to change the values or the draft of an archived item ("The
   * item is archived and cannot be updated"): an item archived live whose values or draft the plan changes is
   * unarchived first and, when it stays archived (the backup has it archived, or the restore leaves items alone),
   * archived again after; stage order (unarchive, then values, then archive) keeps them apart.
   */
  private archiving(ip: ItemPlan, restoreItems: boolean, added: Operation[]): void {
    const it = ip.desired
    const liveArchived = Boolean(ip.live?.archived)
    const edits = added.filter(
      (op) => (op.op === 'setValue' || op.op === 'clearValue' || op.op === 'updateDraft') && op.item.key === ip.key,
    )
    const archivedAfter = restoreItems ? it.archived : liveArchived
    if (liveArchived && (edits.length || !archivedAfter)) {
      const temporary = archivedAfter
      const id = `item.unarchive:${ip.key}`
      this.add({op: 'unarchiveItem', id, deps: [], item: ip.ref, ...(temporary ? {temporary} : {})})
      ip.unarchive = id
      for (const op of edits) op.deps.push(id)
    }
    if (archivedAfter && (!liveArchived || ip.unarchive)) {
      const deps = [...(ip.createdBy ? [ip.createdBy] : []), ...edits.map((op) => op.id)]
      this.add({op: 'archiveItem', id: `item.archive:${ip.key}`, deps, item: ip.ref})
    }
  }

  /** Plans the creation of a desired item missing live; false when it cannot be created. */
  private createItem(ip: ItemPlan): boolean {
    const it = ip.desired
    if (it.type === 'REDACTED' || (!it.content && !it.draft)) {
      this.warn(`item ${ip.ref.label} is redacted (no access to its content) and cannot be restored`)
      return false
    }
    if (it.draft) {
      const id = `item.draft:${ip.key}`
      ip.ref = {...ip.ref, createdBy: id}
      ip.createdBy = id
      this.add({op: 'createDraft', id, deps: [], item: ip.ref, title: it.draft.title, body: it.draft.body, assignees: [...it.draft.assignees]})
      return true
    }
    const c = it.content as IssueContent
    const content = contentRef(c)
    const deps: string[] = []
    if (this.missing.has(c.url)) {
      if (!(this.options.recreateMissingIssues && c.kind === 'Issue')) {
        this.warn(
          `${ip.ref.label} no longer exists (deleted issues cannot be recreated with their number)${c.kind === 'Issue' ? '; restore with --recreate-missing-issues to recreate it as a new issue' : ''}`,
        )
        return false
      }
      const createId = `issue.create:${c.url}`
      this.add({
        op: 'createIssue',
        id: createId,
        deps: [],
        item: ip.ref,
        content,
        title: c.title,
        body: c.body,
        labels: [...c.labels],
        assignees: [...c.assignees],
      })
      this.warn(`${ip.ref.label} no longer exists: it is recreated as a NEW issue with a new number`)
      content.createdBy = createId
      deps.push(createId)
    }
    const id = `item.add:${ip.key}`
    ip.ref = {...ip.ref, createdBy: id}
    ip.createdBy = id
    this.add({op: 'addItem', id, deps, item: ip.ref, content})
    if (content.createdBy) {
      // a recreated issue starts open, without milestone: restore those too
      const milestone = this.milestoneOf(c)
      if (milestone) this.add({op: 'setMilestone', id: `issue.milestone:${c.url}`, deps: [content.createdBy], content, milestone})
      if (c.state.toUpperCase() === 'CLOSED') {
        this.add({op: 'setIssueState', id: `issue.state:${c.url}`, deps: [content.createdBy], content, state: 'CLOSED', stateReason: c.stateReason})
      }
      this.issuePlanning(c, undefined, content, [content.createdBy])
    }
    return true
  }

  private values(ip: ItemPlan): void {
    for (const fp of this.fields.values()) {
      if (!fp.inScope) continue
      const dv = ip.desired.values[fp.desired.id]
      let lv = ip.live && fp.live && !fp.reset ? ip.live.values[fp.live.id] : undefined
      if (lv?.type === 'singleSelect' && fp.keptOptions) {
        // what the value is after restoreOptions: the kept option under its restored name, or orphaned
        const name = fp.keptOptions.get(lv.optionId)
        lv = name === undefined ? undefined : {...lv, name}
      }
      if (!dv && !lv && fp.reset && fp.usable && ip.live && fp.live) {
        this.keepThroughReset(ip, fp)
        continue
      }
      if (!dv && !lv) continue
      if (!fp.usable) {
        if (dv && fp.unusableReason && !fp.warnedUnusable) {
          fp.warnedUnusable = true
          this.warn(`values of ${fp.unusableReason} were not restored`)
        }
        continue
      }
      const deps = [...fp.deps, ...(ip.createdBy ? [ip.createdBy] : [])]
      if (!dv) {
        const onExtra = lv && ((lv.type === 'singleSelect' && fp.extraNames.has(lv.name)) || (lv.type === 'iteration' && fp.extraNames.has(lv.title)))
        if (lv && !fp.reset) {
          if (this.clearsCovered() && !onExtra) {
            this.add({op: 'clearValue', id: `value.clear:${ip.key}:${fp.desired.name}`, deps, item: ip.ref, field: fp.ref, before: showValue(lv)})
          } else {
            this.keptValues.set(fp.desired.name, (this.keptValues.get(fp.desired.name) ?? 0) + 1)
          }
        }
        continue
      }
      const planned = plannedValue(dv, fp.desired.dataType)
      if (!planned) {
        this.warn(`value of '${fp.desired.name}' on ${ip.ref.label} does not fit a ${fp.desired.dataType} field; not restored`)
        continue
      }
      if ((planned.type === 'singleSelect' || planned.type === 'iteration') && !fp.names.has(planned.type === 'singleSelect' ? planned.name : planned.title)) {
        const what = planned.type === 'singleSelect' ? `option '${planned.name}'` : `iteration '${planned.title}'`
        this.warn(`${what} of field '${fp.desired.name}' does not exist live (restore the field with --partial=fields); ${ip.ref.label} keeps its value`)
        continue
      }
      if (lv && valueEquals(dv, lv, fp.live)) continue
      const op = this.add({
        op: 'setValue',
        id: `value.set:${ip.key}:${fp.desired.name}`,
        deps,
        item: ip.ref,
        field: fp.ref,
        value: planned,
        before: lv ? showValue(lv) : null,
      })
      ip.valueOps.push(op.id)
    }
  }

  /**
   * The field's iterations are replaced (every value on it is lost): a live value the backup does not cover, or on an
   * iteration the restore keeps because the backup lacks it, is set again rather than lost.
   */
  private keepThroughReset(ip: ItemPlan, fp: FieldPlan): void {
    const before = ip.live!.values[fp.live!.id]
    const planned = before && plannedValue(before, fp.desired.dataType)
    if (!planned || planned.type !== 'iteration' || !fp.names.has(planned.title)) return
    if (this.clearsCovered() && !fp.extraNames.has(planned.title)) return
    const deps = [...fp.deps, ...(ip.createdBy ? [ip.createdBy] : [])]
    const op = this.add({op: 'setValue', id: `value.set:${ip.key}:${fp.desired.name}`, deps, item: ip.ref, field: fp.ref, value: planned, before: null})
    ip.valueOps.push(op.id)
  }

  private milestoneOf(c: IssueContent): {title: string; repository: string} | null {
    if (!c.milestone) return null
    const m = this.desired.milestones?.[c.milestone]
    if (!m) {
      this.warn(`milestone ${c.milestone} of ${c.repository}#${c.number} is not in the backup; not restored`)
      return null
    }
    return {title: m.title, repository: m.repository}
  }

  private content(ip: ItemPlan): void {
    const d = ip.desired
    const l = ip.live as ItemState
    if (d.draft && l.draft) {
      const title = d.draft.title !== l.draft.title ? d.draft.title : undefined
      const body = d.draft.body !== l.draft.body ? d.draft.body : undefined
      const assignees = canonical([...d.draft.assignees].sort()) !== canonical([...l.draft.assignees].sort()) ? [...d.draft.assignees] : undefined
      if (title !== undefined || body !== undefined || assignees !== undefined) {
        this.add({
          op: 'updateDraft',
          id: `draft.update:${ip.key}`,
          deps: [],
          item: ip.ref,
          draftId: l.draft.id,
          ...(title !== undefined ? {title} : {}),
          ...(body !== undefined ? {body} : {}),
          ...(assignees !== undefined ? {assignees} : {}),
        })
      }
      return
    }
    if (!d.content || !l.content) return
    const dc = d.content
    const lc = l.content
    const content = contentRef(lc)
    const url = dc.url
    if (dc.title !== lc.title || dc.body !== lc.body) {
      this.add({
        op: 'updateContent',
        id: `issue.update:${url}`,
        deps: [],
        content,
        ...(dc.title !== lc.title ? {title: dc.title} : {}),
        ...(dc.body !== lc.body ? {body: dc.body} : {}),
      })
    }
    const ds = dc.state.toUpperCase()
    const ls = lc.state.toUpperCase()
    const reasonDiffers = ds === 'CLOSED' && dc.kind === 'Issue' && (dc.stateReason ?? '').toUpperCase() !== (lc.stateReason ?? '').toUpperCase()
    if (ds !== ls || reasonDiffers) {
      if (ds === 'MERGED' || ls === 'MERGED') {
        this.warn(`${ip.ref.label} is ${ls.toLowerCase()} live but ${ds.toLowerCase()} in the backup; a merge cannot be changed`)
      } else if (ds === 'OPEN' || ds === 'CLOSED') {
        this.add({op: 'setIssueState', id: `issue.state:${url}`, deps: [], content, state: ds, stateReason: dc.stateReason})
      }
    }
    const addLabels = dc.labels.filter((x) => !lc.labels.includes(x))
    const removeLabels = lc.labels.filter((x) => !dc.labels.includes(x))
    if (addLabels.length) this.add({op: 'addLabels', id: `issue.labels.add:${url}`, deps: [], content, labels: addLabels})
    if (removeLabels.length) this.add({op: 'removeLabels', id: `issue.labels.remove:${url}`, deps: [], content, labels: removeLabels})
    const addAssignees = dc.assignees.filter((x) => !lc.assignees.includes(x))
    const removeAssignees = lc.assignees.filter((x) => !dc.assignees.includes(x))
    if (addAssignees.length) this.add({op: 'addAssignees', id: `issue.assignees.add:${url}`, deps: [], content, assignees: addAssignees})
    if (removeAssignees.length) {
      this.add({op: 'removeAssignees', id: `issue.assignees.remove:${url}`, deps: [], content, assignees: removeAssignees})
    }
    this.issuePlanning(dc, lc, content)
    const dm = dc.milestone ? this.milestoneOf(dc) : null
    const lmDef = lc.milestone ? this.live.milestones?.[lc.milestone] : undefined
    const lm = lc.milestone ? {title: lmDef?.title ?? lc.milestone, repository: lmDef?.repository ?? lc.repository} : null
    if (dc.milestone && !dm) return
    if ((dm?.title ?? null) !== (lm?.title ?? null) || (dm && lm && dm.repository.toLowerCase() !== lm.repository.toLowerCase())) {
      this.add({op: 'setMilestone', id: `issue.milestone:${url}`, deps: [], content, milestone: dm})
    }
  }

  /**
   * An issue's type and issue-field values. Only what both states captured is compared: absent (an older backup, a
   * capture that could not read them) is "not captured", never "none". `lc` undefined: the issue is recreated.
   */
  private issuePlanning(dc: IssueContent, lc: IssueContent | undefined, content: ContentRef, deps: string[] = []): void {
    if (dc.kind !== 'Issue') return
    const url = dc.url
    if (dc.issueType !== undefined) {
      const have = lc ? lc.issueType : null
      if (have === undefined) this.unreadPlanning.types++
      else if ((dc.issueType ?? null) !== (have ?? null) && !(lc === undefined && dc.issueType === null)) {
        this.add({op: 'setIssueType', id: `issue.type:${url}`, deps, content, issueType: dc.issueType ?? null, before: have ?? null})
      }
    }
    if (dc.issueFields !== undefined) {
      const have = lc ? lc.issueFields : {}
      if (have === undefined) {
        if (Object.keys(dc.issueFields).length) this.unreadPlanning.fields++
        return
      }
      const set: Record<string, string | number> = {}
      // names come from GitHub: an issue field named __proto__ is stored as itself, and `in` would see inherited names
      for (const [name, value] of Object.entries(dc.issueFields)) if (!Object.hasOwn(have, name) || have[name] !== value) setOwn(set, name, value)
      const remove = Object.keys(have).filter((name) => !Object.hasOwn(dc.issueFields!, name)).sort()
      if (Object.keys(set).length || remove.length) this.add({op: 'setIssueFields', id: `issue.fields:${url}`, deps, content, set, remove})
    }
  }

  // ---------------------------------------------------------------- issue relations

  /** Issues whose relations the plan may change: in scope, with content, present live or recreated. */
  private relationItems(): ItemPlan[] {
    return [...this.items.values()].filter(
      (ip) => ip.desired.content?.kind === 'Issue' && (!!ip.live?.content || this.isRecreated(ip)),
    )
  }

  private isRecreated(ip: ItemPlan): boolean {
    return this.opIds.has(`issue.create:${ip.desired.content?.url}`)
  }

  private ref(url: string): ContentRef {
    const ip = this.items.get(url)
    if (ip?.live?.content) return contentRef(ip.live.content)
    if (ip?.desired.content) {
      const r = contentRef(ip.desired.content)
      if (this.isRecreated(ip)) r.createdBy = `issue.create:${url}`
      return r
    }
    return contentRefFromUrl(url)
  }

  private subIssues(): void {
    const desired = new Map<string, [string, string]>()
    const live = new Map<string, [string, string]>()
    const edge = (m: Map<string, [string, string]>, p: string, c: string) => m.set(`${p} > ${c}`, [p, c])
    for (const ip of this.relationItems()) {
      const dc = ip.desired.content as IssueContent
      for (const s of dc.subIssues) edge(desired, dc.url, s)
      if (dc.parent) edge(desired, dc.parent, dc.url)
      const lc = ip.live?.content
      if (lc) {
        // live URLs are real ones; express them in desired keys where the item is matched (same URL for issues)
        for (const s of lc.subIssues) edge(live, lc.url, s)
        if (lc.parent) edge(live, lc.parent, lc.url)
      }
    }
    const removals = new Map<string, string[]>()
    for (const [k, [p, c]] of live) {
      if (desired.has(k)) continue
      const op = this.add({op: 'removeSubIssue', id: `subissue.remove:${k}`, deps: [], parent: this.ref(p), child: this.ref(c)})
      removals.set(c, [...(removals.get(c) ?? []), op.id])
    }
    const touched = new Map<string, string[]>()
    const note = (parent: string, id: string) => touched.set(parent, [...(touched.get(parent) ?? []), id])
    for (const [k, [p]] of live) if (!desired.has(k)) note(p, `subissue.remove:${k}`)
    const added = new Map<string, string[]>()
    for (const [k, [p, c]] of desired) {
      if (live.has(k)) continue
      const parent = this.ref(p)
      const child = this.ref(c)
      const deps = [...(removals.get(c) ?? []), ...(parent.createdBy ? [parent.createdBy] : []), ...(child.createdBy ? [child.createdBy] : [])]
      note(p, this.add({op: 'addSubIssue', id: `subissue.add:${k}`, deps, parent, child}).id)
      added.set(p, [...(added.get(p) ?? []), c])
    }
    this.subIssueOrder(desired, added, touched)
  }

  /**
   * Sub-issue order, with minimal moves: after the removals and additions (added sub-issues land last), the
   * sub-issues already in a longest increasing subsequence of the desired order stay; every other one moves right
   * after its desired predecessor (or before the current first one), in desired order (`reprioritizeSubIssue`).
   */
  private subIssueOrder(desired: Map<string, [string, string]>, added: Map<string, string[]>, touched: Map<string, string[]>): void {
    for (const ip of this.relationItems()) {
      const dc = ip.desired.content as IssueContent
      if (dc.subIssues.length < 2) continue
      const want = dc.subIssues.filter((c) => desired.has(`${dc.url} > ${c}`))
      const kept = (this.isRecreated(ip) ? [] : (ip.live?.content?.subIssues ?? [])).filter((c) => desired.has(`${dc.url} > ${c}`))
      const sim = [...kept, ...(added.get(dc.url) ?? [])]
      if (sim.length !== want.length || !want.every((c) => sim.includes(c))) continue
      const rank = new Map(want.map((c, i) => [c, i]))
      const stay = new Set(longestIncreasing(sim, (c) => rank.get(c) as number))
      const parent = this.ref(dc.url)
      let previous: string | undefined
      want.forEach((c, i) => {
        if (stay.has(c) || (i === 0 && sim[0] === c)) return
        const anchor = i > 0 ? want[i - 1] : sim[0]
        sim.splice(sim.indexOf(c), 1)
        sim.splice(i > 0 ? sim.indexOf(anchor) + 1 : 0, 0, c)
        const deps = [...(touched.get(dc.url) ?? []), ...(previous ? [previous] : []), ...(parent.createdBy ? [parent.createdBy] : [])]
        previous = this.add({
          op: 'reorderSubIssue',
          id: `subissue.order:${dc.url} > ${c}`,
          deps,
          parent,
          child: this.ref(c),
          after: i > 0 ? this.ref(anchor) : null,
          before: i > 0 ? null : this.ref(anchor),
        }).id
      })
    }
  }

  private blockedBy(): void {
    let unread = 0
    for (const ip of this.relationItems()) {
      const dc = ip.desired.content as IssueContent
      if (!dc.blockedBy) continue
      const have = this.isRecreated(ip) ? [] : ip.live?.content?.blockedBy
      if (!have) {
        if (dc.blockedBy.length) unread++
        continue
      }
      const want = dc.blockedBy
      const content = this.ref(dc.url)
      for (const b of have.filter((x) => !want.includes(x))) {
        this.add({op: 'removeBlockedBy', id: `blockedby.remove:${dc.url} < ${b}`, deps: [], content, blocker: this.ref(b)})
      }
      for (const b of want.filter((x) => !have.includes(x))) {
        const blocker = this.ref(b)
        const deps = [...(content.createdBy ? [content.createdBy] : []), ...(blocker.createdBy ? [blocker.createdBy] : [])]
        this.add({op: 'addBlockedBy', id: `blockedby.add:${dc.url} < ${b}`, deps, content, blocker})
      }
    }
    if (unread) {
      this.warn(`blocked-by dependencies of ${unread} issue(s) were not compared: the live capture did not read dependencies (capture with --dependencies=all)`)
    }
  }

  // ---------------------------------------------------------------- order

  /**
   * Minimal moves: the items already in the project keep their places when they belong to a longest increasing
   * subsequence of the desired order; every other item (and every added item) moves right after its desired
   * predecessor, in desired order, so each move lands next to an item already in place.
   */
  private order(): void {
    if (!this.desired.itemOrder) return
    const wanted = this.desired.itemOrder.filter((k) => {
      const ip = this.items.get(k)
      return ip && (ip.live || ip.createdBy)
    })
    if (wanted.length < 2 && wanted.every((k) => this.items.get(k)?.live)) return
    const rank = new Map(wanted.map((k, i) => [k, i]))
    const liveToDesired = new Map<string, string>()
    for (const k of wanted) {
      const lk = this.items.get(k)?.liveKey
      if (lk) liveToDesired.set(lk, k)
    }
    const liveOrder = this.live.itemOrder ?? Object.keys(this.live.items ?? {})
    const current = liveOrder.map((lk) => liveToDesired.get(lk)).filter((k): k is string => k !== undefined)
    const stay = new Set(longestIncreasing(current, (k) => rank.get(k) as number))
    let previousMove: string | undefined
    wanted.forEach((k, i) => {
      if (stay.has(k)) return
      const ip = this.items.get(k) as ItemPlan
      const prev = i > 0 ? (this.items.get(wanted[i - 1]) as ItemPlan) : undefined
      const deps = [
        ...(previousMove ? [previousMove] : []),
        ...(ip.createdBy ? [ip.createdBy] : []),
        ...(prev?.createdBy ? [prev.createdBy] : []),
      ]
      previousMove = this.add({op: 'moveItem', id: `item.move:${k}`, deps, item: ip.ref, after: prev ? prev.ref : null}).id
    })
  }
}

// ---------------------------------------------------------------- helpers

function orderedEntries(items: Record<string, ItemState>, order: string[] | undefined): Array<[string, ItemState]> {
  const seen = new Set<string>()
  const out: Array<[string, ItemState]> = []
  for (const k of order ?? []) {
    if (items[k] && !seen.has(k)) {
      seen.add(k)
      out.push([k, items[k]])
    }
  }
  for (const k of Object.keys(items).sort()) if (!seen.has(k)) out.push([k, items[k]])
  return out
}

function itemLabel(key: string, it: ItemState): string {
  if (it.content) return `${it.content.repository}#${it.content.number}`
  if (it.draft) return `draft "${it.draft.title}"`
  return key
}

function contentRef(c: IssueContent): ContentRef {
  return {url: c.url, kind: c.kind, repository: c.repository, number: c.number}
}

function contentRefFromUrl(url: string): ContentRef {
  const m = URL_RE.exec(url)
  if (!m) return {url, kind: 'Issue', repository: '', number: 0}
  return {url, kind: m[3].toLowerCase() === 'pull' ? 'PullRequest' : 'Issue', repository: m[2], number: Number(m[4])}
}
