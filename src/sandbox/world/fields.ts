/**
 * Project fields: created (custom types only, names unique per project), renamed, deleted (HAZARD: with every value
 * of them), and their options and iterations replaced (HAZARD: new ids orphan the values that pointed at old ones).
 */
import {LIMITS} from '../../github/defaults.js'
import {addDays, checkDate, fieldNodeType, isCustomField, unprocessable} from './checks.js'
import {ItemsModel} from './items.js'
import {
  BUILTIN_DATE_FIELD_TYPES,
  CUSTOM_FIELD_TYPES,
  OPTION_COLORS,
  type FieldDataType,
  type FieldRec,
  type IterationConfigRec,
  type IterationRec,
  type OptionColor,
  type OptionRec,
  type ProjectRec,
} from './store.js'

export interface OptionInput {
  /** updateProjectV2Field: the id of an existing option of the field, to keep its identity (and its values) */
  id?: string | null
  name: string
  description?: string | null
  color?: OptionColor | null
}

export interface IterationConfigInput {
  duration: number
  startDate: string
  iterations?: Array<{title: string; startDate: string; duration: number}>
}

export class FieldsModel extends ItemsModel {
  // ---------------------------------------------------------------- fields

  protected insertField(
    project: ProjectRec,
    name: string,
    dataType: FieldDataType,
    options: ReadonlyArray<OptionInput> | undefined,
    iteration: IterationConfigInput | undefined,
    keepOptionIds = false,
  ): FieldRec {
    const field: FieldRec = {...this.base(fieldNodeType(dataType)), projectId: project.id, name, dataType}
    if (dataType === 'SINGLE_SELECT') field.options = this.buildOptions(options ?? [], keepOptionIds)
    if (dataType === 'ITERATION') field.iteration = this.buildIterations(iteration ?? {duration: 14, startDate: this.today()})
    this.store.fields[field.id] = field
    project.fieldIds.push(field.id)
    return field
  }

  /** createProjectV2Field: only DATE, ITERATION, NUMBER, SINGLE_SELECT and TEXT; names unique per project. */
  addField(
    project: ProjectRec,
    input: {
      name: string
      dataType: FieldDataType
      options?: ReadonlyArray<OptionInput> | null
      iteration?: IterationConfigInput | null
      /** seeds only: keep the option ids given (createProjectV2Field ignores them: a new field's options are new) */
      keepOptionIds?: boolean
    },
  ): FieldRec {
    if (!CUSTOM_FIELD_TYPES.includes(input.dataType)) {
      throw unprocessable(`Fields of type ${input.dataType} cannot be created; only ${CUSTOM_FIELD_TYPES.join(', ')} can.`)
    }
    this.assertFieldName(project, input.name)
    if (project.fieldIds.length >= LIMITS.fieldsPerProject) throw unprocessable(`Projects can have at most ${LIMITS.fieldsPerProject} fields.`)
    if (input.dataType === 'SINGLE_SELECT' && !input.options?.length) {
      throw unprocessable('Single select fields must have at least one option (singleSelectOptions).')
    }
    if (input.options && input.dataType !== 'SINGLE_SELECT') throw unprocessable('singleSelectOptions can only be given for SINGLE_SELECT fields.')
    if (input.iteration && input.dataType !== 'ITERATION') throw unprocessable('iterationConfiguration can only be given for ITERATION fields.')
    return this.insertField(project, input.name, input.dataType, input.options ?? undefined, input.iteration ?? undefined, input.keepOptionIds ?? false)
  }

  /** A built-in, read-only CREATED / UPDATED / CLOSED field (no API creates them; seeds declare them). */
  addBuiltinDateField(project: ProjectRec, input: {name: string; dataType: FieldDataType}): FieldRec {
    if (!BUILTIN_DATE_FIELD_TYPES.includes(input.dataType)) {
      throw unprocessable(`Only ${BUILTIN_DATE_FIELD_TYPES.join(', ')} are built-in date fields.`)
    }
    if (this.fields(project).some((f) => f.dataType === input.dataType)) throw unprocessable(`The project already has a ${input.dataType} field.`)
    this.assertFieldName(project, input.name)
    return this.insertField(project, input.name, input.dataType, undefined, undefined)
  }

  private assertFieldName(project: ProjectRec, name: string, except?: FieldRec): void {
    if (!name.trim()) throw unprocessable("Name can't be blank")
    const clash = this.fields(project).find((f) => f !== except && f.name.toLowerCase() === name.toLowerCase())
    if (clash) throw unprocessable('Name has already been taken')
  }

  renameField(field: FieldRec, name: string): void {
    if (!isCustomField(field)) throw unprocessable(`The built-in field ${field.name} cannot be renamed.`)
    this.assertFieldName(this.store.projects[field.projectId], name, field)
    field.name = name
    this.touch(field)
  }

  /** Options as given; `keepIds`: an input's id is kept (checked by the caller), else every option gets a new id. */
  private buildOptions(inputs: ReadonlyArray<OptionInput>, keepIds = false): OptionRec[] {
    if (inputs.length > LIMITS.optionsPerField) throw unprocessable(`A field can have at most ${LIMITS.optionsPerField} options.`)
    const seen = new Set<string>()
    const ids = new Set<string>()
    return inputs.map((o) => {
      if (keepIds && o.id) {
        if (ids.has(o.id)) throw unprocessable(`Option id '${o.id}' appears twice.`)
        ids.add(o.id)
      }
      if (!o.name.trim()) throw unprocessable("Option name can't be blank")
      if (seen.has(o.name)) throw unprocessable(`Option names must be unique: '${o.name}' appears twice.`)
      seen.add(o.name)
      const color = o.color ?? 'GRAY'
      if (!OPTION_COLORS.includes(color)) throw unprocessable(`Option color ${color} is not one of ${OPTION_COLORS.join(', ')}.`)
      return {id: keepIds && o.id ? o.id : this.ids.hex(), name: o.name, description: o.description ?? '', color}
    })
  }

  buildIterations(input: IterationConfigInput): IterationConfigRec {
    checkDate(input.startDate, 'startDate')
    if (!Number.isInteger(input.duration) || input.duration < 1) throw unprocessable('Iteration duration must be a positive number of days.')
    const given = input.iterations ?? []
    const iterations: IterationRec[] = given.length
      ? given.map((it) => {
          checkDate(it.startDate, 'Iteration startDate')
          if (!it.title.trim()) throw unprocessable("Iteration title can't be blank")
          return {id: this.ids.hex(), title: it.title, startDate: it.startDate, duration: it.duration}
        })
      : [0, 1, 2].map((i) => ({
          id: this.ids.hex(),
          title: `Iteration ${i + 1}`,
          startDate: addDays(input.startDate, i * input.duration),
          duration: input.duration,
        }))
    iterations.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0))
    return {duration: input.duration, startDay: new Date(`${input.startDate}T00:00:00Z`).getUTCDay(), iterations}
  }

  /**
   * updateProjectV2Field with singleSelectOptions (GitHub since 2026-04-22): the list given becomes the field's list.
   * - an option sent WITH the id of one of the field's options keeps that id, and every value pointing at it stays
   *   (its name, colour and description are updated);
   * - HAZARD (GitHub's): an option sent WITHOUT id is a new option with a new id, even with an unchanged name, and
   *   every option not in the list is removed: item values that pointed at a removed option are orphaned;
   * - an empty list is ignored ("Empty input is ignored");
   * - an id that is not an option of this field is refused (nothing changes): identity cannot move between fields.
   * `anyIds` (seeds only) accepts ids the field does not have yet.
   */
  replaceOptions(field: FieldRec, inputs: ReadonlyArray<OptionInput>, anyIds = false): void {
    if (field.dataType !== 'SINGLE_SELECT') throw unprocessable(`Field ${field.name} is not a single select field.`)
    if (!inputs.length) return
    const existing = new Set((field.options ?? []).map((o) => o.id))
    for (const o of inputs) {
      if (o.id === undefined || o.id === null || anyIds) continue
      if (!existing.has(o.id)) throw unprocessable(`Option id '${o.id}' is not an option of field ${field.name}.`)
    }
    field.options = this.buildOptions(inputs, true)
    this.pruneValues(field)
    this.touch(field)
  }

  /** HAZARD (GitHub's): a replaced iteration configuration re-ids every iteration; values pointing at old ones are orphaned. */
  replaceIterations(field: FieldRec, input: IterationConfigInput): void {
    if (field.dataType !== 'ITERATION') throw unprocessable(`Field ${field.name} is not an iteration field.`)
    // "Empty input is ignored": no iterations given leaves the configuration as it is (iterations carry no ids)
    if (input.iterations && !input.iterations.length) return
    field.iteration = this.buildIterations(input)
    this.pruneValues(field)
    this.touch(field)
  }

  /** Drops values of `field` that no longer point at an existing option / iteration. */
  private pruneValues(field: FieldRec): void {
    const live = new Set([...(field.options ?? []).map((o) => o.id), ...(field.iteration?.iterations ?? []).map((i) => i.id)])
    for (const item of this.items(this.store.projects[field.projectId])) {
      const value = item.values[field.id]
      if (!value) continue
      const ref = value.optionId ?? value.iterationId
      if (ref !== undefined && !live.has(ref)) this.dropValue(item, field.id)
    }
  }

  /** HAZARD (GitHub's): the field goes, and with it every item's value of it. */
  deleteField(field: FieldRec): void {
    if (!isCustomField(field)) throw unprocessable(`The built-in field ${field.name} cannot be deleted.`)
    const project = this.store.projects[field.projectId]
    for (const item of this.items(project)) if (item.values[field.id]) this.dropValue(item, field.id)
    project.fieldIds = project.fieldIds.filter((id) => id !== field.id)
    for (const id of project.viewIds) {
      const v = this.store.views[id]
      v.visibleFieldIds = v.visibleFieldIds.filter((f) => f !== field.id)
      v.groupByFieldIds = v.groupByFieldIds.filter((f) => f !== field.id)
      v.verticalGroupByFieldIds = v.verticalGroupByFieldIds.filter((f) => f !== field.id)
      v.sortBy = v.sortBy.filter((s) => s.fieldId !== field.id)
    }
    delete this.store.fields[field.id]
    this.touch(project)
  }
}
