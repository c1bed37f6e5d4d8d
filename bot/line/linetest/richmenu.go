package linetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// RichMenuAPI is a fake of the Messaging API's rich-menu calls on
// loopback (the api.line.me and the api-data.line.me ones at one URL): it
// keeps menus, their pictures, the default and the links to users, checks
// what LINE checks (a PNG of the menu's size, at most 1 MB), and records
// every call as "METHOD /path".
type RichMenuAPI struct {
	URL string

	mu      sync.Mutex
	calls   []string
	menus   []map[string]any // as created, with "richMenuId"
	images  map[string]bool
	def     string
	links   map[string]string // user id → menu id
	nextID  int
	FailUps int // fail this many picture uploads with 500
}

// NewRichMenuAPI starts a fake, closed when the test ends.
func NewRichMenuAPI(t testing.TB) *RichMenuAPI {
	f := &RichMenuAPI{images: map[string]bool{}, links: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Calls returns the calls so far, as "METHOD /path".
func (f *RichMenuAPI) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Menus returns the menus' names and whether each has its picture.
func (f *RichMenuAPI) Menus() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for _, m := range f.menus {
		out[m["name"].(string)] = f.images[m["richMenuId"].(string)]
	}
	return out
}

// Default returns the default menu's name ("" for none).
func (f *RichMenuAPI) Default() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nameOf(f.def)
}

// LinkOf returns the name of the menu linked to a user ("" for none).
func (f *RichMenuAPI) LinkOf(user string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nameOf(f.links[user])
}

func (f *RichMenuAPI) nameOf(id string) string {
	for _, m := range f.menus {
		if m["richMenuId"] == id {
			return m["name"].(string)
		}
	}
	return ""
}

func (f *RichMenuAPI) find(id string) map[string]any {
	for _, m := range f.menus {
		if m["richMenuId"] == id {
			return m
		}
	}
	return nil
}

func (f *RichMenuAPI) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	fail := func(status int, msg string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":%q}`, msg)
	}
	ok := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && p == "/v2/bot/richmenu/list":
		ok(map[string]any{"richmenus": f.menus})
	case r.Method == http.MethodPost && p == "/v2/bot/richmenu":
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil || m["name"] == nil || len(m["areas"].([]any)) == 0 {
			fail(400, "The request body has 1 error(s)")
			return
		}
		f.nextID++
		m["richMenuId"] = fmt.Sprintf("richmenu-%04d", f.nextID)
		f.menus = append(f.menus, m)
		ok(map[string]any{"richMenuId": m["richMenuId"]})
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/v2/bot/richmenu/") && strings.HasSuffix(p, "/content"):
		id := strings.TrimSuffix(strings.TrimPrefix(p, "/v2/bot/richmenu/"), "/content")
		m := f.find(id)
		if m == nil {
			fail(404, "Not found")
			return
		}
		if f.FailUps > 0 {
			f.FailUps--
			fail(500, "Internal error")
			return
		}
		size, _ := m["size"].(map[string]any)
		cfg, err := png.DecodeConfig(bytes.NewReader(raw))
		if r.Header.Get("Content-Type") != "image/png" || err != nil || len(raw) > 1<<20 ||
			float64(cfg.Width) != size["width"] || float64(cfg.Height) != size["height"] {
			fail(400, "invalid image")
			return
		}
		if f.images[id] {
			fail(400, "An image has already been uploaded to the richmenu")
			return
		}
		f.images[id] = true
		ok(map[string]any{})
	case r.Method == http.MethodDelete && strings.HasPrefix(p, "/v2/bot/richmenu/"):
		id := strings.TrimPrefix(p, "/v2/bot/richmenu/")
		for i, m := range f.menus {
			if m["richMenuId"] == id {
				f.menus = append(f.menus[:i], f.menus[i+1:]...)
				if f.def == id {
					f.def = ""
				}
				ok(map[string]any{})
				return
			}
		}
		fail(404, "Not found")
	case r.Method == http.MethodGet && p == "/v2/bot/user/all/richmenu":
		if f.def == "" {
			fail(404, "no default rich menu")
			return
		}
		ok(map[string]any{"richMenuId": f.def})
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/v2/bot/user/all/richmenu/"):
		id := strings.TrimPrefix(p, "/v2/bot/user/all/richmenu/")
		if f.find(id) == nil || !f.images[id] {
			fail(400, "must upload richmenu image before applying it to user")
			return
		}
		f.def = id
		ok(map[string]any{})
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/v2/bot/user/") && strings.Contains(p, "/richmenu/"):
		user, id, _ := strings.Cut(strings.TrimPrefix(p, "/v2/bot/user/"), "/richmenu/")
		if f.find(id) == nil || !f.images[id] {
			fail(400, "must upload richmenu image before applying it to user")
			return
		}
		f.links[user] = id
		ok(map[string]any{})
	default:
		fail(404, "Not found")
	}
}
