import {startSandboxProcess} from './sandbox.js'
const sandbox = await startSandboxProcess(process.argv[2], 'off', 'state')
process.stdout.write(sandbox.url + '\n')
process.on('SIGTERM', async () => { await sandbox.stop(); process.exit(0) })
setInterval(() => {}, 1 << 30)
