package verify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// LookupPath is the path, below the base URL, of the record service's lookup
// call.
const LookupPath = "/v1/records:lookup"

// maxResponse bounds the body of an answer read from the record service.
const maxResponse = 1 << 20

// UpstreamConfig configures an Upstream.
type UpstreamConfig struct {
	// BaseURL is the record service's http or https URL, with an optional
	// path prefix; LookupPath is appended to it.
	BaseURL string
	// Token is sent as "Authorization: Bearer <Token>". Required.
	Token string
	// HTTPClient makes the calls. nil means a client of its own with
	// Timeout, Certificate and RootCAs that follows no redirects. A client
	// given here is used as it is: Certificate and RootCAs must then be nil
	// (set them in its transport instead).
	HTTPClient *http.Client
	// Timeout bounds each attempt, from sending the request to reading the
	// whole answer; 0 means 2 s.
	Timeout time.Duration
	// Certificate is an optional client certificate for mutual TLS (see
	// LoadClientCertificate).
	Certificate *tls.Certificate
	// RootCAs, if set, replaces the system's roots for the service's
	// certificate.
	RootCAs *x509.CertPool
	// Breaker configures the circuit breaker in front of the service.
	Breaker BreakerConfig
	// Now is the breaker's clock; nil means time.Now.
	Now func() time.Time
}

// Upstream is a Registry backed by a deployment's record service over HTTP:
//
//	POST {BaseURL}/v1/records:lookup
//	Authorization: Bearer <token>
//	Content-Type: application/json
//
//	{"id":"A123456789","card_number":"000011112222"}
//
// answered by 200 and
//
//	{"records":[{"id":"…","card_number":"…","card_id":"…",
//	  "card_issued_at":"2021-07-21T09:00:00+08:00","previous_id":"…","duplicate":false}]}
//
// with the records whose id, card_id or previous_id equals the given id or
// whose card_number equals the given card number. Each record is checked as a
// row of the CSV registry is; one bad record, or one that matches neither
// number, fails the whole answer, for it means the back end is broken.
//
// Every error wraps ErrUnavailable and starts with "verify: upstream:". It
// names a status code or a kind of failure only, never a number or any part
// of the service's answer, which might echo the numbers.
//
// A call that fails to connect (refused, reset or closed before any answer,
// name not resolved) is retried once at once if the caller's context is
// still alive. A timeout is not retried: a service that is slow now will
// be slow a moment later, and the caller would wait twice as long. Nothing
// that got an answer (any status) is retried. A circuit breaker fails calls
// fast once the service has failed BreakerConfig.Failures times in a row.
// For the breaker a failure is no answer, a timeout, a 5xx, 401, 403, 408,
// 429 or other non-200 status but the rest of 4xx (the service is up, it
// refused this one request), or a bad answer; a call whose caller gave up
// counts neither way.
//
// An Upstream is safe for concurrent use.
type Upstream struct {
	endpoint string
	auth     string
	client   *http.Client
	timeout  time.Duration
	breaker  *breaker
}

// NewUpstream checks cfg and returns an Upstream. It makes no network call.
func NewUpstream(cfg UpstreamConfig) (*Upstream, error) {
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case err != nil:
		return nil, errors.New("verify: upstream: base URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("verify: upstream: base URL must be http or https")
	case u.Host == "":
		return nil, errors.New("verify: upstream: base URL has no host")
	case u.User != nil:
		return nil, errors.New("verify: upstream: base URL must not hold credentials; use Token")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, errors.New("verify: upstream: base URL must not have a query or fragment")
	}
	if !validToken(cfg.Token) {
		return nil, errors.New("verify: upstream: token missing or not printable ASCII without spaces")
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("verify: upstream: negative timeout")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	client := cfg.HTTPClient
	if client == nil {
		client = newClient(cfg)
	} else if cfg.Certificate != nil || cfg.RootCAs != nil {
		return nil, errors.New("verify: upstream: Certificate and RootCAs apply only without HTTPClient")
	}
	return &Upstream{
		endpoint: strings.TrimRight(u.String(), "/") + LookupPath,
		auth:     "Bearer " + cfg.Token,
		client:   client,
		timeout:  cfg.Timeout,
		breaker:  newBreaker(cfg.Breaker, cfg.Now),
	}, nil
}

func validToken(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] > '~' {
			return false
		}
	}
	return t != ""
}

// newClient builds the default client. It follows no redirect: a redirect
// would send the numbers in the body to another address.
func newClient(cfg UpstreamConfig) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.Certificate != nil || cfg.RootCAs != nil {
		tc := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs}
		if cfg.Certificate != nil {
			tc.Certificates = []tls.Certificate{*cfg.Certificate}
		}
		tr.TLSClientConfig = tc
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// LoadClientCertificate loads a PEM client certificate and its key for
// UpstreamConfig.Certificate.
func LoadClientCertificate(certFile, keyFile string) (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("verify: upstream: client certificate: %w", err)
	}
	return &cert, nil
}

// BreakerState returns the state of the circuit breaker, "closed", "open" or
// "half-open", for metrics and readiness checks.
func (up *Upstream) BreakerState() string { return up.breaker.State() }

// UpstreamError is the error of an answer with a status other than 200.
// Status 401 or 403 means the token or the client certificate is wrong: a
// misconfiguration rather than an outage, though it too wraps
// ErrUnavailable.
type UpstreamError struct {
	// Status is the HTTP status code of the answer.
	Status int
}

// Error names the status only: the body might echo the numbers.
func (e *UpstreamError) Error() string {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return fmt.Sprintf("verify: upstream: status %d: check the token and the client certificate", e.Status)
	}
	return fmt.Sprintf("verify: upstream: status %d", e.Status)
}

// Unwrap returns ErrUnavailable.
func (e *UpstreamError) Unwrap() error { return ErrUnavailable }

// failError is every other error of Upstream: a fixed description, and
// causes that errors.Is and errors.As can reach but that are never printed.
type failError struct {
	msg    string
	causes []error
}

// Error names the kind of failure, never a number.
// Error names the kind of failure, never a number.
func (e *failError) Error() string { return "verify: upstream: " + e.msg }

// Unwrap gives ErrUnavailable and the causes, for errors.Is.
func (e *failError) Unwrap() []error { return append([]error{ErrUnavailable}, e.causes...) }

func fail(msg string, causes ...error) error { return &failError{msg: msg, causes: causes} }

// Lookup implements Registry.
func (up *Upstream) Lookup(ctx context.Context, id, cardNumber string) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail("caller gave up", err)
	}
	gen, err := up.breaker.allow()
	if err != nil {
		return nil, fail("circuit breaker open", err)
	}
	recs, o, err := up.lookup(ctx, id, cardNumber)
	if err != nil && ctx.Err() != nil {
		o = neutral // the caller gave up: nothing learnt about the service
	}
	up.breaker.done(gen, o)
	return recs, err
}

// lookupRequest is the request body. Record's MarshalJSON masks the numbers,
// so the request has its own type.
type lookupRequest struct {
	ID         string `json:"id"`
	CardNumber string `json:"card_number"`
}

// wireRecord is one record of the answer.
type wireRecord struct {
	ID           string `json:"id"`
	CardNumber   string `json:"card_number"`
	CardID       string `json:"card_id"`
	CardIssuedAt string `json:"card_issued_at"`
	PreviousID   string `json:"previous_id"`
	Duplicate    bool   `json:"duplicate"`
}

// lookupResponse is the answer; a missing or null records is an error.
type lookupResponse struct {
	Records *[]wireRecord `json:"records"`
}

func (up *Upstream) lookup(ctx context.Context, id, cardNumber string) ([]Record, outcome, error) {
	body, err := json.Marshal(lookupRequest{ID: id, CardNumber: cardNumber})
	if err != nil {
		return nil, neutral, fail("encoding the request", err)
	}
	for attempt := 1; ; attempt++ {
		recs, o, retry, err := up.attempt(ctx, body, id, cardNumber)
		if err == nil || !retry || attempt == 2 || ctx.Err() != nil {
			return recs, o, err
		}
	}
}

// attempt makes one call. retry says the call got no answer for a reason
// worth one more try.
func (up *Upstream) attempt(ctx context.Context, body []byte, id, cardNumber string) (recs []Record, o outcome, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, up.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, up.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, neutral, false, fail("building the request", err)
	}
	req.Header.Set("Authorization", up.auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := up.client.Do(req)
	if err != nil {
		msg, retry := transportFailure(err)
		return nil, failure, retry, fail(msg, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, statusOutcome(resp.StatusCode), false, &UpstreamError{Status: resp.StatusCode}
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, failure, false, fail("answer is not application/json")
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		if isTimeout(err) {
			return nil, failure, false, fail("timeout reading the answer", err)
		}
		return nil, failure, false, fail("reading the answer failed", err)
	}
	if len(data) > maxResponse {
		return nil, failure, false, fail("answer over 1 MiB")
	}
	recs, err = decodeRecords(data, id, cardNumber)
	if err != nil {
		return nil, failure, false, err
	}
	return recs, success, false, nil
}

// statusOutcome: a 4xx other than 401, 403, 408 and 429 refuses this one
// request, the service itself is up; anything else is a failure.
func statusOutcome(status int) outcome {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return failure
	case status >= 400 && status < 500:
		return success
	}
	return failure
}

// transportFailure names an error of http.Client.Do, which means no answer
// came, and says whether one more try is worth it: no on a timeout (see
// Upstream), on a cancelled call and on TLS or certificate trouble, which a
// second try would meet again; yes when the connection could not be made or
// was dropped before an answer (refused, reset, closed by a server that
// restarts or by a load balancer with a dead back end).
func transportFailure(err error) (string, bool) {
	var (
		opErr   *net.OpError
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "call canceled", false
	case isTimeout(err):
		return "timeout", false
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return "server certificate not trusted", false
	case errors.As(err, &recErr), errors.As(err, &alert),
		errors.As(err, &opErr) && opErr.Op == "remote error": // a TLS alert from the server
		return "TLS handshake failed", false
	case errors.As(err, &dnsErr):
		return "host name not resolved", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "connection failed", true
	}
	// ECONNRESET, EPIPE, io.EOF, and the transport's unexported "server
	// closed idle connection" on a connection closed before the request
	// went out.
	return "connection closed before an answer", true
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// decodeRecords parses and checks the answer. The errors name the record's
// position and field, never a value. A record's parse error is quoted, not
// wrapped: errors.Is(err, ErrInvalidID) must not make a caller think the
// person typed a bad number.
func decodeRecords(data []byte, id, cardNumber string) ([]Record, error) {
	var resp lookupResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, fail("answer is not the expected JSON")
	}
	if resp.Records == nil {
		return nil, fail(`answer has no "records"`)
	}
	recs := make([]Record, 0, len(*resp.Records))
	for i, w := range *resp.Records {
		rec, err := parseRow([]string{w.ID, w.CardNumber, w.CardID, w.CardIssuedAt, w.PreviousID, strconv.FormatBool(w.Duplicate)})
		if err != nil {
			return nil, fail(fmt.Sprintf("record %d: %s", i+1, strings.Replace(err.Error(), "column ", "field ", 1)))
		}
		if !matches(rec, id, cardNumber) {
			return nil, fail(fmt.Sprintf("record %d matches neither number asked for", i+1))
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func matches(rec Record, id, cardNumber string) bool {
	if cardNumber != "" && rec.CardNumber == cardNumber {
		return true
	}
	return id != "" && (rec.ID == id || rec.CardID == id || rec.PreviousID == id)
}
