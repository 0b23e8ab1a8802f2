/**
 * `backup report --html` in a real browser: Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by
 * playwright-core with its executablePath (no browser download), the page opened from file:// with every request that
 * is not the file itself refused and recorded. Asserts what a person sees: the board at a chosen backup, the changes
 * between two chosen backups highlighted, the charts' series. With UPDATE_SCREENSHOTS=1 it saves the screenshots that
 * docs/report.md and the README show (docs/images/report-*.png).
 */
import {expect} from 'chai'
import {existsSync, promises as fs} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {chromium, type Browser, type Page} from 'playwright-core'
import {backupInProcess, json, ROOT, startE2E, type E2E} from '../helpers/e2e.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const RENAMED = 'Write the capture queries (v2)'
const HOSTILE = 'Release notes </script><script>window.pwned=1</script> 捕获 🚀'
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1'

describe('backup report --html in a browser (chromium, file://, no network)', function () {
  this.timeout(180_000)
  let e: E2E
  let browser: Browser
  let page: Page
  let file: string
  const requests: string[] = []
  const errors: string[] = []

  before(async () => {
    // a missing browser FAILS this suite with the reason: the report's page is only tested in a real browser
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`)
    e = await startE2E()
    const first = await backupInProcess(e, 'sprint-start')
    const project = (
      await e.gql(
        `query($id: ID!) { node(id: $id) { ... on ProjectV2 {
          fields(first: 50) { nodes { ... on ProjectV2SingleSelectField { id name options { id name } } } }
          items(first: 50) { nodes { id content { ... on Issue { id number } } } }
        } } }`,
        {id: first.project.id},
      )
    ).node
    const status = project.fields.nodes.find((f: any) => f.name === 'Status')
    const item = (n: number) => project.items.nodes.find((i: any) => i.content?.number === n)
    // mid-sprint: #1 from Backlog to Done, #3 renamed
    await e.gql(
      `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }`,
      {p: first.project.id, i: item(1).id, f: status.id, o: status.options.find((o: any) => o.name === 'Done').id},
    )
    await e.gql(`mutation($id: ID!, $t: String!) { updateIssue(input: {id: $id, title: $t}) { issue { id } } }`, {id: item(3).content.id, t: RENAMED})
    await backupInProcess(e, 'mid-sprint')
    // sprint-end: #5 deleted from the project, a draft added (no Status) with a title that tries to end the page's script
    await e.gql(`mutation($p: ID!, $i: ID!) { deleteProjectV2Item(input: {projectId: $p, itemId: $i}) { deletedItemId } }`, {p: first.project.id, i: item(5).id})
    await e.gql(`mutation($p: ID!, $t: String!) { addProjectV2DraftIssue(input: {projectId: $p, title: $t}) { projectItem { id } } }`, {p: first.project.id, t: HOSTILE})
    await backupInProcess(e, 'sprint-end')

    file = path.join(e.home, 'out', 'board-history.html')
    const r = await e.cli(['backup', 'report', '--html', file, '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const summary = json(r.stdout)
    expect(summary).to.include({file, backups: 3, items: 15})
    expect(summary.bytes).to.equal((await fs.stat(file)).size)
    expect((await fs.stat(file)).mode & 0o777).to.equal(0o600)

    browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: FLAGS})
    const context = await browser.newContext({viewport: {width: 1280, height: 900}, deviceScaleFactor: 1})
    // every request but the file itself is refused and recorded (the page's CSP should make none)
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (url === pathToFileURL(file).href) return route.continue()
      requests.push(url)
      return route.abort()
    })
    page = await context.newPage()
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`)
      void d.dismiss()
    })
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-ready="1"]', {timeout: 20_000})
  })
  after(async () => {
    await browser?.close()
    await e?.close()
  })

  const column = (name: string) => page.locator(`#board .column[data-group="${name}"]`)
  const cardsOf = async (name: string) => column(name).locator('.card').evaluateAll((cs) => cs.map((c) => (c as any).dataset.ref))

  it('opens on the newest backup with its changes since the one before highlighted: the deleted item struck out, the new draft added, its hostile title as text', async () => {
    expect(await page.locator('#backup-label').textContent()).to.match(/^sprint-end \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/)
    expect(await page.locator('#from option:checked').textContent()).to.match(/^mid-sprint /)
    const removed = column('Backlog').locator('.card.chg-removed')
    expect(await removed.getAttribute('data-ref')).to.equal('#5')
    expect(await removed.locator('.why').textContent()).to.equal('removed from Backlog')
    const added = column('No Status').locator('.card.chg-added')
    // the hostile title is text on the card, not markup: its script never ran
    expect(await added.locator('.title').textContent()).to.equal(HOSTILE)
    expect(await page.evaluate(() => (globalThis as any).pwned)).to.equal(undefined)
    expect(await page.locator('#changes-summary').textContent()).to.match(/: 1 added, 1 removed, 0 moved, 0 edited$/)
    expect(await page.locator('.legend').textContent()).to.contain('added').and.contain('removed').and.contain('moved').and.contain('edited')
  })

  it('moves the slider to the first backup: the board as it was then, #1 in Backlog, nothing highlighted', async () => {
    await page.locator('#slider').focus()
    await page.keyboard.press('Home')
    expect(await page.locator('#backup-label').textContent()).to.match(/^sprint-start /)
    expect(await page.locator('#board .column h3 .name').allTextContents()).to.deep.equal(['Backlog', 'Doing', 'Review', 'Done'])
    expect(await cardsOf('Backlog')).to.deep.equal(['#1', '#5', '#9', 'draft', 'draft'])
    expect(await cardsOf('Done')).to.deep.equal(['#4', '#8'])
    expect(await page.locator('#board .card[class*="chg-"]').count()).to.equal(0)
    expect(await page.locator('#board-heading').textContent()).to.match(/: 14 items \(1 archived, not shown\)$/)
    expect(await page.locator('#fields td').allTextContents()).to.include('Notes')
  })

  it('from/to: the change from sprint-start to mid-sprint is listed and highlighted on the board in the legend\'s colours', async () => {
    await page.locator('#to').selectOption({index: 1})
    await page.locator('#from').selectOption({index: 0})
    expect(await page.locator('#backup-label').textContent()).to.match(/^mid-sprint /)
    const moved = column('Done').locator('.card[data-ref="#1"]')
    expect(await moved.getAttribute('class')).to.equal('card chg-moved')
    expect(await moved.locator('.why').textContent()).to.equal('moved from Backlog to Done')
    expect(await cardsOf('Backlog')).to.not.include('#1')
    const edited = column('Review').locator('.card[data-ref="#3"]')
    expect(await edited.getAttribute('class')).to.equal('card chg-edited')
    expect(await edited.locator('.title').textContent()).to.equal(RENAMED)
    expect(await edited.locator('.why').textContent()).to.equal('edited: Title')
    expect(await page.locator('#changes li').evaluateAll((lis) => lis.map((li) => [li.className, (li as any).dataset.ref]))).to.deep.equal([
      ['chg-moved', '#1'],
      ['chg-edited', '#3'],
    ])
    // the highlight is on the board a person sees: the card's colour is the legend's
    // (the page's globals through globalThis: the tests compile without the DOM's types)
    const [cardBorder, legendMoved] = await page.evaluate(() => {
      const w = globalThis as any
      return [
        w.getComputedStyle(w.document.querySelector('#board .card.chg-moved')).borderLeftColor,
        w.getComputedStyle(w.document.querySelector('.legend .l-moved'), '::before').backgroundColor,
      ]
    })
    expect(cardBorder).to.equal(legendMoved)
    if (SHOTS) await page.screenshot({path: path.join(ROOT, 'docs', 'images', 'report-board.png'), fullPage: false})
  })

  it('draws the cumulative flow and the item counts with chart.js: one series per Status value, one point per backup', async () => {
    // (no function defined inside: the test runner's transpiler would wrap it in a helper the page does not have)
    const series = await page.evaluate(() => {
      const w = globalThis as any
      const cfd = w.Chart.getChart(w.document.getElementById('cfd'))
      const counts = w.Chart.getChart(w.document.getElementById('counts'))
      return {
        type: cfd.config.type,
        stacked: cfd.options.scales.y.stacked,
        labels: cfd.data.labels,
        cfd: cfd.data.datasets.map((d: any) => [d.label, d.data]),
        counts: counts.data.datasets.map((d: any) => [d.label, d.data]),
      }
    })
    expect(series.type).to.equal('line')
    expect(series.stacked).to.equal(true)
    expect(series.labels).to.deep.equal(['sprint-start', 'mid-sprint', 'sprint-end'])
    expect(series.cfd).to.deep.equal([
      ['Backlog', [5, 4, 3]],
      ['Doing', [3, 3, 3]],
      ['Review', [4, 4, 4]],
      ['Done', [2, 3, 3]],
      ['No Status', [0, 0, 1]],
    ])
    expect(series.counts).to.deep.equal([
      ['Items on the board', [14, 14, 14]],
      ['Archived', [1, 1, 1]],
    ])
    // the canvas is drawn (not blank)
    const painted = await page.evaluate(() => {
      const c = (globalThis as any).document.getElementById('cfd')
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
      return n / (d.length / 4)
    })
    expect(painted).to.be.above(0.05)
    if (SHOTS) await page.locator('.charts').screenshot({path: path.join(ROOT, 'docs', 'images', 'report-charts.png')})
  })

  it('backup:report (the colon form) says so in one line when no backup is in the range, and writes nothing', async () => {
    const empty = path.join(e.home, 'out', 'empty.html')
    const r = await e.cli(['backup:report', '--since', '2099-01-01', '--html', empty, '--project', 'acme/1'])
    expect(r.code).to.equal(1)
    expect(r.stderr.trim()).to.match(/no full backup of project \S+ is in the range from 2099-01-01T00:00:00.000Z$/)
    expect(existsSync(empty)).to.equal(false)
  })

  it('made no request beyond its own file and raised no error (CSP: default-src none)', async () => {
    expect(requests).to.deep.equal([])
    expect(errors).to.deep.equal([])
  })
})
