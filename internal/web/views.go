package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"reflect"
	"runtime"
	"sort"

	portal "github.com/council/provider-portal"
	"github.com/gofiber/template/html/v2"
)

// pooledViews renders pages into the layout from a pool of copies of the parsed templates.
// gofiber/template/html puts the page into the layout by swapping the layout's "embed"
// function on the shared template set for each render, so it holds one lock for the whole
// render and the portal rendered one page at a time (make bench found rendering half the
// portal's CPU under load). Each copy here has its own function map, so as many pages render
// at once as there are copies.
type pooledViews struct {
	sets chan *template.Template
}

// newPooledViews makes n copies of a parsed template set. It must run before any of parsed's
// templates has executed: html/template refuses to copy one after.
func newPooledViews(parsed *template.Template, n int) (*pooledViews, error) {
	p := &pooledViews{sets: make(chan *template.Template, n)}
	for range n {
		c, err := parsed.Clone()
		if err != nil {
			return nil, fmt.Errorf("copy templates: %w", err)
		}
		p.sets <- c
	}
	return p, nil
}

// loadViews parses every template under views/ once and makes the pool of copies.
func loadViews() (*pooledViews, error) {
	views, err := fs.Sub(portal.Views, "views")
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(views), ".html")
	engine.AddFuncMap(templateFuncs)
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return newPooledViews(engine.Templates, viewCopies())
}

// viewCopies is how many pages may render at once: a few per core, since a render also
// waits on the network while it writes.
func viewCopies() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// Load is part of fiber.Views; the templates were parsed once, before the pool was made.
func (p *pooledViews) Load() error { return nil }

// Render writes the named page, inside the first layout when one is given: the page is
// rendered first, so an error in it leaves nothing half-written, then the layout, whose
// {{embed}} gives the page's HTML, and {{sendsForm}} whether it has a form that posts.
func (p *pooledViews) Render(out io.Writer, name string, binding any, layout ...string) error {
	set := <-p.sets
	defer func() { p.sets <- set }()
	page := set.Lookup(name)
	if page == nil {
		return fmt.Errorf("render: template %s does not exist", name)
	}
	if len(layout) == 0 || layout[0] == "" {
		return page.Execute(out, binding)
	}
	lay := set.Lookup(layout[0])
	if lay == nil {
		return fmt.Errorf("render: layout %s does not exist", layout[0])
	}
	var body bytes.Buffer
	if err := page.Execute(&body, binding); err != nil {
		return err
	}
	orderErrorsByPage(binding, body.Bytes())
	sends := bytes.Contains(body.Bytes(), []byte(`method="post"`))
	set.Funcs(template.FuncMap{"embed": func() template.HTML { return template.HTML(body.String()) },
		"sendsForm": func() bool { return sends }})
	return lay.Execute(out, binding)
}

// orderErrorsByPage sorts the error summary of the page about to be laid out into the order
// its fields appear on the page, which is what GOV.UK's error summary asks for and what a
// person reading down the page expects. Handlers list errors by field name; only the
// rendered page knows where each field sits (a field is found by its id, or, for date and
// other grouped inputs, by the first id it starts).
func orderErrorsByPage(binding any, body []byte) {
	v := reflect.ValueOf(binding)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	pv := v.FieldByName("Page")
	if !pv.IsValid() || pv.Type() != reflect.TypeOf(Page{}) {
		return
	}
	errs, _ := pv.FieldByName("Errors").Interface().([]FieldError)
	if len(errs) < 2 {
		return
	}
	position := func(field string) int {
		if i := bytes.Index(body, []byte(`id="`+field+`"`)); i >= 0 {
			return i
		}
		if i := bytes.Index(body, []byte(`id="`+field+`-`)); i >= 0 {
			return i
		}
		return len(body) // not on the page: keep it at the end, in the handler's order
	}
	// Sorting the slice sorts the array the binding shares, which the layout then reads.
	sort.SliceStable(errs, func(i, j int) bool { return position(errs[i].Field) < position(errs[j].Field) })
}
