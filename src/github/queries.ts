/**
 * The GraphQL documents a capture sends. Each stays inside GitHub's limits (every connection has `first` <= 100, the
 * node total is far below 500,000) and is validated against GitHub's published schema by the tests.
 *
 * Cost per items page (GitHub's formula: the connection requests a query implies, divided by 100): 1 (items) + 100 ×
 * 7 nested connections (field values, labels, assignees, sub-issues, blocked-by, issue-field values, draft assignees)
 * = 701 requests → 7 points per 100 items, the least that reads every item's values, labels, assignees, sub-issues,
 * blocked-by dependencies and issue-field values IN the item pages (no request per issue). Labels and assignees are
 * asked once through the Labelable and Assignable interfaces, not once per content type: GitHub counts a connection
 * in each type's fragment, so asking them on Issue and PullRequest apart would cost 2 points a page more. The issue
 * type is a plain object (no connection). Without dependencies (`--dependencies=none`) the page costs 6 points;
 * without the planning fields (GitHub Enterprise Server, whose schema lacks them) 5.
 * Overflowing nested connections (an issue with more than 20 labels or 10 blockers, say) are fetched afterwards,
 * only for the items that overflow. Issue-field values never overflow: an organization has at most 25 issue fields.
 *
 * Items are asked with `archivedStates: [ARCHIVED, NOT_ARCHIVED]`: since 2026-06-04 GitHub leaves archived items out
 * of `ProjectV2.items` by default, and a backup without them would lose every archived item (archived drafts exist
 * nowhere else).
 */

const FIELD_NAME = `__typename ... on ProjectV2FieldCommon { id name }`

/** The custom field values a backup keeps (text, number, date, single select, iteration), with their field. */
const VALUE_FIELDS = `__typename
  ... on ProjectV2ItemFieldTextValue { text field { ${FIELD_NAME} } }
  ... on ProjectV2ItemFieldNumberValue { number field { ${FIELD_NAME} } }
  ... on ProjectV2ItemFieldDateValue { date field { ${FIELD_NAME} } }
  ... on ProjectV2ItemFieldSingleSelectValue { optionId name field { ${FIELD_NAME} } }
  ... on ProjectV2ItemFieldIterationValue { iterationId title startDate field { ${FIELD_NAME} } }`

export const FIELD_FIELDS = `
  __typename
  ... on ProjectV2FieldCommon { id databaseId name dataType }
  ... on ProjectV2SingleSelectField { options { id name description color } }
  ... on ProjectV2IterationField {
    configuration {
      duration startDay
      iterations { id title startDate duration }
      completedIterations { id title startDate duration }
    }
  }`

export const PROJECT_HEAD = `
query ProjectHead($id: ID!) {
  node(id: $id) {
    __typename
    ... on ProjectV2 {
      id number url title shortDescription readme public closed template
      owner {
        __typename
        ... on User { login databaseId }
        ... on Organization { login databaseId }
      }
      fields(first: 100) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ${FIELD_FIELDS} }
      }
    }
  }
}`

export const PROJECT_CONFIG = `
query ProjectConfig($id: ID!, $views: String, $repos: String, $teams: String, $workflows: String) {
  node(id: $id) {
    ... on ProjectV2 {
      views(first: 50, after: $views) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id number name layout filter
          fields(first: 60) { nodes { ${FIELD_NAME} } }
          sortByFields(first: 10) { nodes { direction field { ${FIELD_NAME} } } }
          groupByFields(first: 10) { nodes { ${FIELD_NAME} } }
          verticalGroupByFields(first: 10) { nodes { ${FIELD_NAME} } }
        }
      }
      workflows(first: 100, after: $workflows) {
        pageInfo { hasNextPage endCursor }
        nodes { id number name enabled }
      }
      repositories(first: 100, after: $repos) {
        pageInfo { hasNextPage endCursor }
        nodes { nameWithOwner }
      }
      teams(first: 100, after: $teams) {
        pageInfo { hasNextPage endCursor }
        nodes { combinedSlug }
      }
    }
  }
}`

export const PROJECT_STATUS_UPDATES = `
query ProjectStatusUpdates($id: ID!, $after: String) {
  node(id: $id) {
    ... on ProjectV2 {
      statusUpdates(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id body status startDate targetDate createdAt }
      }
    }
  }
}`

const ISSUE_LIKE = `
  id url number title body updatedAt
  repository { nameWithOwner }
  milestone { number }`

/** An issue's type, its organization's issue-field values (public preview), and the issues blocking it. */
const ISSUE_FIELD_VALUES = `issueFieldValues(first: 25) {
                nodes {
                  __typename
                  ... on IssueFieldTextValue { text: value field { ... on IssueFieldCommon { name } } }
                  ... on IssueFieldNumberValue { number: value field { ... on IssueFieldCommon { name } } }
                  ... on IssueFieldDateValue { date: value field { ... on IssueFieldCommon { name } } }
                  ... on IssueFieldSingleSelectValue { name field { ... on IssueFieldCommon { name } } }
                }
              }`

export interface ItemsQueryFeatures {
  /** `Issue.issueType` and `Issue.issueFieldValues` (absent from GitHub Enterprise Server's schema) */
  planning: boolean
  /** `Issue.blockedBy` (absent from GitHub Enterprise Server's schema) */
  dependencies: boolean
}

/**
 * What a capture reads of one item: the same fragment serves the item pages (`ProjectV2.items`) and the look-up of
 * changed items by id (`nodes(ids:)`), so both give the same ItemState. `updatedAt` of the item and of its content
 * are the change markers the next incremental capture compares against (scalars: they cost nothing).
 */
function itemFields(features: ItemsQueryFeatures): string {
  return `id type isArchived updatedAt
          fieldValues(first: 50) {
            totalCount
            nodes {
              ${VALUE_FIELDS}
            }
          }
          content {
            __typename
            ... on DraftIssue { id title body updatedAt assignees(first: 10) { totalCount nodes { login } } }
            ... on Issue {
              ${ISSUE_LIKE}
              state stateReason
              parent { url }
              subIssues(first: 50) { totalCount nodes { url } }${features.planning ? `
              issueType { name }
              ${ISSUE_FIELD_VALUES}` : ''}${features.dependencies ? `
              blockedBy(first: 10) { totalCount nodes { url } }` : ''}
            }
            ... on PullRequest { ${ISSUE_LIKE} prState: state }
            ... on Labelable { labels(first: 20) { totalCount nodes { name } } }
            ... on Assignable { assignees(first: 10) { totalCount nodes { login } } }
          }`
}

/** The items page document; features GitHub Enterprise Server lacks can be left out (see the cost note above). */
export function projectItemsQuery(features: ItemsQueryFeatures = {planning: true, dependencies: true}): string {
  return `
query ProjectItems($id: ID!, $after: String) {
  node(id: $id) {
    ... on ProjectV2 {
      items(first: 100, after: $after, archivedStates: [ARCHIVED, NOT_ARCHIVED]) {
        pageInfo { hasNextPage endCursor }
        nodes {
          ${itemFields(features)}
        }
      }
    }
  }
}`
}

/** The most ids one `nodes(ids:)` look-up takes (GitHub refuses more than 100). */
export const ITEMS_BY_ID_MAX = 100

/**
 * Changed items, by item node id, with the item pages' own fragment (an incremental capture's second step). Costs
 * what an items page of as many items costs: the nested connections of each item.
 */
export function itemsByIdQuery(features: ItemsQueryFeatures = {planning: true, dependencies: true}): string {
  return `
query ProjectItemsById($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ProjectV2Item {
      ${itemFields(features)}
    }
  }
}`
}

/**
 * The light pass of an incremental capture (src/github/capture-incremental.ts): every item, in position order, with
 * only what tells whether it changed. Cost: 1 (items) + 100 (the one nested connection, sub-issues) = 101 connection
 * requests → 1 point per 100 items, against 7 for a full items page.
 *
 * - `updatedAt` of the item (field values, archive, position moves) and of its content (title, body, state, labels,
 *   assignees, milestone, type, issue fields; a draft's title, body and assignees);
 * - `isArchived` and `type`, and the content's URL (a transferred issue gets a new one), so a changed identity is seen;
 * - `parent` and the sub-issues' URLs in order: whether GitHub moves the parent's `updatedAt` when its sub-issues are
 *   reordered is not documented, so the order is read itself (the one nested connection the point allows);
 * - `issueDependenciesSummary.totalBlockedBy`: whether adding a blocked-by moves the blocked issue's `updatedAt` is
 *   not documented either; the count sees an added or removed blocker (a swap of one for another between two
 *   backups is left to the periodic full capture).
 */
export const PROJECT_ITEMS_LIGHT = `
query ProjectItemsLight($id: ID!, $after: String) {
  node(id: $id) {
    ... on ProjectV2 {
      items(first: 100, after: $after, archivedStates: [ARCHIVED, NOT_ARCHIVED]) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id type isArchived updatedAt
          content {
            __typename
            ... on DraftIssue { id updatedAt }
            ... on PullRequest { url updatedAt }
            ... on Issue {
              url updatedAt
              parent { url }
              subIssues(first: 50) { totalCount nodes { url } }
              issueDependenciesSummary { totalBlockedBy }
            }
          }
        }
      }
    }
  }
}`

export const PROJECT_ITEMS = projectItemsQuery()

/** The fields of today's GitHub that GitHub Enterprise Server's schema may lack (its error names one of them). */
export const PLANNING_FIELDS: ReadonlySet<string> = new Set(['issueType', 'issueFieldValues', 'blockedBy'])

/** Follow-up pages for one node's overflowing nested connection. */
export const NESTED_PAGE: Record<'labels' | 'assignees' | 'subIssues' | 'draftAssignees' | 'fieldValues' | 'blockedBy', string> = {
  labels: `
query MoreLabels($id: ID!, $after: String) {
  node(id: $id) {
    ... on Issue { labels(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { name } } }
    ... on PullRequest { labels(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { name } } }
  }
}`,
  assignees: `
query MoreAssignees($id: ID!, $after: String) {
  node(id: $id) {
    ... on Issue { assignees(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } } }
    ... on PullRequest { assignees(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } } }
  }
}`,
  draftAssignees: `
query MoreDraftAssignees($id: ID!, $after: String) {
  node(id: $id) {
    ... on DraftIssue { assignees(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } } }
  }
}`,
  subIssues: `
query MoreSubIssues($id: ID!, $after: String) {
  node(id: $id) {
    ... on Issue { subIssues(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { url } } }
  }
}`,
  blockedBy: `
query MoreBlockedBy($id: ID!, $after: String) {
  node(id: $id) {
    ... on Issue { blockedBy(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { url } } }
  }
}`,
  fieldValues: `
query MoreFieldValues($id: ID!, $after: String) {
  node(id: $id) {
    ... on ProjectV2Item {
      fieldValues(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          ${VALUE_FIELDS}
        }
      }
    }
  }
}`,
}

/** Milestones of one repository (open and closed), paginated. */
export const REPO_MILESTONES = `
query RepoMilestones($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    milestones(first: 100, after: $after, states: [OPEN, CLOSED]) {
      pageInfo { hasNextPage endCursor }
      nodes { number title description state dueOn }
    }
  }
}`

/** Every document a capture can send, by name: the tests and scripts/refresh-schema.js validate them against the schema. */
export const CAPTURE_DOCUMENTS: Record<string, string> = {
  PROJECT_HEAD,
  PROJECT_CONFIG,
  PROJECT_STATUS_UPDATES,
  PROJECT_ITEMS,
  PROJECT_ITEMS_WITHOUT_DEPENDENCIES: projectItemsQuery({planning: true, dependencies: false}),
  PROJECT_ITEMS_GHES: projectItemsQuery({planning: false, dependencies: false}),
  PROJECT_ITEMS_LIGHT,
  ITEMS_BY_ID: itemsByIdQuery(),
  ITEMS_BY_ID_WITHOUT_DEPENDENCIES: itemsByIdQuery({planning: true, dependencies: false}),
  ITEMS_BY_ID_GHES: itemsByIdQuery({planning: false, dependencies: false}),
  REPO_MILESTONES,
  ...Object.fromEntries(Object.entries(NESTED_PAGE).map(([k, v]) => [`NESTED_PAGE.${k}`, v])),
}
