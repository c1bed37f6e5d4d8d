package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/patrickmn/go-cache"
	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot/line"
)

// The floors are what "vaxbot load" compares the server with. Each runs in
// a process of its own, as the server does, so that all three pay the same
// for the process boundary and share the cores the same way.

// runLoadFloor serves a floor until ctx ends ("vaxbot load-floor"). It
// prints the address it listens on as its first line.
func runLoadFloor(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("load-floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	secret := fs.String("secret", "load-test-secret", "LINE channel secret")
	replyAPI := fs.String("reply-api", "", "with a Messaging API base URL: also send one fixed reply per event there")
	bare := fs.Bool("bare", false, "the bare floor: HMAC-SHA256 over the body, encoding/json into a minimal struct and go-cache dedupe, no SDK; with --reply-api, replies through a pooled fasthttp client")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// The garbage collector as serve has it: the floors differ from the
	// server in work, not in settings.
	raiseGCTarget()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot load-floor:", err)
		return 1
	}
	serve := serveFloor
	if *bare {
		serve = serveBareFloor
	}
	stop, err := serve(ln, *secret, *replyAPI)
	if err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "vaxbot load-floor:", err)
		return 1
	}
	fmt.Fprintln(stdout, ln.Addr().String())
	<-ctx.Done()
	stop()
	return 0
}

// serveFloor serves on ln the least any webhook server must do: check the
// signature and parse the JSON into the SDK's types. With replyAPI set it
// serves the least a bot that answers must do: that, then one fixed text
// reply per event through the SDK's messaging client (with the HTTP client
// bot/line uses), after the webhook is answered. No conversation and
// no rendering: what is left is the reply's encoding and its HTTP exchange,
// which no implementation avoids. stop shuts it down and waits for the
// replies under way.
func serveFloor(ln net.Listener, secret, replyAPI string) (stop func(), err error) {
	var api *messaging_api.MessagingApiAPI
	if replyAPI != "" {
		api, err = messaging_api.NewMessagingApiAPI("load-test-token",
			messaging_api.WithHTTPClient(line.NewHTTPClient(replyAPI)),
			messaging_api.WithEndpoint(replyAPI))
		if err != nil {
			return nil, fmt.Errorf("floor: messaging client: %w", err)
		}
	}
	var wg sync.WaitGroup
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		body := ctx.PostBody()
		if !webhook.ValidateSignature(secret, string(ctx.Request.Header.Peek("X-Line-Signature")), body) {
			ctx.SetStatusCode(fasthttp.StatusUnauthorized)
			return
		}
		var cb webhook.CallbackRequest
		if err := json.Unmarshal(body, &cb); err != nil {
			ctx.SetStatusCode(fasthttp.StatusBadRequest)
			return
		}
		ctx.SetBodyString("ok")
		if api == nil {
			return
		}
		for _, ev := range cb.Events {
			var token string
			switch e := ev.(type) {
			case webhook.MessageEvent:
				token = e.ReplyToken
			case webhook.PostbackEvent:
				token = e.ReplyToken
			case webhook.FollowEvent:
				token = e.ReplyToken
			}
			if token == "" {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = api.ReplyMessage(&messaging_api.ReplyMessageRequest{
					ReplyToken: token, Messages: []messaging_api.MessageInterface{messaging_api.TextMessage{Text: "ok"}},
				})
			}()
		}
	}}
	go srv.Serve(ln)
	return func() { srv.Shutdown(); wg.Wait() }, nil
}

// bareBody is all of a webhook body the bare floor reads.
type bareBody struct {
	Events []struct {
		ReplyToken     string `json:"replyToken"`
		WebhookEventID string `json:"webhookEventId"`
	} `json:"events"`
}

// serveBareFloor serves on ln the least a webhook server written without
// the SDK does, independently of vaxbot's code: the signature (HMAC-SHA256
// of the body, from a pool of MACs), the body parsed by encoding/json into
// a minimal struct, each event id remembered in go-cache so a redelivery
// is dropped. With replyAPI set it also replies to each event, after the
// webhook is answered, through one pooled fasthttp client: the least a
// bot that answers must do, with nothing between it and the wire.
func serveBareFloor(ln net.Listener, secret, replyAPI string) (stop func(), err error) {
	macs := sync.Pool{New: func() any { return hmac.New(sha256.New, []byte(secret)) }}
	seen := cache.New(10*time.Minute, time.Minute)
	client := &fasthttp.Client{MaxConnsPerHost: 1024, MaxIdleConnDuration: time.Minute}
	replyURL := strings.TrimSuffix(replyAPI, "/") + "/v2/bot/message/reply"
	var wg sync.WaitGroup
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		body := ctx.PostBody()
		sig, err := base64.StdEncoding.DecodeString(string(ctx.Request.Header.Peek("X-Line-Signature")))
		mac := macs.Get().(hash.Hash)
		mac.Reset()
		mac.Write(body)
		ok := err == nil && hmac.Equal(mac.Sum(nil), sig)
		macs.Put(mac)
		if !ok {
			ctx.SetStatusCode(fasthttp.StatusUnauthorized)
			return
		}
		var cb bareBody
		if err := json.Unmarshal(body, &cb); err != nil {
			ctx.SetStatusCode(fasthttp.StatusBadRequest)
			return
		}
		ctx.SetBodyString("ok")
		for _, ev := range cb.Events {
			if ev.WebhookEventID != "" && seen.Add(ev.WebhookEventID, struct{}{}, cache.DefaultExpiration) != nil {
				continue // a redelivery
			}
			if replyAPI == "" || ev.ReplyToken == "" {
				continue
			}
			token := ev.ReplyToken
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(res)
				req.Header.SetMethod(fasthttp.MethodPost)
				req.SetRequestURI(replyURL)
				req.Header.Set("Authorization", "Bearer load-test-token")
				req.Header.SetContentType("application/json")
				b := append([]byte(`{"replyToken":`), strconv.Quote(token)...)
				req.SetBodyRaw(append(b, `,"messages":[{"type":"text","text":"ok"}]}`...))
				_ = client.DoTimeout(req, res, 10*time.Second)
			}()
		}
	}}
	go srv.Serve(ln)
	return func() { srv.Shutdown(); wg.Wait() }, nil
}

// spawnFloor starts "vaxbot load-floor" (with --bare when bare) and
// returns its base URL, a function that stops it, and its process id.
func spawnFloor(ctx context.Context, secret, replyAPI string, bare bool, pin *cpuPin) (string, func(), int, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, 0, err
	}
	args := []string{"load-floor", "--secret", secret}
	if bare {
		args = append(args, "--bare")
	}
	if replyAPI != "" {
		args = append(args, "--reply-api", replyAPI)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, 0, err
	}
	cmd.Stderr = os.Stderr
	if err := startPinned(cmd, pin); err != nil {
		return "", nil, 0, fmt.Errorf("start the floor: %w", err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, 0, errors.New("the floor did not start")
	}
	if err := pinAgain(cmd.Process.Pid, pin); err != nil {
		stop()
		return "", nil, 0, err
	}
	return "http://" + strings.TrimSpace(line), stop, cmd.Process.Pid, nil
}
