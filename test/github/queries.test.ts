import {expect} from 'chai'
import {parse, validate} from 'graphql'
import {CAPTURE_DOCUMENTS} from '../../src/github/queries.js'
import {PROJECT_REF_DOCUMENTS} from '../../src/github/project-ref.js'
import {githubSchema} from '../../src/sandbox/schema.js'

describe('capture queries', () => {
  for (const [name, text] of Object.entries({...CAPTURE_DOCUMENTS, ...PROJECT_REF_DOCUMENTS})) {
    it(`${name} is valid against GitHub's live schema`, () => {
      expect(validate(githubSchema(), parse(text)).map((e) => e.message)).to.deep.equal([])
    })
  }
})
