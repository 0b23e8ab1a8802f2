import {KINDS, journalSuite} from './journal-suite.js'

/** The journal suite (journal-suite.ts) on GCS's S3-compatible XML API (on moto), plain and encrypted. */
describe('the journal on every backend, plain and encrypted', function () {
  journalSuite([KINDS.gcs])
})
