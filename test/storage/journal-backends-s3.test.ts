import {KINDS, journalSuite} from './journal-suite.js'

/** The journal suite (journal-suite.ts) on S3 (moto), plain and encrypted. */
describe('the journal on every backend, plain and encrypted', function () {
  journalSuite([KINDS.s3])
})
