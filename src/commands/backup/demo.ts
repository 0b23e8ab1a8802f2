import {Flags} from '@oclif/core'
import {runDemo, type DemoStep} from '../../app/demo.js'
import {BaseCommand} from '../../base-command.js'
import {failure} from '../../util/errors.js'

export default class BackupDemo extends BaseCommand<typeof BackupDemo> {
  static override summary = 'The whole story on the built-in sandbox, no token: backup, disaster, plan, restore, proof'
  static override examples = ['<%= config.bin %> backup demo', '<%= config.bin %> backup demo --json']
  static override flags = {
    home: Flags.string({description: 'folder for the demo backups (default: a new temporary folder)'}),
  }

  async run(): Promise<unknown> {
    const steps: DemoStep[] = []
    const result = await runDemo({
      home: this.flags.home,
      report: (step) => {
        steps.push(step)
        this.log(`\n== ${step.step}\n${step.text}`)
      },
    })
    if (!result.equal) throw failure('failed', 'the demo restore did not bring the project back to the backup', {document: {...result, steps}})
    return {...result, steps: steps.map(({step, text}) => ({step, text}))}
  }
}
