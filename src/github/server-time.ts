/**
 * How long GitHub works on a request (its "server time"), as far as a client can know it: the figures the sandbox
 * charges on its clock (src/sandbox/servertime.ts) and the plan's estimate prices a restore with
 * (src/plan/estimate.ts). GitHub ends any request past 10 seconds with a 502 or 504 ("If GitHub takes more than 10
 * seconds to process an API request, GitHub will terminate the request"); aliased mutations run one after the other,
 * each costing time: users see timeouts above about 10 aliased operations a request (LedgerHQ/ledger-live#12368;
 * Skydio/revup#271 settled on 5), and GitHub's own github-mcp-server sends at most 20 (GITHUB-FACTS.md). These
 * figures reproduce that: 20 plain mutations take 7.1 s, 28 fit, 50 would take 17.6 s.
 */
export interface ServerTimeModel {
  /** every request: routing, authentication, parsing, validation */
  baseMs: number
  /** each top-level field of a query (an aliased look-up is its own resolution) */
  rootFieldMs: number
  /** each object in the answer (a resolved node, edge or connection page) */
  nodeMs: number
  /** each executed mutation field that creates no content */
  mutationMs: number
  /** each executed content-creating mutation field (drafts, issues, items, status updates) */
  contentMutationMs: number
  /** GitHub ends a request that would take longer */
  limitMs: number
}

export const GITHUB_SERVER_TIME: Readonly<ServerTimeModel> = Object.freeze({
  baseMs: 100,
  rootFieldMs: 40,
  nodeMs: 0.5,
  mutationMs: 350,
  contentMutationMs: 700,
  limitMs: 10_000,
})

