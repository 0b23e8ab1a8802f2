/**
 * Owners and their repositories: users, organisations and teams; repositories, labels, milestones, issues and pull
 * requests, with sub-issues and blocked-by (GitHub's limits on depth and count included).
 */
import {DEFAULT_LABELS, LIMITS} from '../../github/defaults.js'
import {unprocessable} from './checks.js'
import {ModelCore} from './core.js'
import type {IssueRec, LabelRec, MilestoneRec, OrgRec, OrgRole, RepoRec, StateReason, TeamRec, UserRec, Visibility} from './store.js'

export class RepoModel extends ModelCore {
  // ---------------------------------------------------------------- accounts

  addUser(input: {login: string; name?: string | null}): UserRec {
    this.assertLoginFree(input.login)
    const user: UserRec = {...this.base('User'), login: input.login, name: input.name ?? null}
    this.store.users[user.id] = user
    this.ownerByLogin.set(user.login.toLowerCase(), user.id)
    return user
  }

  /** A GitHub App's bot account, `slug[bot]` (a login no person can take, hence no login check beyond uniqueness). */
  addBot(slug: string, name: string): UserRec {
    const login = `${slug}[bot]`
    if (this.ownerByLogin.has(login.toLowerCase())) throw unprocessable(`Login '${login}' is already taken.`)
    const user: UserRec = {...this.base('User'), login, name}
    this.store.users[user.id] = user
    this.ownerByLogin.set(login.toLowerCase(), user.id)
    return user
  }

  addOrg(input: {login: string; name?: string | null}): OrgRec {
    this.assertLoginFree(input.login)
    const org: OrgRec = {...this.base('Organization'), login: input.login, name: input.name ?? null, members: {}}
    this.store.orgs[org.id] = org
    this.ownerByLogin.set(org.login.toLowerCase(), org.id)
    return org
  }

  private assertLoginFree(login: string): void {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(login)) throw unprocessable(`Login '${login}' is not a valid GitHub login.`)
    if (this.ownerByLogin.has(login.toLowerCase())) throw unprocessable(`Login '${login}' is already taken.`)
  }

  setMember(org: OrgRec, userId: string, role: OrgRole): void {
    org.members[userId] = role
  }

  addTeam(org: OrgRec, input: {name: string; slug?: string; description?: string | null; memberIds?: string[]}): TeamRec {
    const slug = input.slug ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
    if (Object.values(this.store.teams).some((t) => t.orgId === org.id && t.slug === slug)) {
      throw unprocessable(`Team '${slug}' already exists in ${org.login}.`)
    }
    const team: TeamRec = {
      ...this.base('Team'),
      orgId: org.id,
      slug,
      name: input.name,
      description: input.description ?? null,
      members: [...(input.memberIds ?? [])],
    }
    this.store.teams[team.id] = team
    return team
  }

  teamOf(org: OrgRec, slug: string): TeamRec | undefined {
    return Object.values(this.store.teams).find((t) => t.orgId === org.id && t.slug === slug)
  }

  // ---------------------------------------------------------------- repositories, labels, milestones, issues

  addRepo(
    ownerId: string,
    input: {name: string; visibility?: Visibility; description?: string | null; hasIssuesEnabled?: boolean; defaultLabels?: boolean},
  ): RepoRec {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.name)) throw unprocessable(`Repository name '${input.name}' is not valid.`)
    if (this.repoByName.has(this.repoKey(ownerId, input.name))) throw unprocessable('Name already exists on this account')
    const repo: RepoRec = {
      ...this.base('Repository'),
      ownerId,
      name: input.name,
      description: input.description ?? null,
      visibility: input.visibility ?? 'PUBLIC',
      hasIssuesEnabled: input.hasIssuesEnabled ?? true,
      collaborators: [],
      nextNumber: 1,
      nextMilestoneNumber: 1,
      numbers: {},
      labelIds: [],
      milestones: {},
    }
    this.store.repos[repo.id] = repo
    this.repoByName.set(this.repoKey(ownerId, repo.name), repo.id)
    if (input.defaultLabels) for (const l of DEFAULT_LABELS) this.addLabel(repo, {...l, isDefault: true})
    return repo
  }

  labelOf(repo: RepoRec, name: string): LabelRec | undefined {
    const lower = name.toLowerCase()
    return repo.labelIds.map((id) => this.store.labels[id]).find((l) => l.name.toLowerCase() === lower)
  }

  addLabel(repo: RepoRec, input: {name: string; color?: string; description?: string | null; isDefault?: boolean}): LabelRec {
    if (!input.name.trim()) throw unprocessable("Name can't be blank")
    if (this.labelOf(repo, input.name)) throw unprocessable('Name has already been taken')
    const color = (input.color ?? 'ededed').replace(/^#/, '').toLowerCase()
    if (!/^[0-9a-f]{6}$/.test(color)) throw unprocessable('Color is invalid')
    const label: LabelRec = {
      ...this.base('Label'),
      repoId: repo.id,
      name: input.name,
      color,
      description: input.description ?? null,
      isDefault: input.isDefault ?? false,
    }
    this.store.labels[label.id] = label
    repo.labelIds.push(label.id)
    return label
  }

  milestoneOf(repo: RepoRec, number: number): MilestoneRec | undefined {
    return this.store.milestones[repo.milestones[String(number)] ?? '']
  }

  milestones(repo: RepoRec): MilestoneRec[] {
    return Object.values(repo.milestones).map((id) => this.store.milestones[id])
  }

  addMilestone(
    repo: RepoRec,
    input: {title: string; description?: string | null; state?: 'OPEN' | 'CLOSED'; dueOn?: string | null; creatorId?: string | null},
  ): MilestoneRec {
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    if (this.milestones(repo).some((m) => m.title === input.title)) throw unprocessable('Title has already been taken')
    const state = input.state ?? 'OPEN'
    const base = this.base('Milestone')
    const milestone: MilestoneRec = {
      ...base,
      repoId: repo.id,
      number: repo.nextMilestoneNumber++,
      title: input.title,
      description: input.description ?? null,
      state,
      dueOn: input.dueOn ?? null,
      closedAt: state === 'CLOSED' ? base.createdAt : null,
      creatorId: input.creatorId ?? null,
    }
    this.store.milestones[milestone.id] = milestone
    repo.milestones[String(milestone.number)] = milestone.id
    return milestone
  }

  deleteMilestone(milestone: MilestoneRec): void {
    const repo = this.store.repos[milestone.repoId]
    delete repo.milestones[String(milestone.number)]
    delete this.store.milestones[milestone.id]
    for (const issue of Object.values(this.store.issues)) {
      if (issue.milestoneId === milestone.id) issue.milestoneId = null
    }
  }

  addIssue(
    repo: RepoRec,
    input: {
      kind?: 'Issue' | 'PullRequest'
      title: string
      body?: string | null
      authorId?: string | null
      state?: 'OPEN' | 'CLOSED' | 'MERGED'
      stateReason?: StateReason | null
      labelIds?: string[]
      assigneeIds?: string[]
      milestoneId?: string | null
      isDraft?: boolean
      reviewerIds?: string[]
      baseRefName?: string
      headRefName?: string
    },
  ): IssueRec {
    const kind = input.kind ?? 'Issue'
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    if (kind === 'Issue' && !repo.hasIssuesEnabled) throw unprocessable(`Repository ${this.repoFullName(repo)} has disabled issues.`)
    const state = input.state ?? 'OPEN'
    if (kind === 'Issue' && state === 'MERGED') throw unprocessable('An issue cannot be merged.')
    const base = this.base(kind)
    const closed = state !== 'OPEN'
    const issue: IssueRec = {
      ...base,
      kind,
      repoId: repo.id,
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      state,
      stateReason: kind === 'Issue' && closed ? (input.stateReason ?? 'COMPLETED') : (input.stateReason ?? null),
      closedAt: closed ? base.createdAt : null,
      authorId: input.authorId ?? null,
      labelIds: [...new Set(input.labelIds ?? [])],
      assigneeIds: [...new Set(input.assigneeIds ?? [])],
      milestoneId: input.milestoneId ?? null,
      parentId: null,
      subIssueIds: [],
      blockedByIds: [],
      isDraft: input.isDraft ?? false,
      mergedAt: state === 'MERGED' ? base.createdAt : null,
      baseRefName: input.baseRefName ?? (kind === 'PullRequest' ? 'main' : ''),
      headRefName: input.headRefName ?? (kind === 'PullRequest' ? `branch-${repo.nextNumber - 1}` : ''),
      reviewerIds: [...new Set(input.reviewerIds ?? [])],
    }
    this.store.issues[issue.id] = issue
    repo.numbers[String(issue.number)] = issue.id
    return issue
  }

  closeIssue(issue: IssueRec, reason: StateReason | null): void {
    if (issue.state === 'MERGED') throw unprocessable('A merged pull request cannot be closed.')
    issue.state = 'CLOSED'
    issue.stateReason = issue.kind === 'Issue' ? (reason ?? 'COMPLETED') : null
    issue.closedAt = this.timestamp()
    this.touch(issue)
  }

  reopenIssue(issue: IssueRec): void {
    if (issue.state === 'MERGED') throw unprocessable('A merged pull request cannot be reopened.')
    if (issue.state === 'OPEN') return
    issue.state = 'OPEN'
    issue.stateReason = issue.kind === 'Issue' ? 'REOPENED' : null
    issue.closedAt = null
    this.touch(issue)
  }

  /** Makes `sub` a sub-issue of `parent` (appended last). */
  addSubIssue(parent: IssueRec, sub: IssueRec, replaceParent = false): void {
    if (parent.kind !== 'Issue' || sub.kind !== 'Issue') throw unprocessable('Only issues can have sub-issues.')
    if (parent.id === sub.id) throw unprocessable('An issue cannot be its own sub-issue.')
    if (sub.parentId === parent.id) throw unprocessable('Issue is already a sub-issue of this issue.')
    if (sub.parentId && !replaceParent) throw unprocessable('Issue may not contain duplicate sub-issues and may only have one parent.')
    for (let up: IssueRec | undefined = parent; up; up = up.parentId ? this.store.issues[up.parentId] : undefined) {
      if (up.id === sub.id) throw unprocessable('An issue cannot be a sub-issue of its own sub-issue.')
    }
    const levels = (issue: IssueRec, seen: Set<string>): number =>
      seen.has(issue.id) ? 0 : (seen.add(issue.id), Math.max(0, ...issue.subIssueIds.map((id) => (this.store.issues[id] ? 1 + levels(this.store.issues[id], seen) : 0))))
    let depth = 1
    for (let up = parent.parentId ? this.store.issues[parent.parentId] : undefined; up; up = up.parentId ? this.store.issues[up.parentId] : undefined) depth++
    if (depth + levels(sub, new Set()) > LIMITS.subIssueDepth) {
      throw unprocessable(`Sub-issues can only be nested ${LIMITS.subIssueDepth} levels deep.`)
    }
    if (parent.subIssueIds.length >= LIMITS.subIssuesPerParent) {
      throw unprocessable(`Parent cannot have more than ${LIMITS.subIssuesPerParent} sub-issues.`)
    }
    if (sub.parentId) this.removeSubIssue(this.store.issues[sub.parentId], sub)
    parent.subIssueIds.push(sub.id)
    sub.parentId = parent.id
    this.touch(parent)
    this.touch(sub)
  }

  removeSubIssue(parent: IssueRec, sub: IssueRec): void {
    if (sub.parentId !== parent.id) throw unprocessable('Issue is not a sub-issue of this issue.')
    parent.subIssueIds = parent.subIssueIds.filter((id) => id !== sub.id)
    sub.parentId = null
    this.touch(parent)
    this.touch(sub)
  }

  addBlockedBy(issue: IssueRec, blocker: IssueRec): void {
    if (issue.id === blocker.id) throw unprocessable('An issue cannot be blocked by itself.')
    if (issue.blockedByIds.includes(blocker.id)) throw unprocessable('Issue is already blocked by this issue.')
    if (blocker.blockedByIds.includes(issue.id)) throw unprocessable('Issues cannot block each other.')
    issue.blockedByIds.push(blocker.id)
    this.touch(issue)
  }

  removeBlockedBy(issue: IssueRec, blocker: IssueRec): void {
    if (!issue.blockedByIds.includes(blocker.id)) throw unprocessable('Issue is not blocked by this issue.')
    issue.blockedByIds = issue.blockedByIds.filter((id) => id !== blocker.id)
    this.touch(issue)
  }

  /** Issues this one blocks (the inverse of blocked-by). */
  blocking(issue: IssueRec): IssueRec[] {
    return Object.values(this.store.issues).filter((i) => i.blockedByIds.includes(issue.id))
  }
}
