import {KINDS, journalSuite} from './journal-suite.js'

/** The journal suite (journal-suite.ts) on a git repository with a bare remote, plain and encrypted. */
describe('the journal on every backend, plain and encrypted', function () {
  journalSuite([KINDS.git])
})
