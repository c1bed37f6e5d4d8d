package line

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
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
// SDK's http.Client: the request is written and its answer read in the
// calling goroutine, where net/http hands each call to two goroutines of
// the connection. A context's deadline bounds the call; a cancellation
// without a deadline is not seen until the call ends.
type fastTransport struct {
	c *fasthttp.Client
}

// RoundTrip implements http.RoundTripper.
func (t fastTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	freq, fres := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(freq)
	defer fasthttp.ReleaseResponse(fres)
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
			return nil, fmt.Errorf("line: read request body: %w", err)
		}
		freq.SetBodyRaw(body)
	}
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
