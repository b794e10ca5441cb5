// Builds the front end into static/dist/ (served by the Go server at
// /static/dist/ and embedded into the binary):
//   portal.css              static/src/portal.scss compiled with GOV.UK Frontend's Sass
//   portal.js               static/js/portal.js (our ES module)
//   govuk-frontend.min.js   GOV.UK Frontend's ES module bundle (+ its source map)
//   assets/manifest.json    GOV.UK Frontend's web app manifest
//   assets/images/...       the favicons and icons the manifest lists
// GDS Transport fonts are deliberately not copied: the council is not GOV.UK.
// Run with `npm run build` (Node 20, no global tools).
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const nodeModules = path.join(root, 'node_modules')
const govuk = path.join(nodeModules, 'govuk-frontend', 'dist', 'govuk')
const dist = path.join(root, 'static', 'dist')

// Images that favicon links and manifest.json refer to. Not copied:
// govuk-crest.svg (royal arms for the Crown copyright footer logo) and
// govuk-opengraph-image.png (GOV.UK branding).
const images = [
  'favicon.ico',
  'favicon.svg',
  'govuk-icon-180.png',
  'govuk-icon-192.png',
  'govuk-icon-512.png',
  'govuk-icon-mask.svg'
]

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

  // manifest.json lists icons relative to itself (images/...), so it sits in assets/.
  const manifest = JSON.parse(await readFile(path.join(govuk, 'assets', 'manifest.json'), 'utf8'))
  for (const icon of manifest.icons ?? []) {
    const name = path.basename(icon.src)
    if (!images.includes(name)) {
      throw new Error(`manifest.json lists ${icon.src}, which the build does not copy: add it to the images list`)
    }
  }
  await copy(path.join(govuk, 'assets', 'manifest.json'), path.join(dist, 'assets', 'manifest.json'))
  for (const name of images) {
    await copy(path.join(govuk, 'assets', 'images', name), path.join(dist, 'assets', 'images', name))
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
