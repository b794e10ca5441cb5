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
