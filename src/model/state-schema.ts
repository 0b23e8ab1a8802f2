import {z} from 'zod'
import {
  MILESTONE_STATE,
  ORDER_DIRECTION,
  PROJECT_V2_FIELD_TYPE,
  PROJECT_V2_ITEM_TYPE,
  PROJECT_V2_SINGLE_SELECT_FIELD_OPTION_COLOR,
  PROJECT_V2_STATUS_UPDATE_STATUS,
  PROJECT_V2_VIEW_LAYOUT,
} from './github-enums.js'
import type {ProjectState} from './state.js'
import {STATE_SCHEMA_VERSION} from './state.js'
import {escapeKeys, hasEscapableKey, unescapeKey} from '../util/keys.js'

/**
 * The shape of a ProjectState (src/model/state.ts), written once, for every state that comes from outside: an
 * imported document (`backup import`, `restore --from-file`). Objects accept keys they do not know (a newer version
 * may add optional fields; older backups lack them: absent means "not captured"), but every known key must have its
 * type: a resealed document with `enabled: "yes"` or `readme: 7` is refused, naming the path.
 *
 * The type check at the bottom keeps this schema and the interfaces in step: a field added to one and not the other
 * fails the build.
 */

const int = z.number().int()
const nullableString = z.string().nullable()

const iteration = z.object({id: z.string(), title: z.string(), startDate: z.string(), duration: int})

const selectOption = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  color: z.enum(PROJECT_V2_SINGLE_SELECT_FIELD_OPTION_COLOR),
  position: int.min(0),
})

const fieldDef = z.object({
  id: z.string(),
  databaseId: int.optional(),
  name: z.string(),
  dataType: z.enum(PROJECT_V2_FIELD_TYPE),
  options: z.record(z.string(), selectOption).optional(),
  iteration: z
    .object({
      duration: int,
      startDay: int,
      iterations: z.record(z.string(), iteration),
      completedIterations: z.record(z.string(), iteration),
    })
    .optional(),
})

const viewDef = z.object({
  id: z.string(),
  number: int,
  name: z.string(),
  layout: z.enum(PROJECT_V2_VIEW_LAYOUT),
  filter: nullableString,
  visibleFields: z.array(z.string()),
  sortBy: z.array(z.object({field: z.string(), direction: z.enum(ORDER_DIRECTION)})),
  groupBy: z.array(z.string()),
  verticalGroupBy: z.array(z.string()),
})

const workflowDef = z.object({id: z.string(), number: int, name: z.string(), enabled: z.boolean()})

const statusUpdate = z.object({
  id: z.string(),
  body: nullableString,
  status: z.enum(PROJECT_V2_STATUS_UPDATE_STATUS).nullable(),
  startDate: nullableString,
  targetDate: nullableString,
  createdAt: z.string(),
})

const issueContent = z.object({
  kind: z.enum(['Issue', 'PullRequest']),
  url: z.string(),
  repository: z.string(),
  number: int,
  title: z.string(),
  body: z.string(),
  state: z.string(),
  stateReason: nullableString,
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  milestone: nullableString,
  parent: nullableString,
  subIssues: z.array(z.string()),
  blockedBy: z.array(z.string()).optional(),
  issueType: nullableString.optional(),
  issueFields: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
})

const draftContent = z.object({id: z.string(), title: z.string(), body: z.string(), assignees: z.array(z.string())})

const fieldValue = z.discriminatedUnion('type', [
  z.object({type: z.literal('text'), text: z.string()}),
  z.object({type: z.literal('number'), number: z.number()}),
  z.object({type: z.literal('date'), date: z.string()}),
  z.object({type: z.literal('singleSelect'), optionId: z.string(), name: z.string()}),
  z.object({type: z.literal('iteration'), iterationId: z.string(), title: z.string(), startDate: z.string()}),
])

const itemState = z.object({
  id: z.string(),
  type: z.enum(PROJECT_V2_ITEM_TYPE),
  archived: z.boolean(),
  content: issueContent.optional(),
  draft: draftContent.optional(),
  values: z.record(z.string(), fieldValue),
})

const milestone = z.object({
  repository: z.string(),
  number: int,
  title: z.string(),
  description: nullableString,
  state: z.enum(MILESTONE_STATE),
  dueOn: nullableString,
})

export const projectStateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  type: z.enum(['full', 'config', 'minimal']),
  project: z.object({
    id: z.string(),
    number: int,
    url: z.string(),
    owner: z.object({login: z.string(), type: z.enum(['User', 'Organization']), databaseId: int.optional()}),
    title: z.string(),
    shortDescription: nullableString,
    readme: nullableString,
    public: z.boolean(),
    closed: z.boolean(),
    template: z.boolean(),
  }),
  fields: z.record(z.string(), fieldDef),
  views: z.record(z.string(), viewDef).optional(),
  workflows: z.record(z.string(), workflowDef).optional(),
  repositories: z.array(z.string()).optional(),
  teams: z.array(z.string()).optional(),
  statusUpdates: z.record(z.string(), statusUpdate).optional(),
  items: z.record(z.string(), itemState).optional(),
  itemOrder: z.array(z.string()).optional(),
  milestones: z.record(z.string(), milestone).optional(),
})

/** "project.readme", `items["https://github.com/o/r/issues/1"].content.title`, "repositories[2]" */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out
}

/**
 * Checks that `value` has the shape of a ProjectState. Returns undefined when it has, else the path (under `root`,
 * where the state sits) and the problem of the first error: `project_state.project.readme`, `expected string,
 * received number`.
 */
export function stateShapeProblem(value: unknown, root = 'state'): {path: string; message: string} | undefined {
  // zod skips a record key named `__proto__` (its value goes unchecked): such keys are validated escaped
  const escaped = hasEscapableKey(value)
  const result = projectStateSchema.safeParse(escaped ? escapeKeys(value) : value)
  if (result.success) return undefined
  const issue = result.error.issues[0]
  const path = escaped ? issue.path.map((key) => (typeof key === 'string' ? unescapeKey(key) : key)) : issue.path
  return {path: formatPath([root, ...path]), message: issue.message.replace(/^Invalid input: /, '')}
}

// The schema and the interfaces must describe the same thing (checked by the compiler, both ways).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const inStep: Same<z.infer<typeof projectStateSchema>, ProjectState> = true
void inStep
