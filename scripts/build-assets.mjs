// Builds the front end into static/dist/ (served by the Go server at
// /static/dist/ and embedded into the binary):
//   portal.css              static/src/portal.scss compiled with GOV.UK Frontend's Sass
//   portal.js               static/js/portal.js (our ES module)
//   govuk-frontend.min.js   GOV.UK Frontend's ES module bundle (+ its source map)
// GDS Transport fonts, and GOV.UK Frontend's favicons, app icons and manifest, are
// deliberately not copied: they are GOV.UK's brand (the crown), and the council is not
// GOV.UK. The layout links the portal's own icon, static/images/favicon.svg.
// Run with `npm run build` (Node 20, no global tools).
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const nodeModules = path.join(root, 'node_modules')
const govuk = path.join(nodeModules, 'govuk-frontend', 'dist', 'govuk')
const dist = path.join(root, 'static', 'dist')


async function copy (from, to) {
  await mkdir(path.dirname(to), { recursive: true })
  await copyFile(from, to)
  console.log(`  ${path.relative(root, to)}`)
}

async function main () {
  await rm(dist, { recursive: true, force: true })
  await mkdir(dist, { recursive: true })
  console.log('Building static/dist:')

  const result = sass.compile(path.join(root, 'static', 'src', 'portal.scss'), {
    loadPaths: [nodeModules],
    style: 'compressed',
    sourceMap: false,
    // Warnings from inside GOV.UK Frontend are its maintainers' to fix.
    quietDeps: true
  })
  if (result.css.includes('GDS Transport')) {
    throw new Error('portal.css mentions GDS Transport: check the font settings in static/src/portal.scss')
  }
  await writeFile(path.join(dist, 'portal.css'), result.css + '\n')
  console.log('  static/dist/portal.css')

  await copy(path.join(root, 'static', 'js', 'portal.js'), path.join(dist, 'portal.js'))
  await copy(path.join(govuk, 'govuk-frontend.min.js'), path.join(dist, 'govuk-frontend.min.js'))
  await copy(path.join(govuk, 'govuk-frontend.min.js.map'), path.join(dist, 'govuk-frontend.min.js.map'))
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
