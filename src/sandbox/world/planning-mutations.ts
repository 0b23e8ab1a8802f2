/**
 * Mutations of GitHub's planning features (src/sandbox/world/planning.ts): issue types, issue fields, dependencies,
 * sub-issue order, the template flag's inverse. mutationRoot spreads them into its resolvers.
 */
import {SandboxError} from '../errors.js'
import {nodeNotFound, unprocessable, type Model} from './model.js'
import {Planning} from './planning.js'
import {PlanningReader} from './planning-read.js'
import type {Reader} from './read.js'
import type {IssueRec, OrgRec, ProjectRec} from './store.js'

type Args = Record<string, any>
type Obj = Record<string, unknown>

export interface MutationContext {
  model: Model
  reader: Reader
  payload: (typeName: string, input: Args, fields: Obj) => unknown
  editableIssue: (id: string, ...types: Array<'Issue' | 'PullRequest'>) => IssueRec
  writableProject: (id: string, admin?: boolean) => ProjectRec
  forbidden: (what: string) => SandboxError
}

export function planningMutations(ctx: MutationContext): Record<string, (args: Args) => unknown> {
  const {model, reader, payload, editableIssue, writableProject, forbidden} = ctx
  const planning = new Planning(model)
  const view = new PlanningReader(reader)

  /** An organization whose settings the viewer administers (issue types and fields are organization settings). */
  const adminOrg = (id: string, what: string): OrgRec => {
    const org = model.expect(id, 'Organization').rec
    const role = reader.me ? org.members[reader.me.id] : undefined
    if (role !== 'ADMIN') throw forbidden(`manage ${what} of ${org.login}`)
    return org
  }

  const anIssue = (id: string): IssueRec => {
    const issue = model.expect(id, 'Issue').rec
    if (!reader.canReadRepo(model.store.repos[issue.repoId])) throw nodeNotFound(id)
    return issue
  }

  return {
    createIssueType: ({input}) => {
      const rec = planning.addIssueType(adminOrg(input.ownerId, 'issue types'), input)
      return payload('CreateIssueTypePayload', input, {issueType: () => view.issueType(rec)})
    },

    updateIssueType: ({input}) => {
      const rec = planning.expectType(input.issueTypeId)
      adminOrg(rec.orgId, 'issue types')
      planning.updateIssueType(rec, input)
      return payload('UpdateIssueTypePayload', input, {issueType: () => view.issueType(rec)})
    },

    deleteIssueType: ({input}) => {
      const rec = planning.expectType(input.issueTypeId)
      adminOrg(rec.orgId, 'issue types')
      planning.deleteIssueType(rec)
      return payload('DeleteIssueTypePayload', input, {deletedIssueTypeId: rec.id})
    },

    updateIssueIssueType: ({input}) => {
      const issue = editableIssue(input.issueId, 'Issue')
      planning.setIssueType(issue, input.issueTypeId ?? null)
      return payload('UpdateIssueIssueTypePayload', input, {issue: () => reader.issue(issue)})
    },

    createIssueField: ({input}) => {
      const rec = planning.addIssueField(adminOrg(input.ownerId, 'issue fields'), {
        name: input.name,
        dataType: input.dataType,
        description: input.description ?? null,
        visibility: input.visibility ?? null,
        options: input.options ?? null,
      })
      return payload('CreateIssueFieldPayload', input, {issueField: () => view.issueField(rec)})
    },

    setIssueFieldValue: ({input}) => {
      const issue = editableIssue(input.issueId, 'Issue')
      planning.setIssueFieldValues(issue, input.issueFields ?? [])
      const org = planning.orgOfIssue(issue)
      const touched = (input.issueFields ?? []).map((f: Args) => planning.issueFields[f.fieldId]).filter(Boolean)
      return payload('SetIssueFieldValuePayload', input, {
        issue: () => reader.issue(issue),
        issueFieldValues: () => (org ? touched.map((f: any) => view.issueFieldValue(issue, f)).filter(Boolean) : []),
      })
    },

    createProjectV2IssueField: ({input}) => {
      const project = writableProject(input.projectId)
      const field = planning.addProjectIssueField(project, planning.expectIssueField(input.issueFieldId))
      return payload('CreateProjectV2IssueFieldPayload', input, {projectV2Field: () => reader.field(field)})
    },

    addBlockedBy: ({input}) => {
      const issue = editableIssue(input.issueId, 'Issue')
      const blocker = anIssue(input.blockingIssueId)
      planning.addBlockedBy(issue, blocker)
      return payload('AddBlockedByPayload', input, {issue: () => reader.issue(issue), blockingIssue: () => reader.issue(blocker)})
    },

    removeBlockedBy: ({input}) => {
      const issue = editableIssue(input.issueId, 'Issue')
      const blocker = anIssue(input.blockingIssueId)
      model.removeBlockedBy(issue, blocker)
      return payload('RemoveBlockedByPayload', input, {issue: () => reader.issue(issue), blockingIssue: () => reader.issue(blocker)})
    },

    reprioritizeSubIssue: ({input}) => {
      const parent = editableIssue(input.issueId, 'Issue')
      const sub = anIssue(input.subIssueId)
      planning.reprioritize(parent, sub, input.afterId ?? null, input.beforeId ?? null)
      return payload('ReprioritizeSubIssuePayload', input, {issue: () => reader.issue(parent)})
    },

    unmarkProjectV2AsTemplate: ({input}) => {
      const project = writableProject(input.projectId, true)
      if (!project.template) throw unprocessable('The project is not a template.')
      project.template = false
      model.touch(project)
      return payload('UnmarkProjectV2AsTemplatePayload', input, {projectV2: () => reader.project(project)})
    },
  }
}
