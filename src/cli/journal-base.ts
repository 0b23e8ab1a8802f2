import {Command} from '@oclif/core'
import {backedUpProjectId, journalFor, repository, type Repository, type Session} from '../app/session.js'
import {ProjectCommand} from '../base-command.js'
import type {Journal} from '../journal/journal.js'

/** Commands that read or manage one project's journal (list, info, delete, validate, compare, export, ...). */
export abstract class JournalBase<T extends typeof Command> extends ProjectCommand<T> {
  protected async openJournalFor(storage?: string): Promise<{session: Session; repo: Repository; journal: Journal}> {
    const session = await this.newSession()
    const repo = await repository(session, storage)
    const projectId = await backedUpProjectId(session, repo, (this.flags as {project?: string}).project)
    const journal = await journalFor(session, repo, projectId)
    return {session, repo, journal}
  }
}
