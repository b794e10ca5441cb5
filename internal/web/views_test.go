package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"testing"
)

// Pages rendered at the same time each get their own body inside the layout, never another
// request's: the layout's embed function belongs to one copy of the templates at a time.
func TestPooledViewsRenderConcurrently(t *testing.T) {
	set := template.New("views").Funcs(template.FuncMap{"embed": func() error { return fmt.Errorf("unexpected") }})
	template.Must(set.New("layout").Parse(`<main>{{embed}}</main><footer>{{.}}</footer>`))
	template.Must(set.New("a").Parse(`<p>page a for {{.}}</p>`))
	template.Must(set.New("b").Parse(`<p>page b for {{.}} &amp; <b>bold</b></p>`))
	views, err := newPooledViews(set, 4)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 400)
	for i := range 400 {
		wg.Go(func() {
			page, who := "a", fmt.Sprintf("user%d <x>", i)
			if i%2 == 1 {
				page = "b"
			}
			var out bytes.Buffer
			if err := views.Render(&out, page, who, "layout"); err != nil {
				errs <- err.Error()
				return
			}
			esc := template.HTMLEscapeString(who)
			want := "<main><p>page " + page + " for " + esc + "</p></main><footer>" + esc + "</footer>"
			if page == "b" {
				want = "<main><p>page b for " + esc + " &amp; <b>bold</b></p></main><footer>" + esc + "</footer>"
			}
			if out.String() != want {
				errs <- fmt.Sprintf("render %d: %s\nwant %s", i, out.String(), want)
			}
		})
	}
	wg.Wait()
	close(errs)
	var got []string
	for e := range errs {
		got = append(got, e)
	}
	if len(got) > 0 {
		t.Fatalf("%d of 400 renders wrong, first: %s", len(got), strings.Join(got[:1], ""))
	}
	var out bytes.Buffer
	if err := views.Render(&out, "a", "no layout"); err != nil || out.String() != "<p>page a for no layout</p>" {
		t.Errorf("without a layout: %q, %v", out.String(), err)
	}
	if err := views.Render(&out, "missing", nil, "layout"); err == nil {
		t.Error("a missing page rendered")
	}
}
