import {expect} from 'chai'
import {estimate, estimateOperations, humanDuration} from '../../src/plan/estimate.js'
import type {Operation} from '../../src/plan/plan.js'

const setValue = (i: number): Operation => ({
  op: 'setValue',
  id: `v${i}`,
  deps: [],
  item: {key: `k${i}`, label: `#${i}`, liveId: `I${i}`},
  field: {name: 'Status', dataType: 'SINGLE_SELECT', liveId: 'F'},
  value: {type: 'singleSelect', name: 'Done'},
  before: null,
})

describe('plan/estimate', () => {
  it("5,000 value mutations in batches sized as apply sizes them under GitHub's time limit: 10, then 15", () => {
    const e = estimate({mutations: 5000})
    // 10 mutations take 3.61 s of server time (under 4 s: grow by half), 15 take 5.37 s: 10, 332 x 15, 10
    expect(e).to.include({requests: 334, mutations: 5000, points: 1670, bound: 'latency'})
    // each request: 300 ms latency + its server time (100 ms + 351 ms a mutation)
    expect(e.seconds).to.equal(Math.ceil((2 * (300 + 100 + 10 * 351) + 332 * (300 + 100 + 15 * 351)) / 1000))
    // the same without server time: latency only
    expect(estimate({mutations: 5000}, {serverTime: false}), 'requests always quick: 10, 15, then 20').to.include({requests: 251, seconds: Math.ceil(251 * 0.3)})
  })

  it('one mutation per request: 5,000 requests, 25,000 points, more than 12 minutes', () => {
    const e = estimate({mutations: 5000}, {batchSize: 1, serverTime: false})
    expect(e).to.include({requests: 5000, points: 25000, seconds: 1500, human: '25 minutes'})
    // without latency the points alone need 12 more minutes: 25,000 points at 2,000 a minute
    const points = estimate({mutations: 5000}, {batchSize: 1, latencyMs: 0, serverTime: false})
    expect(points).to.include({seconds: 720, bound: 'points', human: '12 minutes'})
  })

  it('content creation is bound by 80 a minute and 500 an hour', () => {
    // 80 drafts fit in the first minute
    expect(estimate({mutations: 0, contentMutations: 80}, {latencyMs: 0, serverTime: false}).seconds).to.equal(0)
    // 81..160 need a second minute
    expect(estimate({mutations: 0, contentMutations: 81}, {latencyMs: 0, serverTime: false}).seconds).to.equal(60)
    // 600 drafts: 500 in the first hour (the 500th at minute 6), the other 100 in the next hour: 1 hour 1 minute
    const e = estimate({mutations: 0, contentMutations: 600}, {latencyMs: 0, serverTime: false})
    // batches of 5, 8, then 10
    expect(e).to.include({seconds: 3660, bound: 'content', human: '1 hour 1 minute', content_creations: 600, requests: 61})
  })

  it('REST writes cost 5 of 900 points a minute', () => {
    const e = estimate({mutations: 0, restCalls: 400}, {latencyMs: 0, serverTime: false})
    // 2,000 REST points: 3 minutes' budgets, the last one 2 minutes after the first
    expect(e).to.include({seconds: 120, bound: 'rest_points', requests: 400, rest_calls: 400})
  })

  it('look-ups cost 1 point per query; queries grow from 25 look-ups while quick (25, 38, 57)', () => {
    const e = estimate({mutations: 50, lookups: 120})
    // mutations: 10, 15, 15, 10
    expect(e).to.include({requests: 4 + 3, points: 4 * 5 + 3})
    expect(estimate({mutations: 0, lookups: 120}, {lookupBatchSize: 50})).to.include({requests: 3, points: 3})
  })

  it('estimates plan operations batched per stage like apply', () => {
    const ops = Array.from({length: 120}, (_, i) => setValue(i))
    const e = estimateOperations(ops, {batchSize: 50, latencyMs: 300})
    expect(e).to.include({requests: 3, mutations: 120, points: 15, lookups: 0})
    const drafts: Operation[] = Array.from({length: 25}, (_, i) => ({
      op: 'createDraft',
      id: `d${i}`,
      deps: [],
      item: {key: `draft${i}`, label: 'd', liveId: null},
      title: 't',
      body: '',
      assignees: [],
    }))
    const mixed = estimateOperations([...drafts, ...ops], {batchSize: 50})
    expect(mixed).to.include({requests: 3 + 3, content_creations: 25})
    expect(estimateOperations([]).requests).to.equal(0)
  })

  it('says durations the way people do', () => {
    expect(humanDuration(0)).to.equal('0 seconds')
    expect(humanDuration(1)).to.equal('1 second')
    expect(humanDuration(59.2)).to.equal('1 minute')
    expect(humanDuration(61)).to.equal('2 minutes')
    expect(humanDuration(3600)).to.equal('1 hour')
    expect(humanDuration(3600 + 3599)).to.equal('2 hours')
  })
})
