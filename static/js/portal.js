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

// ---------------------------------------------------------------------------
// Timeout warning (views/partials/timeout_dialog.html; GOV.UK's timeout warning pattern)
//
// Every signed-in page carries a closed <dialog data-timeout-dialog> with the seconds until
// its session times out (data-seconds-left, from the server, which counts only requests)
// and how long before that to warn (data-warn-seconds); the dialog holds no form, since it
// only ever opens here. This opens it as a modal then: the
// browser keeps focus inside it and the page behind inert. Focus goes to the dialog, so a
// screen reader reads its title and text. The countdown is shown every second but spoken
// through a separate polite live region only each minute, and at 30 and 10 seconds, so a
// screen reader is not interrupted every second. "Stay signed in" (or Escape) asks the
// server to restart the idle clock (POST /session/extend with the CSRF token) and closes
// the dialog, returning focus where it was. When the time runs out the dialog says so: what
// was typed is still on the page, and sending it keeps it for the person to sign in again
// and send (the server keeps it; nothing is sent from here). Tabs share the deadline through
// localStorage, so a page left open in one tab does not warn while another is in use. Without JavaScript, or without
// <dialog>, the line above each form says how long the person has.
// ---------------------------------------------------------------------------
function timeInWords (seconds) {
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  const parts = []
  if (m > 0) {
    parts.push(m + (m === 1 ? ' minute' : ' minutes'))
  }
  if (s > 0 || m === 0) {
    parts.push(s + (s === 1 ? ' second' : ' seconds'))
  }
  return parts.join(' ')
}

function timeoutWarning (dialog) {
  if (typeof dialog.showModal !== 'function') {
    return
  }
  const warnSeconds = parseInt(dialog.getAttribute('data-warn-seconds'), 10)
  let deadline = Date.now() + parseInt(dialog.getAttribute('data-seconds-left'), 10) * 1000
  const warning = dialog.querySelector('[data-timeout-warning]')
  const ended = dialog.querySelector('[data-timeout-ended]')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const stayButton = dialog.querySelector('[data-timeout-stay]')
  const signIn = dialog.querySelector('[data-timeout-sign-in]')
  if (!warning || !ended || !countdown || !announce || !stayButton || isNaN(warnSeconds) || isNaN(deadline)) {
    return
  }
  let opener = null
  let ticking = null
  let waiting = null
  let spoken = null

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000))

  const tick = () => {
    const left = secondsLeft()
    countdown.textContent = timeInWords(left)
    // Spoken at each whole minute, then at 30 and 10 seconds.
    if (left > 0 && spoken !== left && (left % 60 === 0 || left === 30 || left === 10)) {
      spoken = left
      announce.textContent = 'We will sign you out in ' + timeInWords(left) + '.'
    }
    if (left === 0) {
      showEnded()
    }
  }

  const open = () => {
    if (dialog.open) {
      return
    }
    opener = document.activeElement
    warning.hidden = false
    ended.hidden = true
    dialog.setAttribute('aria-labelledby', 'timeout-dialog-title')
    dialog.setAttribute('aria-describedby', 'timeout-dialog-text')
    spoken = null
    announce.textContent = ''
    countdown.textContent = timeInWords(secondsLeft())
    dialog.showModal()
    dialog.focus()
    window.clearInterval(ticking)
    ticking = window.setInterval(tick, 1000)
  }

  const schedule = () => {
    window.clearTimeout(waiting)
    waiting = window.setTimeout(open, Math.max(0, deadline - warnSeconds * 1000 - Date.now()))
  }

  const close = () => {
    window.clearInterval(ticking)
    dialog.close()
    if (opener && typeof opener.focus === 'function') {
      opener.focus()
    }
  }

  function showEnded () {
    window.clearInterval(ticking)
    window.clearTimeout(waiting)
    if (!dialog.open) {
      opener = document.activeElement
      dialog.showModal()
    }
    warning.hidden = true
    ended.hidden = false
    dialog.setAttribute('aria-labelledby', 'timeout-dialog-ended-title')
    dialog.removeAttribute('aria-describedby')
    if (signIn) {
      signIn.href = '/sign-in?next=' + encodeURIComponent(window.location.pathname + window.location.search)
    }
    const title = ended.querySelector('h2')
    if (title) {
      title.focus()
    }
  }

  // Tabs of the same session share its deadline, so a tab left idle while the person works
  // in another does not warn of a timeout that is not coming.
  const shareKey = 'portal.sessionDeadline'
  const share = () => {
    try {
      window.localStorage.setItem(shareKey, String(deadline))
    } catch {}
  }
  window.addEventListener('storage', (event) => {
    const later = parseInt(event.newValue, 10)
    if (event.key !== shareKey || isNaN(later) || later <= deadline || !ended.hidden) {
      return
    }
    deadline = later
    if (dialog.open) {
      close()
    }
    schedule()
  })

  const stay = async () => {
    try {
      const res = await fetch(dialog.getAttribute('data-extend-url'), {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json', 'X-CSRF-Token': dialog.getAttribute('data-csrf') || '' }
      })
      if (!res.ok) {
        throw new Error('stay signed in: HTTP ' + res.status)
      }
      const body = await res.json()
      deadline = Date.now() + body.seconds_left * 1000
      share()
      close()
      schedule()
    } catch {
      showEnded()
    }
  }

  stayButton.addEventListener('click', stay)
  share()
  // Escape means "not now", as in the pattern: stay signed in, unless it is too late.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    if (ended.hidden) {
      stay()
    } else {
      close()
    }
  })
  const closeButton = dialog.querySelector('[data-timeout-close]')
  if (closeButton) {
    closeButton.addEventListener('click', close)
  }
  schedule()
}

document.querySelectorAll('[data-timeout-dialog]').forEach(timeoutWarning)
