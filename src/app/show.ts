import {buildBoard, type Board, type BoardOptions} from '../journal/board.js'
import type {EventHeader} from '../journal/events.js'
import type {Journal} from '../journal/journal.js'

export interface ShowRequest extends BoardOptions {
  /** a backup name, a unique prefix of one, or `latest` (default: latest) */
  name?: string
  /** the backup in force at this time (the newest at or before it); exclusive with `name` */
  at?: Date
}

export interface ShowResult {
  backup: Pick<EventHeader, 'name' | 'timestamp' | 'type'>
  board: Board
}

/**
 * `backup show`: the board as it was at one backup. The backup is picked as `restore --at` and `compare` pick it; its
 * state is replayed from the journal; `@today` and `@current` in a view's filter mean the backup's day.
 */
export async function showBoard(journal: Journal, request: ShowRequest = {}): Promise<ShowResult> {
  const header = request.at ? journal.at(request.at) : journal.find(request.name ?? 'latest')
  const state = await journal.takeState(header)
  const board = buildBoard(state, request, header.timestamp.slice(0, 10))
  return {backup: {name: header.name, timestamp: header.timestamp, type: header.type}, board}
}
