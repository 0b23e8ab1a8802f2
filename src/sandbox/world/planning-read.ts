/**
 * The read side of src/sandbox/world/planning.ts: issue types, issue fields and their values, dependencies, as
 * GitHub's GraphQL types present them. The Reader spreads these into its Issue, Organization, Repository and
 * ProjectV2Item values.
 */
import type {GraphQLResolveInfo} from 'graphql'
import {connection, ordered, present} from './present.js'
import {Planning, issueFieldTypeName} from './planning.js'
import type {Model} from './model.js'
import type {FieldRec, IssueFieldRec, IssueRec, IssueTypeRec, ItemRec, OrgRec, RepoRec} from './store.js'

type Args = Record<string, any>
type Obj = Record<string, unknown>

const byNameOrCreated = (rec: {name: string; createdAt: string}, field: string) => (field === 'NAME' ? rec.name.toLowerCase() : rec.createdAt)

/**
 * The part of the Reader (src/sandbox/world/read.ts) these values need: declared here so that this module does not
 * import read.ts, which imports it.
 */
export interface ReaderPart {
  readonly model: Model
  canReadRepo(repo: RepoRec): boolean
  issue(rec: IssueRec): Obj
  field(rec: FieldRec): Obj
}

export class PlanningReader {
  readonly p: Planning

  constructor(readonly r: ReaderPart) {
    this.p = new Planning(r.model)
  }

  issueType(rec: IssueTypeRec): Obj {
    return present('IssueType', {
      id: rec.id,
      name: rec.name,
      description: rec.description,
      color: rec.color,
      isEnabled: rec.isEnabled,
      isPrivate: false,
      pinnedFields: () => null,
      issues: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const repo = this.r.model.store.repos[String(a.repositoryId)]
        const list = repo && this.r.canReadRepo(repo)
          ? Object.values(repo.numbers).map((id) => this.r.model.store.issues[id]).filter((i) => i?.issueTypeId === rec.id && (!a.states || a.states.includes(i.state)))
          : []
        return connection(list, a, info, (i) => this.r.issue(i))
      },
    })
  }

  issueField(rec: IssueFieldRec): Obj {
    const common: Obj = {
      id: rec.id,
      fullDatabaseId: String(rec.databaseId),
      name: rec.name,
      description: rec.description,
      dataType: rec.dataType,
      visibility: rec.visibility,
      createdAt: rec.createdAt,
    }
    if (rec.dataType === 'SINGLE_SELECT') {
      common.options = (rec.options ?? []).map((o) =>
        present('IssueFieldSingleSelectOption', {
          id: o.id,
          databaseId: o.databaseId,
          fullDatabaseId: String(o.databaseId),
          name: o.name,
          description: o.description,
          color: o.color,
          priority: o.priority,
        }),
      )
    }
    return present(issueFieldTypeName(rec), common)
  }

  /** The value of one issue field on one issue as `IssueFieldValue`, or null. */
  issueFieldValue(issue: IssueRec, field: IssueFieldRec): Obj | null {
    const v = issue.issueFieldValues?.[field.id]
    if (!v) return null
    const id = `IFV_${Buffer.from(`${issue.databaseId}:${field.databaseId}`).toString('base64url')}`
    const common = {id, field: () => this.issueField(field)}
    switch (field.dataType) {
      case 'TEXT':
        return v.text === undefined ? null : present('IssueFieldTextValue', {...common, value: v.text})
      case 'NUMBER':
        return v.number === undefined ? null : present('IssueFieldNumberValue', {...common, value: v.number})
      case 'DATE':
        return v.date === undefined ? null : present('IssueFieldDateValue', {...common, value: v.date})
      case 'SINGLE_SELECT': {
        const o = field.options?.find((x) => x.id === v.optionId)
        if (!o) return null
        return present('IssueFieldSingleSelectValue', {
          ...common,
          optionId: o.id,
          name: o.name,
          value: o.name,
          description: o.description,
          color: o.color,
        })
      }
    }
  }

  /** Fields for the Issue type. */
  issueExtras(rec: IssueRec): Obj {
    const p = this.p
    const visible = (list: IssueRec[]) => list.filter((i) => this.r.canReadRepo(this.r.model.store.repos[i.repoId]))
    const dependencyOrder = (list: IssueRec[], a: Args) => {
      // list is in DEPENDENCY_ADDED_AT DESC order; CREATED_AT sorts by the issues' creation
      const order = a.orderBy ?? {field: 'DEPENDENCY_ADDED_AT', direction: 'DESC'}
      if (order.field === 'CREATED_AT') return ordered(list, order, (i) => i.createdAt)
      return order.direction === 'ASC' ? [...list].reverse() : list
    }
    const blockedBy = () => visible(p.blockedBy(rec))
    const blocking = () => visible(this.r.model.blocking(rec))
    const org = p.orgOfIssue(rec)
    return {
      issueType: () => {
        const t = p.typeOfIssue(rec)
        return t ? this.issueType(t) : null
      },
      blockedBy: (a: Args, _c: unknown, info: GraphQLResolveInfo) => connection(dependencyOrder(blockedBy(), a), a, info, (i) => this.r.issue(i)),
      blocking: (a: Args, _c: unknown, info: GraphQLResolveInfo) => connection(dependencyOrder(blocking(), a), a, info, (i) => this.r.issue(i)),
      issueDependenciesSummary: () => {
        // each count only when asked: `blocking` scans every issue (an incremental capture's light pass asks
        // `totalBlockedBy` of every issue of a project)
        let by: IssueRec[] | undefined
        let ing: IssueRec[] | undefined
        const blockers = () => (by ??= blockedBy())
        const blocked = () => (ing ??= blocking())
        return present('IssueDependenciesSummary', {
          blockedBy: () => blockers().filter((i) => i.state === 'OPEN').length,
          blocking: () => blocked().filter((i) => i.state === 'OPEN').length,
          totalBlockedBy: () => blockers().length,
          totalBlocking: () => blocked().length,
        })
      },
      issueFieldValues: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        if (!org) return null
        const list = p
          .fieldsOf(org.id)
          .map((f) => this.issueFieldValue(rec, f))
          .filter((v): v is Obj => v !== null)
        return connection(list, a, info, (v) => v)
      },
    }
  }

  /** Fields for the Organization type. */
  orgExtras(rec: OrgRec): Obj {
    return {
      issueTypes: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(ordered(this.p.typesOf(rec.id), a.orderBy ?? {field: 'CREATED_AT', direction: 'ASC'}, byNameOrCreated), a, info, (t) => this.issueType(t)),
      issueFields: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(ordered(this.p.fieldsOf(rec.id), a.orderBy ?? {field: 'CREATED_AT', direction: 'ASC'}, byNameOrCreated), a, info, (f) => this.issueField(f)),
    }
  }

  /** Fields for the Repository type: an organization's repositories have its issue types and fields, a user's none. */
  repoExtras(rec: RepoRec): Obj {
    const org = this.r.model.store.orgs[rec.ownerId]
    const enabled = () => (org ? this.p.typesOf(org.id).filter((t) => t.isEnabled) : [])
    return {
      issueTypes: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        org ? connection(ordered(enabled(), a.orderBy ?? {field: 'CREATED_AT', direction: 'ASC'}, byNameOrCreated), a, info, (t) => this.issueType(t)) : null,
      issueType: (a: Args) => {
        const t = enabled().find((x) => x.name.toLowerCase() === String(a.name).toLowerCase())
        return t ? this.issueType(t) : null
      },
      issueFields: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        org ? connection(ordered(this.p.fieldsOf(org.id), a.orderBy ?? {field: 'CREATED_AT', direction: 'ASC'}, byNameOrCreated), a, info, (f) => this.issueField(f)) : null,
    }
  }

  /** A project field showing an issue field: the item's value as `ProjectV2ItemIssueFieldValue`, or null. */
  itemIssueFieldValue(item: ItemRec, field: FieldRec): Obj | null {
    const issueField = field.issueFieldId ? this.p.issueFields[field.issueFieldId] : undefined
    const issue = item.type === 'ISSUE' ? this.r.model.store.issues[item.contentId] : undefined
    if (!issueField || !issue) return null
    const value = this.issueFieldValue(issue, issueField)
    if (!value) return null
    return present('ProjectV2ItemIssueFieldValue', {field: () => this.r.field(field), issueFieldValue: value})
  }
}
