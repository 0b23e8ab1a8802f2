import {z} from 'zod'
import {
  ISSUE_FIELD_VISIBILITY,
  ISSUE_STATE,
  ISSUE_STATE_REASON,
  MILESTONE_STATE,
  ORDER_DIRECTION,
  ORGANIZATION_MEMBER_ROLE,
  PROJECT_V2_FIELD_TYPE,
  PROJECT_V2_ROLES,
  PROJECT_V2_SINGLE_SELECT_FIELD_OPTION_COLOR,
  PROJECT_V2_STATUS_UPDATE_STATUS,
  PROJECT_V2_VIEW_LAYOUT,
  PULL_REQUEST_STATE,
  REPOSITORY_VISIBILITY,
} from '../model/github-enums.js'
import {formatPath} from '../model/state-schema.js'
import {escapeKeys, hasEscapableKey, unescapeKey} from '../util/keys.js'

/**
 * The shape of a sandbox seed (docs/sandbox-seed.md), written once: the seed's types (src/sandbox/seed.ts) are derived
 * from it, and a seed is checked against it before anything is built, so a seed of the wrong shape is refused whole,
 * naming the path of its first error (`projects[0].items[3].values.Points: expected string or number`). Unknown keys
 * are ignored; references (owners, issues, fields and options by name) are resolved, and refused, by the loader.
 */

/** a name that must say something: login, title, slug, label or field name */
const name = z.string().refine((s) => s.trim() !== '', {error: 'expected a non-empty string'})
const names = z.array(z.string())
const color = z.enum(PROJECT_V2_SINGLE_SELECT_FIELD_OPTION_COLOR)
const whole = () => z.int({error: 'expected a whole number'})
const seedValue = z.union([z.string(), z.number()], {error: 'expected a string or a number'})

export const seedUserSchema = z.object({login: name, name: z.string().optional()})

export const seedTeamSchema = z.object({
  slug: name,
  name: z.string().optional(),
  description: z.string().optional(),
  /** user logins */
  members: names.optional(),
})

export const seedOrgSchema = z.object({
  login: name,
  name: z.string().optional(),
  /** user login -> role */
  members: z.record(z.string(), z.enum(ORGANIZATION_MEMBER_ROLE)).optional(),
  teams: z.array(seedTeamSchema).optional(),
  /** the organization's issue types, in creation order (user accounts have none) */
  issueTypes: z.array(z.object({name, description: z.string().optional(), color: color.optional(), isEnabled: z.boolean().optional()})).optional(),
  /** the organization's issue fields (public preview) */
  issueFields: z
    .array(
      z.object({
        name,
        type: z.enum(['TEXT', 'NUMBER', 'DATE', 'SINGLE_SELECT']),
        description: z.string().optional(),
        visibility: z.enum(ISSUE_FIELD_VISIBILITY).optional(),
        options: z.array(z.object({name, color: color.optional(), description: z.string().optional()})).optional(),
      }),
    )
    .optional(),
})

/** What issues and pull requests share. */
const seedContent = z.object({
  /**
   * defaults to the next number; issues and pull requests share one sequence per repository. Entries with a number
   * are created in number order, issues and pull requests together (see `numberingOrder` in seed.ts).
   */
  number: whole().min(1, {error: 'expected a whole number of at least 1'}).optional(),
  title: name,
  body: z.string().optional(),
  author: z.string().optional(),
  labels: names.optional(),
  assignees: names.optional(),
  /** milestone title */
  milestone: z.string().optional(),
  /** `#n` or `owner/repo#n` */
  blockedBy: names.optional(),
})

export const seedIssueSchema = seedContent.extend({
  state: z.enum(ISSUE_STATE).optional(),
  stateReason: z.enum(ISSUE_STATE_REASON).optional(),
  /** `#n` or `owner/repo#n`, in order */
  subIssues: names.optional(),
  /** issue type name (an issue type of the repository's organization) */
  type: z.string().optional(),
  /** issue field name -> value: text, number, date (YYYY-MM-DD) or option name */
  fields: z.record(z.string(), seedValue).optional(),
})

export const seedPullRequestSchema = seedContent.extend({
  state: z.enum(PULL_REQUEST_STATE).optional(),
  isDraft: z.boolean().optional(),
  /** user logins whose review is requested */
  reviewers: names.optional(),
})

export const seedRepositorySchema = z.object({
  owner: name,
  name,
  visibility: z.enum(REPOSITORY_VISIBILITY).optional(),
  description: z.string().optional(),
  hasIssuesEnabled: z.boolean().optional(),
  /** create GitHub's nine default labels first (default false) */
  defaultLabels: z.boolean().optional(),
  /** user logins with access besides the owner and organisation members */
  collaborators: names.optional(),
  labels: z.array(z.object({name, color: z.string().optional(), description: z.string().optional()})).optional(),
  milestones: z.array(z.object({title: name, description: z.string().optional(), state: z.enum(MILESTONE_STATE).optional(), dueOn: z.string().optional()})).optional(),
  issues: z.array(seedIssueSchema).optional(),
  pullRequests: z.array(seedPullRequestSchema).optional(),
})

export const seedFieldSchema = z.object({
  name,
  /** a custom type, or a built-in read-only date field: CREATED, UPDATED, CLOSED (new projects do not have them) */
  type: z.enum(PROJECT_V2_FIELD_TYPE),
  /**
   * `id`: the option's id (unique within the field); without it an option keeps the id of the field's option of the
   * same name (the default Status options keep GitHub's fixed ids) or gets a new one
   */
  options: z.array(z.object({id: z.string().optional(), name, color: color.optional(), description: z.string().optional()})).optional(),
  iteration: z
    .object({
      startDate: z.string(),
      duration: whole().min(1, {error: 'expected a whole number of at least 1'}),
      iterations: z.array(z.object({title: name, startDate: z.string(), duration: whole().min(1, {error: 'expected a whole number of at least 1'}).optional()})).optional(),
    })
    .optional(),
})

export const seedViewSchema = z.object({
  name,
  layout: z.enum(PROJECT_V2_VIEW_LAYOUT).optional(),
  filter: z.string().optional(),
  /** field names */
  visibleFields: names.optional(),
  sortBy: z.array(z.object({field: z.string(), direction: z.enum(ORDER_DIRECTION).optional()})).optional(),
  groupBy: names.optional(),
  verticalGroupBy: names.optional(),
  /** what only the web UI holds (column widths, slice-by, field sums, hidden groups, ...): no API reads it */
  uiConfig: z.record(z.string(), z.unknown()).optional(),
})

export const seedItemSchema = z.object({
  /** an issue or pull request: `owner/repo#number` */
  issue: z.string().optional(),
  /** a draft issue (exists only in this project) */
  draft: z.object({title: name, body: z.string().optional(), assignees: names.optional()}).optional(),
  archived: z.boolean().optional(),
  /** shown as REDACTED to every viewer */
  redacted: z.boolean().optional(),
  /** field name -> value: text, number, date (YYYY-MM-DD), option name, iteration title */
  values: z.record(z.string(), seedValue).optional(),
})

export const seedProjectSchema = z.object({
  owner: name,
  title: name,
  shortDescription: z.string().optional(),
  readme: z.string().optional(),
  public: z.boolean().optional(),
  closed: z.boolean().optional(),
  template: z.boolean().optional(),
  creator: z.string().optional(),
  /**
   * custom fields; a SINGLE_SELECT named like an existing field (Status) replaces that field's options; type
   * ISSUE_TYPE adds the built-in field that shows each issue's type
   */
  fields: z.array(seedFieldSchema).optional(),
  /** names of the owning organization's issue fields to show as project fields (their values live on the issues) */
  issueFields: names.optional(),
  /** when given, these replace the default view "View 1" */
  views: z.array(seedViewSchema).optional(),
  /** built-in workflows by name: sets `enabled` (and the UI-only `config`); other names are added */
  workflows: z.array(z.object({name, enabled: z.boolean(), config: z.record(z.string(), z.unknown()).optional()})).optional(),
  /** insights charts (web UI only: no API reads them) */
  insights: z.array(z.object({name, config: z.record(z.string(), z.unknown()).optional()})).optional(),
  statusUpdates: z
    .array(
      z.object({
        body: z.string().optional(),
        status: z.enum(PROJECT_V2_STATUS_UPDATE_STATUS).optional(),
        startDate: z.string().optional(),
        targetDate: z.string().optional(),
        creator: z.string().optional(),
      }),
    )
    .optional(),
  /** `owner/name` */
  repositories: names.optional(),
  /** `org/team-slug` */
  teams: names.optional(),
  collaborators: z.array(z.object({user: z.string().optional(), team: z.string().optional(), role: z.enum(PROJECT_V2_ROLES)})).optional(),
  /** in position order */
  items: z.array(seedItemSchema).optional(),
})

/** A GitHub App and where it is installed (src/sandbox/world/apps.ts; docs/github-app.md). */
export const seedAppSchema = z.object({
  /** the app id (the JWT's `iss`); default: the next free id from 100001 */
  id: whole().positive().optional(),
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,33}$/, {error: 'expected a slug: lower-case letters, digits and hyphens'}),
  name: z.string().optional(),
  /** login of the user or organization that owns the app */
  owner: name,
  /** PEM of the app's PUBLIC key (never the private key: GitHub keeps only the public half) */
  publicKey: z.string().refine((s) => /-----BEGIN (RSA )?PUBLIC KEY-----/.test(s), {error: 'expected a PEM public key (-----BEGIN PUBLIC KEY-----)'}),
  /** GitHub's permission names -> read | write | admin; default organization_projects write, issues write, metadata read, pull_requests read */
  permissions: z.record(z.string(), z.enum(['read', 'write', 'admin'])).optional(),
  installations: z
    .array(
      z.object({
        id: whole().positive().optional(),
        /** the user or organization login the app is installed on */
        account: name,
        /** repositories / members the rate-limit formula counts, when the seed does not hold them all */
        repositories: whole().min(0).optional(),
        users: whole().min(0).optional(),
      }),
    )
    .optional(),
})

export const seedSchema = z.object(
  {
    version: z.literal(1).optional(),
    users: z.array(seedUserSchema).optional(),
    orgs: z.array(seedOrgSchema).optional(),
    repositories: z.array(seedRepositorySchema).optional(),
    projects: z.array(seedProjectSchema).optional(),
    apps: z.array(seedAppSchema).optional(),
  },
  {error: 'expected a JSON object'},
)

/**
 * The path and problem of the first error of a seed's shape (`projects[0].items[3].values.Points`, `expected a string
 * or a number`), or undefined when it has the shape. Keys such as `__proto__` are checked like any other.
 */
export function seedShapeProblem(value: unknown): {path: string; message: string} | undefined {
  // zod skips a record key named `__proto__` (its value goes unchecked): such keys are validated escaped
  const escaped = hasEscapableKey(value)
  const result = seedSchema.safeParse(escaped ? escapeKeys(value) : value)
  if (result.success) return undefined
  const issue = result.error.issues[0]
  const path = escaped ? issue.path.map((key) => (typeof key === 'string' ? unescapeKey(key) : key)) : issue.path
  return {path: formatPath(path) || 'seed', message: issue.message.replace(/^Invalid (input|option): /, '')}
}
