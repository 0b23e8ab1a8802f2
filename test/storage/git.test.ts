import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {GitBackend, isTransactional, lockRef, sweepTempIndexes} from '../../src/storage/git.js'
import {inTransaction, openStorage} from '../../src/storage/open.js'
import {isUserError} from '../../src/util/errors.js'
import {storageConformance} from './conformance.js'
import {rejection} from '../helpers/rejection.js'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'))
const BRANCH = 'github-pm-backups'

/** Runs git for the test itself (not through the backend); throws on failure. */
function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('git', args, {cwd, env, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** A work tree with one commit on main and a dirty state: a modified tracked file, a staged file, an untracked file. */
async function userRepo(dir: string): Promise<string> {
  const repo = path.join(dir, 'work')
  await fs.mkdir(repo)
  git(repo, ['init', '-q', '-b', 'main'])
  git(repo, ['config', 'user.name', 'Test User'])
  git(repo, ['config', 'user.email', 'test@example.com'])
  await fs.writeFile(path.join(repo, 'README.md'), 'hello\n')
  await fs.writeFile(path.join(repo, 'tracked.txt'), 'v1\n')
  git(repo, ['add', '.'])
  git(repo, ['commit', '-q', '-m', 'initial'])
  await fs.writeFile(path.join(repo, 'tracked.txt'), 'v2 (modified, unstaged)\n')
  await fs.writeFile(path.join(repo, 'staged.txt'), 'staged\n')
  git(repo, ['add', 'staged.txt'])
  await fs.writeFile(path.join(repo, 'untracked.txt'), 'untracked\n')
  return repo
}

function snapshot(repo: string): Record<string, string> {
  return {
    status: git(repo, ['status', '--porcelain=v1', '--untracked-files=all']),
    head: git(repo, ['rev-parse', 'HEAD']),
    symbolic: git(repo, ['symbolic-ref', 'HEAD']),
    index: git(repo, ['ls-files', '--stage']),
    diff: git(repo, ['diff']),
  }
}

describe('storage/git', () => {
  describe('on a work tree', () => {
    let dir: string
    storageConformance(
      async () => {
        dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-git-'))
        const repo = await userRepo(dir)
        return {
          backend: await GitBackend.open({repo}),
          reopen: () => GitBackend.open({repo}),
          cleanup: () => fs.rm(dir, {recursive: true, force: true}),
        }
      },
      {
        manyKeys: 300,
        putMany: async (backend, entries) => {
          if (!isTransactional(backend)) throw new Error('git backend should be transactional')
          await backend.withTransaction('Backup: many', async (tx) => {
            for (const [k, v] of entries) await tx.put(k, v)
          })
        },
      },
    )
  })

  describe('behaviour', () => {
    let dir: string
    let repo: string
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-git-'))
      repo = await userRepo(dir)
    })
    afterEach(async () => {
      await fs.rm(dir, {recursive: true, force: true})
    })

    it('never touches the working tree, the index, HEAD or the current branch', async () => {
      const before = snapshot(repo)
      const backend = await GitBackend.open({repo})
      await backend.put('p/metadata.json', bytes('{"a":1}'))
      await backend.put('tracked.txt', bytes('a key named like a work tree file'))
      await backend.withTransaction('Backup: nightly', async (tx) => {
        await tx.put('p/events/000001.json', bytes('{}'))
        await tx.delete('p/metadata.json')
      })
      const lock = await backend.lock('global/lock')
      await lock.release()
      expect(snapshot(repo)).to.deep.equal(before)
      expect(await fs.readFile(path.join(repo, 'tracked.txt'), 'utf8')).to.equal('v2 (modified, unstaged)\n')
      expect(git(repo, ['show', `${BRANCH}:p/events/000001.json`])).to.equal('{}')
    })

    it('makes one commit per put/delete, and one commit named after the backup for a transaction', async () => {
      const backend = await GitBackend.open({repo})
      await backend.put('a.json', bytes('1'))
      await backend.delete('a.json')
      await backend.delete('never-there.json') // no change, no commit
      await inTransaction(backend, 'Backup: before-major-refactor', async (tx) => {
        await tx.put('p/events/000001.json', bytes('base'))
        await tx.put('p/head.json', bytes('head'))
        expect(text(await tx.get('p/head.json'))).to.equal('head') // the transaction reads its own writes
        expect(await tx.list('p/')).to.deep.equal(['p/events/000001.json', 'p/head.json'])
        expect(await backend.get('p/head.json')).to.equal(undefined) // nothing committed yet
      })
      const log = git(repo, ['log', '--format=%s', BRANCH]).trim().split('\n')
      expect(log).to.deep.equal(['Backup: before-major-refactor', 'github-pm: delete a.json', 'github-pm: put a.json'])
      expect(git(repo, ['ls-tree', '-r', '--name-only', BRANCH]).trim().split('\n')).to.deep.equal(['p/events/000001.json', 'p/head.json'])
    })

    it('writes nothing when the transaction fails', async () => {
      const backend = await GitBackend.open({repo})
      await backend.put('kept.json', bytes('1'))
      const error = await rejection(
        backend.withTransaction('Backup: broken', async (tx) => {
          await tx.put('half.json', bytes('x'))
          throw new Error('capture failed')
        }),
      )
      expect(error.message).to.equal('capture failed')
      expect(await backend.list('')).to.deep.equal(['kept.json'])
      expect(git(repo, ['rev-list', '--count', BRANCH]).trim()).to.equal('1')
    })

    it('holds a lock taken inside a transaction until the commit is made', async () => {
      const backend = await GitBackend.open({repo})
      const other = await GitBackend.open({repo})
      let seen: string | undefined
      await backend.withTransaction('Backup: locked', async (tx) => {
        const lock = await tx.lock('p/lock', {owner: 'writer'})
        await tx.put('p/head.json', bytes('new'))
        await lock.release() // deferred until after the commit
        const error = await rejection(other.lock('p/lock', {owner: 'reader'}))
        seen = error.message
      })
      expect(seen).to.contain('writer')
      const lock = await other.lock('p/lock', {owner: 'reader'})
      expect(text(await other.get('p/head.json'))).to.equal('new')
      await lock.release()
    })

    it('keeps locks as refs holding the lock record, and removes them on release', async () => {
      const backend = await GitBackend.open({repo})
      const lock = await backend.lock('global/lock', {owner: 'alice@laptop'})
      const ref = lockRef('global/lock')
      expect(ref).to.equal('refs/github-pm/locks/global%2Flock')
      const record = JSON.parse(git(repo, ['cat-file', 'blob', ref]))
      expect(record.owner).to.equal('alice@laptop')
      expect(record.pid).to.equal(process.pid)
      await lock.release()
      expect(spawnSync('git', ['rev-parse', '--verify', '--quiet', ref], {cwd: repo}).status).to.not.equal(0)
    })

    it('takes over a lock whose process is gone', async () => {
      const backend = await GitBackend.open({repo})
      const dead = {owner: 'crashed', host: os.hostname(), pid: 2 ** 22 + 12345, time: new Date().toISOString(), token: 'abc'}
      const blob = spawnSync('git', ['hash-object', '-w', '--stdin'], {cwd: repo, input: JSON.stringify(dead), encoding: 'utf8'}).stdout.trim()
      git(repo, ['update-ref', lockRef('global/lock'), blob])
      const lock = await backend.lock('global/lock', {owner: 'me'})
      expect(JSON.parse(git(repo, ['cat-file', 'blob', lockRef('global/lock')])).owner).to.equal('me')
      await lock.release()
    })

    it('the next run removes the temporary index files a killed run left, never those of a live process', async () => {
      const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-sweep-'))
      // the pid of a process that has ended, as a killed github-pm's would be
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'}).stdout
      const left = [`github-pm-index-${dead}-0123456789ab`, `github-pm-index-${dead}-0123456789ab.lock`]
      const live = `github-pm-index-${process.pid}-ba9876543210`
      for (const name of [...left, live, 'unrelated-file']) await fs.writeFile(path.join(tmp, name), 'x')
      expect((await sweepTempIndexes(tmp)).sort()).to.deep.equal(left.sort())
      expect((await fs.readdir(tmp)).sort()).to.deep.equal([live, 'unrelated-file'].sort())
      await fs.rm(tmp, {recursive: true, force: true})
    })

    it('keeps files readable with plain git (git show), byte for byte', async () => {
      const backend = await GitBackend.open({repo})
      await backend.put('p/lines.txt', bytes('a\r\nb\n\u00e9'))
      expect(text(await backend.get('p/lines.txt'))).to.equal('a\r\nb\n\u00e9')
      expect(git(repo, ['show', `${BRANCH}:p/lines.txt`])).to.equal('a\r\nb\n\u00e9')
    })

    it('refuses a branch that is checked out', async () => {
      git(repo, ['branch', 'backups'])
      const wt = path.join(dir, 'other-worktree')
      git(repo, ['worktree', 'add', '-q', wt, 'backups'])
      const error = await rejection(GitBackend.open({repo, branch: 'backups'}))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/branch backups is checked out/)
    })

    it('commits as github-pm when the repository has no identity', async () => {
      git(repo, ['config', '--unset', 'user.name'])
      git(repo, ['config', '--unset', 'user.email'])
      const home = path.join(dir, 'empty-home')
      await fs.mkdir(home)
      const env = {...process.env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, 'none')}
      const backend = await GitBackend.open({repo, env})
      await backend.put('a.json', bytes('1'))
      expect(git(repo, ['log', '-1', '--format=%an <%ae>', BRANCH], env).trim()).to.equal('github-pm <github-pm@localhost>')
    })

    it('uses the configured identity when there is one', async () => {
      const backend = await GitBackend.open({repo})
      await backend.put('a.json', bytes('1'))
      expect(git(repo, ['log', '-1', '--format=%an <%ae>', BRANCH]).trim()).to.equal('Test User <test@example.com>')
    })

    it("takes git's author and committer from GIT_AUTHOR_* and GIT_COMMITTER_*, as git commit does", async () => {
      const env = {...process.env, GIT_AUTHOR_NAME: 'Ann Author', GIT_COMMITTER_EMAIL: 'ci@example.com', GIT_COMMITTER_DATE: '1700000000 +0130'}
      const backend = await GitBackend.open({repo, env})
      const before = Math.floor(Date.now() / 1000)
      await backend.put('a.json', bytes('1'))
      const [author, committer, authorTime] = git(repo, ['log', '-1', '--format=%an <%ae>%n%cn <%ce> %ct %cd%n%at', '--date=raw', BRANCH]).trim().split('\n')
      expect(author).to.equal('Ann Author <test@example.com>')
      expect(committer).to.equal('Test User <ci@example.com> 1700000000 1700000000 +0130')
      expect(Number(authorTime)).to.be.within(before, Math.floor(Date.now() / 1000))
    })

    it('stores keys with quotes, spaces, newlines and non-ASCII characters under their exact names, and leaves no other ref', async () => {
      const backend = await GitBackend.open({repo})
      const keys = ['p/a "quoted" name.json', 'p/line\nbreak\ttab.json', 'p/caf\u00e9 \u{1F600}.json', 'p/"leading-quote', 'p/back\u007fspace']
      await backend.withTransaction('Backup: odd names', async (tx) => {
        for (const key of keys) await tx.put(key, bytes(`content of ${key}`))
      })
      expect(await backend.list('p/')).to.deep.equal([...keys].sort())
      for (const key of keys) expect(text(await (await GitBackend.open({repo})).get(key)), key).to.equal(`content of ${key}`)
      const names = git(repo, ['ls-tree', '-r', '-z', '--name-only', BRANCH]).split('\0').filter(Boolean)
      expect(names.sort()).to.deep.equal([...keys].sort())
      await backend.delete(keys[1])
      expect(await backend.list('p/')).to.deep.equal(keys.filter((k) => k !== keys[1]).sort())
      expect(git(repo, ['for-each-ref', '--format=%(refname)']).trim().split('\n')).to.deep.equal(['refs/heads/github-pm-backups', 'refs/heads/main'])
    })

    it('opens `git` as the repository of the current directory and git+file URLs with a branch', async () => {
      const sub = path.join(repo, 'sub', 'dir')
      await fs.mkdir(sub, {recursive: true})
      const here = await openStorage('git', process.env, {cwd: sub})
      expect(here.url).to.equal(`git+file://${await fs.realpath(repo)}#${BRANCH}`)
      await here.put('x.json', bytes('here'))
      const same = await openStorage(`git+file://${repo}#${BRANCH}`)
      expect(text(await same.get('x.json'))).to.equal('here')
      const other = await openStorage(`git+file://${repo}#team/backups`)
      expect(await other.get('x.json')).to.equal(undefined)
      await other.put('y.json', bytes('y'))
      expect(git(repo, ['show', 'team/backups:y.json'])).to.equal('y')
      const error = await rejection(openStorage('git', process.env, {cwd: dir}))
      expect(error.message).to.match(/not inside a git work tree/)
    })

    it('creates a bare repository for a git+file URL that does not exist yet', async () => {
      const target = path.join(dir, 'new-backups.git')
      const backend = await openStorage(`git+file://${target}`)
      await backend.put('a.json', bytes('1'))
      expect(git(target, ['rev-parse', '--is-bare-repository']).trim()).to.equal('true')
      expect(git(target, ['show', `${BRANCH}:a.json`])).to.equal('1')
      await fs.writeFile(path.join(dir, 'plain-folder-file'), 'x')
      const error = await rejection(openStorage(`git+file://${dir}`))
      expect(error.message).to.match(/is not a git repository/)
    })
  })

  describe('with a remote', () => {
    let dir: string
    let bare: string
    let repo: string
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-git-remote-'))
      repo = await userRepo(dir)
      bare = path.join(dir, 'remote.git')
      git(dir, ['init', '-q', '--bare', bare])
      git(repo, ['remote', 'add', 'origin', bare])
    })
    afterEach(async () => {
      await fs.rm(dir, {recursive: true, force: true})
    })

    async function clone(name: string): Promise<string> {
      const target = path.join(dir, name)
      git(dir, ['clone', '-q', bare, target])
      git(target, ['config', 'user.name', name])
      git(target, ['config', 'user.email', `${name}@example.com`])
      return target
    }

    it('pushes every commit to the remote, and a second clone reads the same data via fetch', async () => {
      const before = snapshot(repo)
      const backend = await openStorage(`git+file://${repo}?remote=origin`)
      await inTransaction(backend, 'Backup: first', async (tx) => {
        await tx.put('p/events/000001.json', bytes('base'))
        await tx.put('p/head.json', bytes('head-1'))
      })
      expect(git(bare, ['log', '--format=%s', BRANCH]).trim()).to.equal('Backup: first')
      expect(git(bare, ['show', `${BRANCH}:p/head.json`])).to.equal('head-1')
      expect(snapshot(repo)).to.deep.equal(before)

      const second = await clone('laptop')
      const reader = await GitBackend.open({repo: second, remote: 'origin'})
      expect(text(await reader.get('p/head.json'))).to.equal('head-1')
      expect(await reader.list('p/')).to.deep.equal(['p/events/000001.json', 'p/head.json'])
    })

    it('rebuilds on the remote when it moved with other files, and fails clearly when it changed the same file', async () => {
      const a = await GitBackend.open({repo: await clone('a'), remote: 'origin'})
      const b = await GitBackend.open({repo: await clone('b'), remote: 'origin'})
      await a.put('shared.json', bytes('base'))
      expect(text(await b.get('shared.json'))).to.equal('base') // b fetched once, now
      await a.put('from-a.json', bytes('a'))
      await b.put('from-b.json', bytes('b')) // rejected first (remote moved), then rebuilt on it
      expect(git(bare, ['ls-tree', '-r', '--name-only', BRANCH]).trim().split('\n')).to.deep.equal(['from-a.json', 'from-b.json', 'shared.json'])

      await a.put('shared.json', bytes('a wins'))
      const error = await rejection(b.put('shared.json', bytes('b loses')))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/nothing was saved: origin changed shared\.json .*run the command again/)
      expect(text(await b.get('shared.json'))).to.equal('a wins')
      expect(git(bare, ['show', `${BRANCH}:shared.json`])).to.equal('a wins')
    })

    it('refuses to write over diverged histories and never force-pushes', async () => {
      const a = await GitBackend.open({repo: await clone('a'), remote: 'origin'})
      await a.put('remote.json', bytes('r'))
      const localOnly = await GitBackend.open({repo}) // no remote: a separate history on the same branch name
      await localOnly.put('local.json', bytes('l'))
      const withRemote = await GitBackend.open({repo, remote: 'origin'})
      const error = await rejection(withRemote.get('local.json'))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/have diverged/)
      expect(git(bare, ['ls-tree', '-r', '--name-only', BRANCH]).trim()).to.equal('remote.json')
    })

    it('pushes local commits made while the remote was not configured', async () => {
      const offline = await GitBackend.open({repo})
      await offline.put('offline.json', bytes('1'))
      const online = await GitBackend.open({repo, remote: 'origin'})
      expect(text(await online.get('offline.json'))).to.equal('1')
      expect(git(bare, ['show', `${BRANCH}:offline.json`])).to.equal('1')
    })

    it('names the remote when it cannot be reached', async () => {
      const backend = await GitBackend.open({repo, remote: path.join(dir, 'missing.git')})
      const error = await rejection(backend.get('x'))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/could not fetch backups from .*missing\.git/)
    })
  })
})
