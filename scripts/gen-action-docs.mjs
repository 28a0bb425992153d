// Generates the README's tables of Action inputs and outputs from action.yml.
//   node scripts/gen-action-docs.mjs           rewrite README.md between the action-docs markers
//   node scripts/gen-action-docs.mjs --check   exit 1 when README.md differs (run by the jest suite)
// --action FILE and --readme FILE point at other files (tests).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import yaml from 'js-yaml'
import * as prettier from 'prettier'

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    action: { type: 'string', default: 'action.yml' },
    readme: { type: 'string', default: 'README.md' }
  }
})

const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
const code = (text) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``)

export function tables(action) {
  const inputs = Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const value = input.default === undefined ? '' : String(input.default)
    const shown = value === '' ? '(empty)' : code(value)
    return `| \`${name}\` | ${shown} | ${cell(input.description ?? '')} |`
  })
  const outputs = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`
  )
  return {
    inputs: ['| Input | Default | Description |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| Output | Description |', '| --- | --- |', ...outputs].join('\n')
  }
}

function replaceBetween(text, name, content, file) {
  const start = `<!-- action-docs:${name}:start -->`
  const end = `<!-- action-docs:${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`${file}: markers ${start} … ${end} not found`)
  return `${text.slice(0, from + start.length)}\n\n${content}\n\n${text.slice(to)}`
}

const actionFile = path.resolve(values.action)
const readmeFile = path.resolve(values.readme)
const action = yaml.load(fs.readFileSync(actionFile, 'utf8'))
const current = fs.readFileSync(readmeFile, 'utf8')
const generated = tables(action)
// Only the tables are formatted (aligned as prettier aligns them); the rest of the README is left as is.
const options = (await prettier.resolveConfig(readmeFile)) ?? {}
const format = async (table) =>
  (await prettier.format(table, { ...options, filepath: readmeFile })).trimEnd()
let next = replaceBetween(current, 'inputs', await format(generated.inputs), readmeFile)
next = replaceBetween(next, 'outputs', await format(generated.outputs), readmeFile)

if (values.check) {
  if (next !== current) {
    console.error(
      `${path.relative(process.cwd(), readmeFile)}: the inputs/outputs tables differ from ${path.relative(process.cwd(), actionFile)}. Run 'node scripts/gen-action-docs.mjs'.`
    )
    process.exit(1)
  }
  console.log('README action tables match action.yml')
} else if (next !== current) {
  fs.writeFileSync(readmeFile, next)
  console.log(`updated ${path.relative(process.cwd(), readmeFile)}`)
}
