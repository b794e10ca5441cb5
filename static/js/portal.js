// Portal progressive enhancement, loaded as an ES module from the layout:
//   <script type="module" src="/static/dist/portal.js"></script>
// The build copies this file to static/dist/portal.js.
//
// GOV.UK Frontend normally adds `govuk-frontend-supported` with an inline
// script at the top of <body>. Our Content Security Policy forbids inline
// script, so it is done here instead. A browser that runs this file supports
// ES modules, which is GOV.UK Frontend's test for support; older browsers
// ignore type="module" and keep the plain HTML versions of the components.
//
// Module scripts are deferred, so the class lands once the page has been
// parsed; the components are usable without it until then.
import { initAll, isSupported } from '/static/dist/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

if (isSupported()) {
  initAll()
}

// ---------------------------------------------------------------------------
// Bulk import progress (views/imports/show.html)
//
// While an import runs, its page holds [data-import-progress] with the address of
// its JSON progress (GET /imports/:id/progress: {status, total, done, percent}).
// Without JavaScript a <noscript> meta refresh reloads the whole page every few
// seconds. With it, this polls the progress address instead, moves the
// <progress> bar (whose value assistive technology reads as the bar's value),
// and updates the status line, a polite live region, only at each tenth of the
// way, so a screen reader is not interrupted every second. Once the job has
// finished it reloads the page, which then shows the report. Should polling
// keep failing, the page is reloaded too, which is what the meta refresh does.
// ---------------------------------------------------------------------------
function watchImportProgress (box) {
  const url = box.getAttribute('data-progress-url')
  const bar = box.querySelector('[data-import-progress-bar]')
  const status = box.querySelector('[data-import-progress-status]')
  if (!url || !bar || !status) {
    return
  }
  const pollEvery = 1000
  let failures = 0
  let announced = -1

  const show = (p) => {
    if (p.status === 'queued') {
      return
    }
    bar.value = p.percent
    bar.textContent = p.percent + '%'
    const tenth = Math.floor(p.percent / 10)
    if (tenth !== announced) {
      announced = tenth
      status.textContent = p.percent + '% done'
    }
  }

  const poll = async () => {
    try {
      const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      if (!res.ok) {
        throw new Error('progress: HTTP ' + res.status)
      }
      const p = await res.json()
      failures = 0
      show(p)
      if (p.status === 'done' || p.status === 'failed') {
        status.textContent = 'Finished. Loading the report…'
        window.location.reload()
        return
      }
    } catch {
      failures++
      if (failures >= 3) {
        window.location.reload()
        return
      }
    }
    window.setTimeout(poll, pollEvery)
  }
  window.setTimeout(poll, pollEvery)
}

document.querySelectorAll('[data-import-progress]').forEach(watchImportProgress)
