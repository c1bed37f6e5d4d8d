package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/verify"
)

// Ops is the operators' JSON API over the tickets, behind a bearer token:
//
//	GET  /ops/tickets?status=open&line=1922   list (newest first)
//	GET  /ops/tickets/{ref}                    one ticket
//	POST /ops/tickets/{ref}/claim              {"by":"operator name"}
//	POST /ops/tickets/{ref}/close
//	POST /ops/tickets:find                     {"id":"A123456789"}: tickets of that ID, by its hash
type Ops struct {
	Token   string
	Tickets tickets.Store
	Hasher  *tickets.Hasher
	// Sealer opens call-back numbers for the operator who views a ticket.
	Sealer *tickets.Sealer
	Now    func() time.Time
	Logger *slog.Logger
}

// opsTimeout bounds one operator request's store work.
const opsTimeout = 5 * time.Second

// Handle serves a request under /ops/.
func (o *Ops) Handle(ctx *fasthttp.RequestCtx) {
	auth := string(ctx.Request.Header.Peek("Authorization"))
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(o.Token)) != 1 {
		ctx.Response.Header.Set("WWW-Authenticate", `Bearer realm="vaxbot ops"`)
		opsError(ctx, fasthttp.StatusUnauthorized, "missing or wrong bearer token", "缺少或錯誤的 bearer token")
		return
	}
	c, cancel := context.WithTimeout(context.Background(), opsTimeout)
	defer cancel()
	path := string(ctx.Path())
	switch {
	case path == "/ops/tickets":
		if !ctx.IsGet() {
			opsMethod(ctx, "GET")
			return
		}
		args := ctx.QueryArgs()
		o.respond(ctx)(o.Tickets.List(c, tickets.Filter{
			Status: tickets.Status(args.Peek("status")), Line: string(args.Peek("line")), Limit: args.GetUintOrZero("limit"),
		}))
	case path == "/ops/tickets:find":
		if !ctx.IsPost() {
			opsMethod(ctx, "POST")
			return
		}
		var req struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(ctx.PostBody(), &req); err != nil {
			opsError(ctx, fasthttp.StatusBadRequest, "body must be {\"id\":\"…\"}", "內容必須是 {\"id\":\"…\"}")
			return
		}
		id, err := verify.ParseID(req.ID)
		if err != nil {
			var ie *verify.IDError
			errors.As(err, &ie)
			opsError(ctx, fasthttp.StatusBadRequest, "invalid ID number: "+string(ie.Code), "證號無效："+ie.Hint("zh-TW"))
			return
		}
		// Under the current key and every old one: tickets hashed before a
		// rotation are found too.
		o.respond(ctx)(o.Tickets.List(c, tickets.Filter{IDHashes: o.Hasher.Hashes(id.Number())}))
	case strings.HasPrefix(path, "/ops/tickets/"):
		rest := strings.TrimPrefix(path, "/ops/tickets/")
		ref, action, _ := strings.Cut(rest, "/")
		ref = tickets.NormalizeRef(ref)
		switch action {
		case "":
			if !ctx.IsGet() {
				opsMethod(ctx, "GET")
				return
			}
			o.respond(ctx)(o.Tickets.Get(c, ref))
		case "claim":
			if !ctx.IsPost() {
				opsMethod(ctx, "POST")
				return
			}
			var req struct {
				By string `json:"by"`
			}
			_ = json.Unmarshal(ctx.PostBody(), &req)
			if req.By == "" {
				req.By = "operator"
			}
			o.respond(ctx)(o.Tickets.Claim(c, ref, req.By, o.now()))
		case "close":
			if !ctx.IsPost() {
				opsMethod(ctx, "POST")
				return
			}
			o.respond(ctx)(o.Tickets.Finish(c, ref, o.now()))
		default:
			opsError(ctx, fasthttp.StatusNotFound, "not found", "找不到")
		}
	default:
		opsError(ctx, fasthttp.StatusNotFound, "not found", "找不到")
	}
}

func (o *Ops) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// respond writes a result as JSON, turning store errors into statuses in
// this one place.
func (o *Ops) respond(ctx *fasthttp.RequestCtx) func(v any, err error) {
	return func(v any, err error) {
		switch {
		case errors.Is(err, tickets.ErrNotFound):
			opsError(ctx, fasthttp.StatusNotFound, "no such ticket", "查無此案件")
		case errors.Is(err, tickets.ErrState):
			opsError(ctx, fasthttp.StatusConflict, "the ticket's status does not allow that", "案件目前的狀態不能這樣操作")
		case err != nil:
			if o.Logger != nil {
				o.Logger.Error("ops: store", "err", err)
			}
			opsError(ctx, fasthttp.StatusInternalServerError, "store error", "案件資料庫錯誤")
		default:
			if list, ok := v.([]*tickets.Ticket); ok && list == nil {
				v = []*tickets.Ticket{}
			}
			if t, ok := v.(*tickets.Ticket); ok && t.Callback != nil && o.Sealer != nil {
				// One ticket at a time, the operator sees the number to call.
				// With the key that sealed it, old or current.
				if phone, err := o.Sealer.OpenWith(t.Callback.Sealed, t.Ref, t.Callback.KeyID); err == nil {
					v = struct {
						*tickets.Ticket
						CallbackPhone string `json:"callback_phone"`
					}{t, phone}
				} else if o.Logger != nil {
					o.Logger.Warn("ops: call-back number does not open", "ref", t.Ref, "err", err)
				}
			}
			ctx.SetContentType("application/json")
			_ = json.NewEncoder(ctx).Encode(v)
		}
	}
}

func opsMethod(ctx *fasthttp.RequestCtx, allow string) {
	ctx.Response.Header.Set("Allow", allow)
	opsError(ctx, fasthttp.StatusMethodNotAllowed, "method not allowed", "不允許此方法")
}

// opsError answers {"error": English, "error_zh": Traditional Chinese}.
func opsError(ctx *fasthttp.RequestCtx, status int, en, zh string) {
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	b, _ := json.Marshal(map[string]string{"error": en, "error_zh": zh})
	ctx.SetBody(append(b, '\n'))
}
