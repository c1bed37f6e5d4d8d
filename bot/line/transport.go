package line

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot/gopool"
)

// NewHTTPClient returns the client the channel gives the SDK when
// Config.HTTPClient is nil: a 10 s timeout per call, and enough
// connections kept open for many replies to one host at once. It sends
// through fasthttp's client (measured: 7 % more events a second end to
// end than net/http's, README "The server under load"), unless a proxy is
// configured for apiBase (HTTPS_PROXY and the like), which only net/http
// honours.
func NewHTTPClient(apiBase string) *http.Client {
	if apiBase == "" {
		apiBase = "https://api.line.me"
	}
	if proxied(apiBase, http.ProxyFromEnvironment) {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// The default keeps two idle connections: a busy server would
		// dial again for almost every reply.
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
		return &http.Client{Timeout: 10 * time.Second, Transport: t}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: fastTransport{c: &fasthttp.Client{
		MaxConnsPerHost:     1024,
		MaxConnWaitTimeout:  5 * time.Second, // more calls at once wait for a connection
		MaxIdleConnDuration: time.Minute,
		MaxResponseBodySize: 4 << 20,
	}}}
}

// proxied reports whether calls to apiBase go through a proxy (or the
// proxy settings are unreadable: then net/http reports it).
func proxied(apiBase string, proxy func(*http.Request) (*url.URL, error)) bool {
	u, err := url.Parse(apiBase)
	if err != nil {
		return true
	}
	p, err := proxy(&http.Request{URL: u})
	return err != nil || p != nil
}

// fastTransport is an http.RoundTripper over fasthttp's client, for the
// SDK's http.Client. fasthttp knows deadlines, not contexts: a context's
// deadline bounds the call, and when the context can be cancelled the call
// runs in a goroutine of its own, so that a cancellation (the server
// shutting down) ends the wait at once; the abandoned call ends at its
// deadline (the http.Client's timeout sets one).
type fastTransport struct {
	c *fasthttp.Client
}

// RoundTrip implements http.RoundTripper.
func (t fastTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	freq := fasthttp.AcquireRequest()
	freq.Header.SetMethod(req.Method)
	freq.SetRequestURI(req.URL.String())
	if req.Host != "" {
		freq.Header.SetHost(req.Host)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			freq.Header.Add(k, v)
		}
	}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			fasthttp.ReleaseRequest(freq)
			return nil, fmt.Errorf("line: read request body: %w", err)
		}
		freq.SetBodyRaw(body)
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		fasthttp.ReleaseRequest(freq)
		return nil, err
	}
	return cancellable(ctx, func() (*http.Response, error) { return t.do(req, freq) })
}

// cancellable runs call and returns what it returns, or ctx's error as
// soon as ctx ends: fasthttp knows deadlines, not contexts, so when ctx
// can be cancelled the call runs on another goroutine (a kept one:
// gopool), which is left to end at its deadline.
func cancellable(ctx context.Context, call func() (*http.Response, error)) (*http.Response, error) {
	if ctx.Done() == nil {
		return call()
	}
	type result struct {
		res *http.Response
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned call does not wait
	gopool.Go(func() {
		res, err := call()
		done <- result{res, err}
	})
	select {
	case r := <-done:
		return r.res, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// do sends freq, releases it, and returns the answer as an http.Response
// for req.
func (t fastTransport) do(req *http.Request, freq *fasthttp.Request) (*http.Response, error) {
	fres := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(freq)
	defer fasthttp.ReleaseResponse(fres)
	var err error
	if deadline, ok := req.Context().Deadline(); ok {
		err = t.c.DoDeadline(freq, fres, deadline)
	} else {
		err = t.c.Do(freq, fres)
	}
	if err != nil {
		return nil, err
	}
	body := bytes.Clone(fres.Body())
	res := &http.Response{
		Status:        strconv.Itoa(fres.StatusCode()) + " " + http.StatusText(fres.StatusCode()),
		StatusCode:    fres.StatusCode(),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header),
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
	for k, v := range fres.Header.All() {
		res.Header.Add(string(k), string(v))
	}
	return res, nil
}
