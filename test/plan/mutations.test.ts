import {expect} from 'chai'
import {parse, validate} from 'graphql'
import {githubSchema} from '../../src/sandbox/schema.js'
import {ResolveError, buildMutationDocument, graphqlCall, isRest, restCall, type Resolver} from '../../src/plan/mutations.js'
import {EVERY_OPERATION, resolver} from './operations.js'
import {buildLookupQuery, collectLookups, type LookupKey} from '../../src/plan/lookup.js'
import {VIEW_INFO_QUERY, VIEW_INFO_USER_QUERY} from '../../src/plan/apply.js'
import {STAGE, type OperationOf} from '../../src/plan/plan.js'

const issue = EVERY_OPERATION.find((o): o is OperationOf<'addItem'> => o.op === 'addItem')!.content

function expectValid(query: string): void {
  const errors = validate(githubSchema(), parse(query))
  expect(errors.map((e) => e.message), query).to.deep.equal([])
}

describe('plan/mutations', () => {
  it('covers every operation kind', () => {
    expect(new Set(EVERY_OPERATION.map((o) => o.op))).to.deep.equal(new Set(Object.keys(STAGE)))
  })

  it('every GraphQL operation builds a document that validates against GitHub schema, alone and aliased together', () => {
    const calls = EVERY_OPERATION.filter((op) => !isRest(op)).map((op) => graphqlCall(op, resolver))
    for (const c of calls) expectValid(buildMutationDocument([c]).query)
    const all = buildMutationDocument(calls)
    expectValid(all.query)
    expect(all.aliases).to.have.length(calls.length)
    expect(all.query).to.contain('m0: updateProjectV2(input: $i0)')
    expect(Object.keys(all.variables)).to.have.length(calls.length)
  })

  it('puts ids resolved by name into the inputs', () => {
    const set = graphqlCall(EVERY_OPERATION.find((o) => o.id === 'n1')!, resolver)
    expect(set.input).to.deep.equal({projectId: 'P1', itemId: 'I1', fieldId: 'F1', value: {singleSelectOptionId: 'opt:Todo'}})
    const it = graphqlCall(EVERY_OPERATION.find((o) => o.id === 'n2')!, resolver)
    expect(it.input.value).to.deep.equal({iterationId: 'it:S1'})
    const close = graphqlCall(EVERY_OPERATION.find((o) => o.id === 'r1')!, resolver)
    expect(close).to.deep.include({field: 'closeIssue', input: {issueId: `C:${issue.url}`, stateReason: 'NOT_PLANNED'}})
    const move = graphqlCall(EVERY_OPERATION.find((o) => o.id === 'p1')!, resolver)
    expect(move.input).to.deep.equal({projectId: 'P1', itemId: 'I1', afterId: null})
  })

  it('REST operations name fields by database id and issues by number', () => {
    const view = restCall(EVERY_OPERATION.find((o) => o.op === 'createView')!, resolver)
    expect(view).to.deep.equal({
      route: 'POST /orgs/{org}/projectsV2/{project_number}/views',
      params: {org: 'acme', project_number: 7, name: 'Board', layout: 'board', filter: 'is:open', visible_fields: [11], sort_by: [[11, 'desc']], vertical_group_by: [11]},
    })
  })

  it('blocked-by, issue types, issue fields, sub-issue order and the template flag go through GraphQL', () => {
    const call = (id: string) => graphqlCall(EVERY_OPERATION.find((o) => o.id === id)!, resolver)
    expect(isRest(EVERY_OPERATION.find((o) => o.op === 'addBlockedBy')!)).to.equal(false)
    expect(call('w1')).to.deep.include({field: 'addBlockedBy', input: {issueId: `C:${issue.url}`, blockingIssueId: 'C:https://github.com/acme/api/pull/2'}})
    expect(call('w2').field).to.equal('removeBlockedBy')
    expect(call('w3').field).to.equal('markProjectV2AsTemplate')
    expect(call('w4')).to.deep.include({field: 'unmarkProjectV2AsTemplate', input: {projectId: 'P1'}})
    expect(call('w5').input).to.deep.equal({issueId: `C:${issue.url}`, issueTypeId: 'IT:Bug'})
    expect(call('w6').input).to.deep.equal({issueId: `C:${issue.url}`, issueTypeId: null})
    expect(call('w7').input).to.deep.equal({
      issueId: `C:${issue.url}`,
      issueFields: [{fieldId: 'IF:Priority', textValue: 'High'}, {fieldId: 'IF:Effort', numberValue: 3}, {fieldId: 'IF:Due', delete: true}],
    })
    expect(call('w8').input).to.deep.include({afterId: `C:${issue.url}1`})
    expect(call('w9').input).to.deep.include({beforeId: `C:${issue.url}1`})
  })

  it('a reference that cannot be resolved fails the operation with a ResolveError', () => {
    const failing: Resolver = {
      ...resolver,
      optionId: (f, name) => {
        throw new ResolveError(`option '${name}' does not exist on field '${f.name}'`)
      },
    }
    expect(() => graphqlCall(EVERY_OPERATION.find((o) => o.id === 'n1')!, failing)).to.throw(ResolveError, /option 'Todo'/)
  })

  it('look-up queries for every kind validate against GitHub schema', () => {
    const keys: LookupKey[] = collectLookups(EVERY_OPERATION)
    expect(new Set(keys.map((k) => k.kind))).to.deep.equal(new Set(['content', 'label', 'user', 'milestone', 'repository', 'team', 'issueType', 'issueFields']))
    expectValid(buildLookupQuery(keys).query)
    expectValid(VIEW_INFO_QUERY)
    expectValid(VIEW_INFO_USER_QUERY)
  })
})
