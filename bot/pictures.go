package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/valyala/fasthttp"
)

// picturesPrefix is where the server answers pictures.
const picturesPrefix = "/img/"

// Pictures are the PNGs the public listener serves under /img/, each at a
// path holding a hash of its bytes: the platforms (LINE's servers,
// Telegram's) fetch them by URL, and a path never changes its content, so
// it is cached for good ("immutable").
type Pictures struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// NewPictures returns an empty set.
func NewPictures() *Pictures { return &Pictures{m: map[string][]byte{}} }

// Add keeps png under the stem ("card.zh-TW") and returns its path,
// /img/<stem>.<first 16 hex digits of its SHA-256>.png.
func (p *Pictures) Add(stem string, png []byte) string {
	sum := sha256.Sum256(png)
	path := picturesPrefix + stem + "." + hex.EncodeToString(sum[:8]) + ".png"
	p.mu.Lock()
	p.m[path] = png
	p.mu.Unlock()
	return path
}

// get returns the picture at path.
func (p *Pictures) get(path string) ([]byte, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	b, ok := p.m[path]
	return b, ok
}

// servePicture answers GET or HEAD /img/…: the PNG with a year's
// immutable caching, 404 for a path it does not hold, 405 for another
// method.
func (s *Server) servePicture(ctx *fasthttp.RequestCtx, path string) {
	if !ctx.IsGet() && !ctx.IsHead() {
		methodNotAllowed(ctx, "GET, HEAD")
		return
	}
	png, ok := s.cfg.Pictures.get(path)
	if !ok {
		ctx.Error("not found\n", fasthttp.StatusNotFound)
		return
	}
	ctx.SetContentType("image/png")
	ctx.Response.Header.Set("Cache-Control", "public, max-age=31536000, immutable")
	ctx.Response.Header.Set("X-Content-Type-Options", "nosniff")
	ctx.SetBody(png)
}
