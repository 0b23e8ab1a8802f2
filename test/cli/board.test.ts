import {expect} from 'chai'
import stringWidth from 'string-width'
import {csvField, fitColumns, renderBoardCsv, renderBoardMarkdown, renderBoardTable, truncate} from '../../src/cli/board.js'
import {buildBoard} from '../../src/journal/board.js'
import type {ProjectState} from '../../src/model/state.js'
import {buildState} from '../helpers/states.js'

const heading = {backup: {name: 'auto-20261125-100000', timestamp: '2026-11-25T10:00:00.000Z'}}

const TITLES = [
  '修复登录页面在移动端显示错误的问题并补充测试用例',
  '🚀 Release 2.0 🎉 with 👨‍👩‍👧 family emoji and ❤️ hearts',
  'ログイン画面の崩れ、"quoted", and a comma',
  'plain ascii title that is long enough to need cutting somewhere in a narrow terminal',
  'line one\nline two\twith a tab and an \u001b[31mescape\u001b[0m',
]

/** A state whose live items carry wide, emoji, quoted and multi-line titles, and a Notes value with CJK. */
function wide(): ProjectState {
  const s = buildState(11, {items: 12})
  s.itemOrder!.forEach((k, i) => {
    const item = s.items![k]
    const title = TITLES[i % TITLES.length]
    if (item.content) item.content.title = title
    if (item.draft) item.draft.title = title
    item.values.PVTF_notes = {type: 'text', text: '备注：需要和设计团队确认 ✅'}
  })
  s.fields.PVTSSF_status.options![Object.keys(s.fields.PVTSSF_status.options!)[0]].name = '待办 📋'
  for (const k of s.itemOrder!) {
    const v = s.items![k].values.PVTSSF_status
    if (v?.type === 'singleSelect' && s.fields.PVTSSF_status.options![v.optionId]) v.name = s.fields.PVTSSF_status.options![v.optionId].name
  }
  return s
}

describe('cli board rendering (backup show)', () => {
  it('cuts to a display width: every line of a CJK and emoji board fits, for narrow and wide terminals', () => {
    const board = buildBoard(wide())
    for (const width of [10, 24, 40, 63, 80, 100, 160]) {
      const text = renderBoardTable(board, heading, width)
      const lines = text.trimEnd().split('\n')
      for (const line of lines) expect(stringWidth(line), `width ${width}: ${JSON.stringify(line)}`).to.be.at.most(width)
      // no control character reaches the terminal, and each item is one line
      // eslint-disable-next-line no-control-regex
      expect(text).to.not.match(/[\u0000-\u0009\u000b-\u001f]/)
      if (width >= 40) {
        expect(lines.filter((l) => l.startsWith('Title'))).to.have.length(board.groups.filter((g) => g.items.length).length)
        const leftOut = lines.filter((l) => l.startsWith('columns left out')).length
        if (width === 40) expect(leftOut).to.equal(1)
        if (width === 160) expect(leftOut).to.equal(0)
        expect(lines.length).to.equal(2 + leftOut + board.groups.length * 2 + board.groups.filter((g) => g.items.length).length + board.total)
      }
    }
    const narrow = renderBoardTable(board, heading, 40)
    expect(narrow).to.include('…')
    expect(narrow).to.include('待办 📋 (')
  })

  it('keeps every cell whole when the terminal is wide enough, in aligned columns', () => {
    const board = buildBoard(wide())
    const text = renderBoardTable(board, heading, 400)
    expect(text).to.not.include('…')
    expect(text).to.include('修复登录页面在移动端显示错误的问题并补充测试用例')
    // the column after the title starts at the same display column on every row of a group
    const rows = text.split('\n').filter((l) => / {2}(api|web)#\d+| {2}draft/.test(l))
    const starts = rows.map((l) => stringWidth(l.slice(0, l.search(/(api|web)#\d+|draft {2}/))))
    expect(new Set(starts).size).to.equal(1)
  })

  it('fits columns by capping the widest first (the title at twice the cap), and leaves columns out from the right below 5 columns each', () => {
    expect(fitColumns([10, 5, 3], 100)).to.deep.equal([10, 5, 3])
    // the title and the long notes give way; the short column stays whole; the line is exactly the width
    expect(fitColumns([60, 5, 40], 50)).to.deep.equal([28, 5, 13])
    // a date column stays whole while a long text is cut
    expect(fitColumns([50, 6, 40, 10], 60)).to.deep.equal([26, 6, 12, 10])
    // not even 5 columns each: the rightmost are left out
    expect(fitColumns([30, 8, 8, 8], 24)).to.deep.equal([10, 5, 5])
    expect(fitColumns([5, 5, 5, 5], 7)).to.deep.equal([5])
    expect(truncate('修复登录', 5)).to.equal('修复…')
    expect(stringWidth(truncate('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 4))).to.be.at.most(4)
  })

  it('writes RFC 4180 CSV: one record per item with its group, quotes and line breaks quoted, CRLF', () => {
    expect(csvField('plain')).to.equal('plain')
    expect(csvField('a, b')).to.equal('"a, b"')
    expect(csvField('say "hi"')).to.equal('"say ""hi"""')
    expect(csvField('two\nlines')).to.equal('"two\nlines"')
    const board = buildBoard(wide())
    const csv = renderBoardCsv(board)
    expect(csv.endsWith('\r\n')).to.equal(true)
    expect(csv.split('\r\n')[0]).to.equal(['Status', ...board.columns].join(','))
    expect(csv).to.include('"ログイン画面の崩れ、""quoted"", and a comma"')
    expect(csv).to.include('"line one\nline two')
    // parse it back: the same records
    const records = parseCsv(csv)
    expect(records).to.have.length(1 + board.total)
    const first = board.groups.find((g) => g.items.length)!
    expect(records[1]).to.deep.equal([first.name, ...board.columns.map((c) => first.items[0].values[c])])
  })

  it('writes Markdown: a heading per group and a table whose pipes are escaped', () => {
    const s = wide()
    const k = s.itemOrder!.find((key) => !s.items![key].archived)!
    s.items![k].content!.title = 'a | b'
    const board = buildBoard(s)
    const md = renderBoardMarkdown(board, heading)
    expect(md).to.include('# Roadmap as of backup auto-20261125-100000')
    for (const g of board.groups) expect(md).to.include(`## ${g.name} (${g.items.length})`)
    expect(md).to.include('a \\| b')
    const header = md.split('\n').find((l) => l.startsWith('| Title'))!
    for (const row of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
      expect(row.split(/(?<!\\)\|/).length, row).to.equal(header.split('|').length)
    }
  })
})

/** A strict RFC 4180 reader for the test. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      record.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += ch
  }
  return records
}
