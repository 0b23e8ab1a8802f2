/**
 * GraphQL mutations with GitHub's input and payload shapes (`clientMutationId` echoed). Each resolver checks
 * permissions and ids, then calls one `Model` operation; the hazards (option and iteration re-ids, values deleted
 * with fields and items, drafts lost with their item) live in the model.
 */
import type {GraphQLResolveInfo} from 'graphql'
import {SandboxError} from '../errors.js'
import {ARCHIVED_ITEM_MESSAGE, nodeNotFound, unprocessable, type Model} from './model.js'
import {connection, present} from './present.js'
import {Planning, clearBuiltinValue} from './planning.js'
import {planningMutations} from './planning-mutations.js'
import type {Reader} from './read.js'
import type {FieldDataType, IssueRec, ItemRec, ProjectRec, ProjectRole, RepoRec, StateReason} from './store.js'

type Args = Record<string, any>
type Obj = Record<string, unknown>
type Resolver = (args: Args, context: unknown, info: GraphQLResolveInfo) => unknown

/** Mutations that create content: they count toward GitHub's 80/minute and 500/hour content-creation limits. */
export const CONTENT_CREATING = new Set([
  'createIssue',
  'createRepository',
  'createLabel',
  'createProjectV2',
  'copyProjectV2',
  'addProjectV2DraftIssue',
  'createProjectV2StatusUpdate',
])

export function mutationRoot(model: Model, reader: Reader): Obj {
  const s = model.store
  const login = reader.viewer.login
  const me = () => reader.viewerUser()

  const forbidden = (what: string) => new SandboxError('FORBIDDEN', `${login} does not have permission to ${what}.`)

  const payload = (typeName: string, input: Args, fields: Obj) =>
    present(typeName, {clientMutationId: input.clientMutationId ?? null, ...fields})

  /** A project the viewer can see (NOT_FOUND otherwise) and write (FORBIDDEN otherwise). */
  const writableProject = (id: string, admin = false): ProjectRec => {
    const project = model.expect(id, 'ProjectV2').rec
    if (!reader.canReadProject(project)) throw nodeNotFound(id)
    if (admin ? !reader.canAdminProject(project) : !reader.canWriteProject(project)) {
      throw forbidden(admin ? 'administer this project' : 'update this project')
    }
    return project
  }

  const itemOf = (project: ProjectRec, id: string): ItemRec => {
    const item = model.expect(id, 'ProjectV2Item').rec
    if (item.projectId !== project.id) throw unprocessable('The item does not belong to the project.')
    return item
  }

  /** GitHub refuses changes to an archived item's values and draft: unarchive it first. */
  const notArchived = (item: ItemRec): ItemRec => {
    if (item.archived) throw unprocessable(ARCHIVED_ITEM_MESSAGE)
    return item
  }

  const fieldOf = (project: ProjectRec, id: string) => {
    const field = model.expect(id, 'ProjectV2Field', 'ProjectV2SingleSelectField', 'ProjectV2IterationField').rec
    if (field.projectId !== project.id) throw unprocessable('The field does not belong to the project.')
    return field
  }

  const readableRepo = (id: string): RepoRec => {
    const repo = model.expect(id, 'Repository').rec
    if (!reader.canReadRepo(repo)) throw nodeNotFound(id)
    return repo
  }

  const writableRepo = (id: string): RepoRec => {
    const repo = readableRepo(id)
    if (!reader.canWriteRepo(repo)) throw forbidden(`update ${model.repoFullName(repo)}`)
    return repo
  }

  /** An issue or pull request the viewer may edit (repository writers and the author). */
  const editableIssue = (id: string, ...types: Array<'Issue' | 'PullRequest'>): IssueRec => {
    const issue = model.expect(id, ...(types.length ? types : (['Issue', 'PullRequest'] as const))).rec
    const repo = s.repos[issue.repoId]
    if (!reader.canReadRepo(repo)) throw nodeNotFound(id)
    if (!reader.canWriteRepo(repo) && issue.authorId !== reader.me?.id) throw forbidden(`update ${model.issueUrl(issue)}`)
    return issue
  }

  const labelIdsFor = (repo: RepoRec, ids: string[]) =>
    ids.map((id) => {
      const label = model.expect(id, 'Label').rec
      if (label.repoId !== repo.id) throw unprocessable(`Label ${id} does not belong to ${model.repoFullName(repo)}.`)
      return label.id
    })

  const userIds = (ids: string[]) => ids.map((id) => model.expect(id, 'User').rec.id)

  const milestoneFor = (repo: RepoRec, id: string | null | undefined) => {
    if (!id) return null
    const ms = model.expect(id, 'Milestone').rec
    if (ms.repoId !== repo.id) throw unprocessable(`Milestone ${id} does not belong to ${model.repoFullName(repo)}.`)
    return ms.id
  }

  /** The owner a new project or repository goes to: the viewer, or an organisation the viewer is a member of. */
  const ownerForCreate = (id: string | null | undefined, what: string): string => {
    const ownerId = id ?? me().id
    const owner = model.owner(ownerId)
    if (!owner) throw nodeNotFound(ownerId)
    if (owner.type === 'User' ? owner.rec.id !== me().id : !owner.rec.members[me().id]) {
      throw forbidden(`create ${what} for ${owner.rec.login}`)
    }
    return ownerId
  }

  const resolvers: Record<string, Resolver> = {
    // ------------------------------------------------------------ repositories and issues
    createRepository: ({input}) => {
      const ownerId = ownerForCreate(input.ownerId, 'repositories')
      const repo = model.addRepo(ownerId, {
        name: input.name,
        visibility: input.visibility,
        description: input.description ?? null,
        hasIssuesEnabled: input.hasIssuesEnabled ?? true,
        defaultLabels: true,
      })
      if (input.teamId) model.expect(input.teamId, 'Team')
      return payload('CreateRepositoryPayload', input, {repository: () => reader.repo(repo)})
    },

    createIssue: ({input}) => {
      const repo = readableRepo(input.repositoryId)
      const writer = reader.canWriteRepo(repo)
      const issue = model.addIssue(repo, {
        title: input.title,
        body: input.body ?? '',
        authorId: me().id,
        labelIds: writer ? labelIdsFor(repo, input.labelIds ?? []) : [],
        assigneeIds: writer ? userIds(input.assigneeIds ?? []) : [],
        milestoneId: writer ? milestoneFor(repo, input.milestoneId) : null,
      })
      // issue type and issue fields: only writers set them, as for labels (GitHub drops them silently otherwise)
      if (writer && input.issueTypeId) new Planning(model).setIssueType(issue, input.issueTypeId)
      if (writer && input.issueFields?.length) new Planning(model).setIssueFieldValues(issue, input.issueFields)
      if (input.parentIssueId) model.addSubIssue(editableIssue(input.parentIssueId, 'Issue'), issue)
      for (const projectId of input.projectIds ?? []) model.addItem(writableProject(projectId), issue, me().id)
      return payload('CreateIssuePayload', input, {issue: () => reader.issue(issue)})
    },

    updateIssue: ({input}) => {
      const issue = editableIssue(input.id, 'Issue')
      const repo = s.repos[issue.repoId]
      if (input.projectIds) throw new SandboxError('INTERNAL', 'sandbox does not implement UpdateIssueInput.projectIds')
      if (input.title !== undefined && input.title !== null) {
        if (!String(input.title).trim()) throw unprocessable("Title can't be blank")
        issue.title = input.title
      }
      if (input.body !== undefined && input.body !== null) issue.body = input.body
      if (input.labelIds) issue.labelIds = [...new Set(labelIdsFor(repo, input.labelIds))]
      if (input.assigneeIds) issue.assigneeIds = [...new Set(userIds(input.assigneeIds))]
      if (input.milestoneId !== undefined) issue.milestoneId = milestoneFor(repo, input.milestoneId)
      if (input.issueTypeId !== undefined) new Planning(model).setIssueType(issue, input.issueTypeId)
      if (input.state === 'CLOSED' && issue.state === 'OPEN') model.closeIssue(issue, 'COMPLETED')
      if (input.state === 'OPEN' && issue.state !== 'OPEN') model.reopenIssue(issue)
      model.touch(issue)
      return payload('UpdateIssuePayload', input, {issue: () => reader.issue(issue), actor: () => reader.user(me())})
    },

    /** GitHub's updatePullRequest, without the branch and maintainer settings (the sandbox has no git refs). */
    updatePullRequest: ({input}) => {
      const pr = editableIssue(input.pullRequestId, 'PullRequest')
      const repo = s.repos[pr.repoId]
      if (input.projectIds || input.baseRefName) throw new SandboxError('INTERNAL', 'sandbox does not implement UpdatePullRequestInput.projectIds/baseRefName')
      if (input.title !== undefined && input.title !== null) {
        if (!String(input.title).trim()) throw unprocessable("Title can't be blank")
        pr.title = input.title
      }
      if (input.body !== undefined && input.body !== null) pr.body = input.body
      if (input.labelIds) pr.labelIds = [...new Set(labelIdsFor(repo, input.labelIds))]
      if (input.assigneeIds) pr.assigneeIds = [...new Set(userIds(input.assigneeIds))]
      if (input.milestoneId !== undefined) pr.milestoneId = milestoneFor(repo, input.milestoneId)
      if (input.state === 'CLOSED' && pr.state === 'OPEN') model.closeIssue(pr, null)
      if (input.state === 'OPEN' && pr.state === 'CLOSED') model.reopenIssue(pr)
      model.touch(pr)
      return payload('UpdatePullRequestPayload', input, {pullRequest: () => reader.issue(pr), actor: () => reader.user(me())})
    },

    closeIssue: ({input}) => {
      const issue = editableIssue(input.issueId, 'Issue')
      let reason: StateReason = input.stateReason ?? 'COMPLETED'
      if (input.duplicateIssueId) {
        model.expect(input.duplicateIssueId, 'Issue')
        reason = 'DUPLICATE'
      }
      model.closeIssue(issue, reason)
      return payload('CloseIssuePayload', input, {issue: () => reader.issue(issue)})
    },

    reopenIssue: ({input}) => {
      const issue = editableIssue(input.issueId, 'Issue')
      model.reopenIssue(issue)
      return payload('ReopenIssuePayload', input, {issue: () => reader.issue(issue)})
    },

    createLabel: ({input}) => {
      const repo = writableRepo(input.repositoryId)
      const label = model.addLabel(repo, {name: input.name, color: input.color, description: input.description ?? null})
      return payload('CreateLabelPayload', input, {label: () => reader.label(label)})
    },

    addLabelsToLabelable: ({input}) => {
      const issue = editableIssue(input.labelableId)
      const ids = labelIdsFor(s.repos[issue.repoId], input.labelIds)
      issue.labelIds = [...new Set([...issue.labelIds, ...ids])]
      model.touch(issue)
      return payload('AddLabelsToLabelablePayload', input, {labelable: () => reader.issue(issue)})
    },

    removeLabelsFromLabelable: ({input}) => {
      const issue = editableIssue(input.labelableId)
      const drop = new Set(labelIdsFor(s.repos[issue.repoId], input.labelIds))
      issue.labelIds = issue.labelIds.filter((id) => !drop.has(id))
      model.touch(issue)
      return payload('RemoveLabelsFromLabelablePayload', input, {labelable: () => reader.issue(issue)})
    },

    addAssigneesToAssignable: ({input}) => {
      const issue = editableIssue(input.assignableId)
      const assignees = [...new Set([...issue.assigneeIds, ...userIds(input.assigneeIds)])]
      // refused calls change nothing, as on GitHub
      if (assignees.length > 10) throw unprocessable('An issue can have at most 10 assignees.')
      issue.assigneeIds = assignees
      model.touch(issue)
      return payload('AddAssigneesToAssignablePayload', input, {assignable: () => reader.issue(issue)})
    },

    removeAssigneesFromAssignable: ({input}) => {
      const issue = editableIssue(input.assignableId)
      const drop = new Set(userIds(input.assigneeIds))
      issue.assigneeIds = issue.assigneeIds.filter((id) => !drop.has(id))
      model.touch(issue)
      return payload('RemoveAssigneesFromAssignablePayload', input, {assignable: () => reader.issue(issue)})
    },

    addSubIssue: ({input}) => {
      const parent = editableIssue(input.issueId, 'Issue')
      let sub: IssueRec | undefined
      if (input.subIssueId) sub = model.expect(input.subIssueId, 'Issue').rec
      else if (input.subIssueUrl) {
        const match = /^https?:\/\/[^/]+\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(String(input.subIssueUrl))
        const repo = match ? model.repoOf(match[1], match[2]) : undefined
        sub = repo ? model.issueOf(repo, Number(match![3])) : undefined
        if (!sub || sub.kind !== 'Issue') throw new SandboxError('NOT_FOUND', `Could not resolve to an Issue with the URL of '${input.subIssueUrl}'.`)
      } else throw unprocessable('Either subIssueId or subIssueUrl must be given.')
      if (!reader.canReadRepo(s.repos[sub.repoId])) throw nodeNotFound(input.subIssueId ?? input.subIssueUrl)
      model.addSubIssue(parent, sub, input.replaceParent ?? false)
      const child = sub
      return payload('AddSubIssuePayload', input, {issue: () => reader.issue(parent), subIssue: () => reader.issue(child)})
    },

    removeSubIssue: ({input}) => {
      const parent = editableIssue(input.issueId, 'Issue')
      const sub = model.expect(input.subIssueId, 'Issue').rec
      model.removeSubIssue(parent, sub)
      return payload('RemoveSubIssuePayload', input, {issue: () => reader.issue(parent), subIssue: () => reader.issue(sub)})
    },

    // ------------------------------------------------------------ projects
    createProjectV2: ({input}) => {
      const ownerId = ownerForCreate(input.ownerId, 'projects')
      const project = model.addProject(ownerId, {title: input.title, creatorId: me().id})
      if (input.repositoryId) linkRepo(project, input.repositoryId)
      if (input.teamId) linkTeam(project, input.teamId)
      return payload('CreateProjectV2Payload', input, {projectV2: () => reader.project(project)})
    },

    updateProjectV2: ({input}) => {
      const project = writableProject(input.projectId, true)
      if (input.title !== undefined && input.title !== null) {
        if (!String(input.title).trim()) throw unprocessable("Title can't be blank")
        project.title = input.title
      }
      if (input.shortDescription !== undefined) project.shortDescription = input.shortDescription
      if (input.readme !== undefined) project.readme = input.readme
      if (input.public !== undefined && input.public !== null) project.public = input.public
      if (input.closed !== undefined && input.closed !== null && input.closed !== project.closed) {
        project.closed = input.closed
        project.closedAt = input.closed ? model.timestamp() : null
      }
      model.touch(project)
      return payload('UpdateProjectV2Payload', input, {projectV2: () => reader.project(project)})
    },

    copyProjectV2: ({input}) => {
      const source = model.expect(input.projectId, 'ProjectV2').rec
      if (!reader.canReadProject(source)) throw nodeNotFound(input.projectId)
      const ownerId = ownerForCreate(input.ownerId, 'projects')
      const copy = model.copyProject(source, ownerId, {
        title: input.title,
        includeDraftIssues: input.includeDraftIssues ?? false,
        creatorId: me().id,
      })
      return payload('CopyProjectV2Payload', input, {projectV2: () => reader.project(copy)})
    },

    markProjectV2AsTemplate: ({input}) => {
      const project = writableProject(input.projectId, true)
      if (!s.orgs[project.ownerId]) throw unprocessable('Only projects owned by an organization can be marked as templates.')
      project.template = true
      model.touch(project)
      return payload('MarkProjectV2AsTemplatePayload', input, {projectV2: () => reader.project(project)})
    },

    deleteProjectV2: ({input}) => {
      const project = writableProject(input.projectId, true)
      const view = reader.project(project)
      model.deleteProject(project)
      return payload('DeleteProjectV2Payload', input, {projectV2: view})
    },

    createProjectV2Field: ({input}) => {
      const project = writableProject(input.projectId)
      const field = model.addField(project, {
        name: input.name,
        dataType: input.dataType as FieldDataType,
        options: input.singleSelectOptions,
        iteration: input.iterationConfiguration,
      })
      model.touch(project)
      return payload('CreateProjectV2FieldPayload', input, {projectV2Field: () => reader.field(field)})
    },

    updateProjectV2Field: ({input}) => {
      const field = model.expect(input.fieldId, 'ProjectV2Field', 'ProjectV2SingleSelectField', 'ProjectV2IterationField').rec
      writableProject(field.projectId)
      if (input.name !== undefined && input.name !== null) model.renameField(field, input.name)
      if (input.singleSelectOptions) model.replaceOptions(field, input.singleSelectOptions)
      if (input.iterationConfiguration) model.replaceIterations(field, input.iterationConfiguration)
      return payload('UpdateProjectV2FieldPayload', input, {projectV2Field: () => reader.field(field)})
    },

    deleteProjectV2Field: ({input}) => {
      const field = model.expect(input.fieldId, 'ProjectV2Field', 'ProjectV2SingleSelectField', 'ProjectV2IterationField').rec
      writableProject(field.projectId)
      const view = reader.field(field)
      model.deleteField(field)
      return payload('DeleteProjectV2FieldPayload', input, {projectV2Field: view})
    },

    addProjectV2ItemById: ({input}) => {
      const project = writableProject(input.projectId)
      const content = model.expect(input.contentId, 'Issue', 'PullRequest').rec
      if (!reader.canReadRepo(s.repos[content.repoId])) throw nodeNotFound(input.contentId)
      // GitHub answers with the existing item when the content is already in the project: one item per content.
      const item = model.itemOfContent(project, content.id) ?? model.addItem(project, content, me().id)
      return payload('AddProjectV2ItemByIdPayload', input, {item: () => reader.item(item)})
    },

    addProjectV2DraftIssue: ({input}) => {
      const project = writableProject(input.projectId)
      const item = model.addDraftItem(project, {
        title: input.title,
        body: input.body ?? '',
        assigneeIds: userIds(input.assigneeIds ?? []),
        creatorId: me().id,
      })
      return payload('AddProjectV2DraftIssuePayload', input, {projectItem: () => reader.item(item)})
    },

    updateProjectV2DraftIssue: ({input}) => {
      const draft = model.expect(input.draftIssueId, 'DraftIssue').rec
      writableProject(draft.projectId)
      if (s.items[draft.itemId]) notArchived(s.items[draft.itemId])
      if (input.title !== undefined && input.title !== null) {
        if (!String(input.title).trim()) throw unprocessable("Title can't be blank")
        draft.title = input.title
      }
      if (input.body !== undefined && input.body !== null) draft.body = input.body
      if (input.assigneeIds) draft.assigneeIds = [...new Set(userIds(input.assigneeIds))]
      model.touch(draft)
      return payload('UpdateProjectV2DraftIssuePayload', input, {draftIssue: () => reader.draft(draft)})
    },

    deleteProjectV2Item: ({input}) => {
      const project = writableProject(input.projectId)
      const item = itemOf(project, input.itemId)
      model.deleteItem(item)
      return payload('DeleteProjectV2ItemPayload', input, {deletedItemId: item.id})
    },

    archiveProjectV2Item: ({input}) => {
      const project = writableProject(input.projectId)
      const item = itemOf(project, input.itemId)
      item.archived = true
      model.touch(item)
      return payload('ArchiveProjectV2ItemPayload', input, {item: () => reader.item(item)})
    },

    unarchiveProjectV2Item: ({input}) => {
      const project = writableProject(input.projectId)
      const item = itemOf(project, input.itemId)
      item.archived = false
      model.touch(item)
      return payload('UnarchiveProjectV2ItemPayload', input, {item: () => reader.item(item)})
    },

    updateProjectV2ItemFieldValue: ({input}) => {
      const project = writableProject(input.projectId)
      const item = notArchived(itemOf(project, input.itemId))
      model.setValue(item, fieldOf(project, input.fieldId), input.value ?? {}, me().id)
      return payload('UpdateProjectV2ItemFieldValuePayload', input, {projectV2Item: () => reader.item(item)})
    },

    clearProjectV2ItemFieldValue: ({input}) => {
      const project = writableProject(input.projectId)
      const item = notArchived(itemOf(project, input.itemId))
      const field = fieldOf(project, input.fieldId)
      if (!clearBuiltinValue(model, item, field)) model.clearValue(item, field)
      return payload('ClearProjectV2ItemFieldValuePayload', input, {projectV2Item: () => reader.item(item)})
    },

    updateProjectV2ItemPosition: ({input}) => {
      const project = writableProject(input.projectId)
      const item = itemOf(project, input.itemId)
      if (input.afterId) itemOf(project, input.afterId)
      model.moveItem(project, item, input.afterId ?? null)
      return payload('UpdateProjectV2ItemPositionPayload', input, {
        items: (a: Args, _c: unknown, info: GraphQLResolveInfo) => connection(project.itemIds, a, info, (id) => reader.item(s.items[id])),
      })
    },

    createProjectV2StatusUpdate: ({input}) => {
      const project = writableProject(input.projectId)
      const update = model.addStatusUpdate(project, {
        body: input.body ?? null,
        status: input.status ?? null,
        startDate: input.startDate ?? null,
        targetDate: input.targetDate ?? null,
        creatorId: me().id,
      })
      return payload('CreateProjectV2StatusUpdatePayload', input, {statusUpdate: () => reader.statusUpdate(update)})
    },

    linkProjectV2ToRepository: ({input}) => {
      const project = writableProject(input.projectId)
      const repo = linkRepo(project, input.repositoryId)
      return payload('LinkProjectV2ToRepositoryPayload', input, {repository: () => reader.repo(repo)})
    },

    unlinkProjectV2FromRepository: ({input}) => {
      const project = writableProject(input.projectId)
      const repo = readableRepo(input.repositoryId)
      if (!project.repoIds.includes(repo.id)) throw unprocessable('The repository is not linked to this project.')
      project.repoIds = project.repoIds.filter((id) => id !== repo.id)
      model.touch(project)
      return payload('UnlinkProjectV2FromRepositoryPayload', input, {repository: () => reader.repo(repo)})
    },

    linkProjectV2ToTeam: ({input}) => {
      const project = writableProject(input.projectId)
      const team = linkTeam(project, input.teamId)
      return payload('LinkProjectV2ToTeamPayload', input, {team: () => reader.team(team)})
    },

    unlinkProjectV2FromTeam: ({input}) => {
      const project = writableProject(input.projectId)
      const team = model.expect(input.teamId, 'Team').rec
      if (!project.teamIds.includes(team.id)) throw unprocessable('The team is not linked to this project.')
      project.teamIds = project.teamIds.filter((id) => id !== team.id)
      model.touch(project)
      return payload('UnlinkProjectV2FromTeamPayload', input, {team: () => reader.team(team)})
    },

    updateProjectV2Collaborators: ({input}) => {
      const project = writableProject(input.projectId, true)
      const changed: string[] = []
      for (const c of input.collaborators as Array<{userId?: string; teamId?: string; role: ProjectRole}>) {
        if (Boolean(c.userId) === Boolean(c.teamId)) throw unprocessable('Each collaborator needs exactly one of userId or teamId.')
        const id = c.userId ? model.expect(c.userId, 'User').rec.id : model.expect(c.teamId!, 'Team').rec.id
        if (c.teamId && s.teams[id].orgId !== project.ownerId) throw unprocessable('Only teams of the owning organization can collaborate.')
        if (c.role === 'NONE') delete project.collaborators[id]
        else project.collaborators[id] = c.role
        changed.push(id)
      }
      model.touch(project)
      return payload('UpdateProjectV2CollaboratorsPayload', input, {
        collaborators: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
          connection(
            changed.filter((id) => project.collaborators[id]),
            a,
            info,
            (id) => (s.users[id] ? reader.user(s.users[id]) : reader.team(s.teams[id])),
          ),
      })
    },

    deleteProjectV2Workflow: ({input}) => {
      const workflow = model.expect(input.workflowId, 'ProjectV2Workflow').rec
      const project = writableProject(workflow.projectId, true)
      model.deleteWorkflow(workflow)
      return payload('DeleteProjectV2WorkflowPayload', input, {deletedWorkflowId: workflow.id, projectV2: () => reader.project(project)})
    },
  }

  function linkRepo(project: ProjectRec, repositoryId: string): RepoRec {
    const repo = writableRepo(repositoryId)
    if (repo.ownerId !== project.ownerId) throw unprocessable('The repository and the project must have the same owner.')
    if (!project.repoIds.includes(repo.id)) project.repoIds.push(repo.id)
    model.touch(project)
    return repo
  }

  function linkTeam(project: ProjectRec, teamId: string) {
    const team = model.expect(teamId, 'Team').rec
    if (team.orgId !== project.ownerId) throw unprocessable('The team must belong to the organization that owns the project.')
    if (!project.teamIds.includes(team.id)) project.teamIds.push(team.id)
    model.touch(project)
    return team
  }

  Object.assign(resolvers, planningMutations({model, reader, payload, editableIssue, writableProject, forbidden}))
  return present('Mutation', resolvers)
}
