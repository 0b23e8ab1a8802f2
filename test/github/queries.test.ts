import {expect} from 'chai'
import {parse, validate} from 'graphql'
import * as queries from '../../src/github/queries.js'
import {githubSchema} from '../../src/sandbox/schema.js'

describe('capture queries', () => {
  const documents: Record<string, string> = {
    PROJECT_HEAD: queries.PROJECT_HEAD,
    PROJECT_CONFIG: queries.PROJECT_CONFIG,
    PROJECT_STATUS_UPDATES: queries.PROJECT_STATUS_UPDATES,
    PROJECT_ITEMS: queries.PROJECT_ITEMS,
    REPO_MILESTONES: queries.REPO_MILESTONES,
    ...Object.fromEntries(Object.entries(queries.NESTED_PAGE).map(([k, v]) => [`NESTED_PAGE.${k}`, v])),
  }

  for (const [name, text] of Object.entries(documents)) {
    it(`${name} is valid against GitHub's schema`, () => {
      expect(validate(githubSchema(), parse(text)).map((e) => e.message)).to.deep.equal([])
    })
  }
})
