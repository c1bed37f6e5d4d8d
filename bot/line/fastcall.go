package line

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot"
	"github.com/valyala/fasthttp"
)

// authorization is the Authorization header's name, as fasthttp writes it.
var authorization = []byte("Authorization")

// fastCaller makes the channel's API calls straight through fasthttp's
// pooled client when the channel uses the client NewHTTPClient builds:
// the same request the SDK's client sends (its URL, its Authorization and
// User-Agent headers, the body written as the SDK writes it), without
// passing through net/http's Client on the way (a request, a timer and
// header maps per call, then a response translated back: about a tenth of
// the server's CPU under load, README "Measured"). With a proxy, or a
// client of the caller's, calls go through the SDK's http.Client.
type fastCaller struct {
	c       *fasthttp.Client
	timeout time.Duration // the http.Client's Timeout: a bound on each call
	auth    []byte        // "Bearer " and the channel access token
	agent   string        // the SDK's User-Agent
}

// newFastCaller returns the caller for hc, or nil when hc does not send
// through fastTransport.
func newFastCaller(hc *http.Client, token string) *fastCaller {
	t, ok := hc.Transport.(fastTransport)
	if !ok {
		return nil
	}
	timeout := hc.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &fastCaller{c: t.c, timeout: timeout, auth: []byte("Bearer " + token), agent: "LINE-BotSDK-Go/" + linebot.GetVersion()}
}

// call POSTs body to url. It answers as the SDK's client would for the
// retry logic: a response (status and Retry-After) with an error quoting
// the API's answer when the status is not 2xx; no response when none came.
// ctx's deadline, or the timeout if sooner, bounds the call; when ctx can
// be cancelled the call runs in a goroutine of its own, so that a
// cancellation ends the wait at once (the abandoned call ends at its
// deadline).
func (f *fastCaller) call(ctx context.Context, url string, body []byte, header http.Header) (*http.Response, error) {
	return f.callAppend(ctx, url, header, func(b []byte) ([]byte, error) { return append(b, body...), nil })
}

// callAppend is call with the body written by appendBody into the pooled
// request's own buffer, which fasthttp reuses from call to call: a reply's
// body is not allocated anew for each event.
func (f *fastCaller) callAppend(ctx context.Context, url string, header http.Header, appendBody func([]byte) ([]byte, error)) (*http.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(f.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	req := fasthttp.AcquireRequest()
	req.Header.SetMethod(http.MethodPost)
	req.SetRequestURI(url)
	// Set by their canonical names: fasthttp's Set would normalise each
	// name again on every call.
	req.Header.SetCanonical(authorization, f.auth)
	req.Header.SetUserAgent(f.agent)
	req.Header.SetContentType("application/json; charset=UTF-8")
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	body, err := appendBody(req.SwapBody(nil)[:0])
	if err != nil {
		fasthttp.ReleaseRequest(req)
		return nil, err
	}
	req.SwapBody(body)
	return cancellable(ctx, func() (*http.Response, error) { return f.do(req, deadline) })
}

// answeredOK is the response do returns for every plain 200 (nearly every
// call), shared rather than made for each: the callers only read a
// response's status and Retry-After, and never change one.
var answeredOK = &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}

// do sends req, releases it, and reads the answer.
func (f *fastCaller) do(req *fasthttp.Request, deadline time.Time) (*http.Response, error) {
	res := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	if err := f.c.DoDeadline(req, res, deadline); err != nil {
		return nil, fmt.Errorf("line: call: %w", err)
	}
	ra := res.Header.Peek("Retry-After")
	if res.StatusCode() == http.StatusOK && len(ra) == 0 {
		return answeredOK, nil
	}
	out := &http.Response{StatusCode: res.StatusCode(), Header: http.Header{}}
	if len(ra) > 0 {
		out.Header.Set("Retry-After", string(ra))
	}
	if out.StatusCode/100 != 2 {
		b := res.Body()
		if len(b) > 4096 {
			b = b[:4096]
		}
		return out, fmt.Errorf("unexpected status code: %d, %s", out.StatusCode, b)
	}
	return out, nil
}
