package desk

import "github.com/valyala/fasthttp"

// charts shows the supervisors' charts.
func (d *Desk) charts(ctx *fasthttp.RequestCtx, s *session) {
	p := d.newPage(s.op.Lang, s, "charts_title")
	p.Body = chartsBody{}
	d.render(ctx, fasthttp.StatusOK, "charts", p)
}

type chartsBody struct {
	Charts    []struct{ Title, Total, SVG string }
	Spans     []string
	ToClaim   []string
	ToClose   []string
	Questions []struct {
		Count  int
		Text   string
		Others []string
	}
}
