import {Flags} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
import {loadWorld, saveWorld, startSandbox, type LimitsMode} from '../../sandbox/index.js'

export default class BackupSandbox extends BaseCommand<typeof BackupSandbox> {
  static override summary = 'Run a local GitHub replica (GraphQL + REST) on loopback, for trying everything without a token'
  static override description =
    'Serves GitHub\'s real GraphQL schema with GitHub\'s limits and hazards. Prints GITHUB_API_URL=http://127.0.0.1:PORT ' +
    'once it listens; point the CLI at it with that variable. Runs until SIGINT or SIGTERM; with --state it loads the ' +
    'world at start and saves it at exit.'
  static override examples = [
    '<%= config.bin %> backup sandbox --port 0',
    '<%= config.bin %> backup sandbox --seed demo.json --state sandbox-state.json --limits fast',
  ]
  static override enableJsonFlag = false
  static override flags = {
    port: Flags.integer({description: 'port on 127.0.0.1 (0 picks a free one)', default: 0, min: 0, max: 65535}),
    seed: Flags.string({description: 'a seed file describing owners, repositories, issues and projects (docs/sandbox-seed.md)'}),
    state: Flags.string({description: 'load the world from this file at start (if it exists) and save it there at exit'}),
    limits: Flags.string({
      description: "github: GitHub's limits in real time; fast: the same on a clock 60x faster; off: count costs, refuse nothing",
      options: ['github', 'fast', 'off'],
      default: 'github',
    }),
  }

  async run(): Promise<void> {
    const {world, from} = await loadWorld({state: this.flags.state, seed: this.flags.seed})
    const sandbox = await startSandbox({backend: world, port: this.flags.port, limits: this.flags.limits as LimitsMode})
    process.stdout.write(`GITHUB_API_URL=${sandbox.url}\n`)
    this.logToStderr(`sandbox listening (${from} world, limits ${this.flags.limits}); stop with Ctrl-C`)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await sandbox.close()
    if (this.flags.state) {
      await saveWorld(world, this.flags.state)
      this.logToStderr(`state saved to ${this.flags.state}`)
    }
  }
}
