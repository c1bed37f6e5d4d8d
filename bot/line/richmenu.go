package line

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/vaxbot/vaxbot/dialogs"
)

// RichMenu is one language's persistent menu: its picture (PNG), the
// chat bar's text, and the tappable areas of the picture.
type RichMenu struct {
	Lang    dialogs.Lang
	Size    image.Point
	ChatBar string
	Image   []byte
	Areas   []RichMenuArea
}

// RichMenuArea is one tappable area: its bounds in the picture, the
// payload it posts back (built by the dialogs Payload functions) and the
// text shown in the chat when tapped.
type RichMenuArea struct {
	Bounds  image.Rectangle
	Payload string
	Text    string
}

// richMenuPrefix starts the name of every rich menu vaxbot makes; the
// rest is the language and a hash of the menu, so that a changed menu is
// a new one and an unchanged one is found again.
const richMenuPrefix = "vaxbot "

// name is the menu's name: "vaxbot <lang> <hash of its request and
// picture>".
func (m RichMenu) name() string {
	req, _ := json.Marshal(m.request(""))
	h := sha256.New()
	h.Write(req)
	h.Write(m.Image)
	return richMenuPrefix + string(m.Lang) + " " + hex.EncodeToString(h.Sum(nil))[:16]
}

func (m RichMenu) request(name string) *messaging_api.RichMenuRequest {
	areas := make([]messaging_api.RichMenuArea, 0, len(m.Areas))
	for _, a := range m.Areas {
		b := a.Bounds
		areas = append(areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(b.Min.X), Y: int64(b.Min.Y), Width: int64(b.Dx()), Height: int64(b.Dy())},
			Action: &messaging_api.PostbackAction{Data: a.Payload, DisplayText: a.Text},
		})
	}
	return &messaging_api.RichMenuRequest{
		Size:     &messaging_api.RichMenuSize{Width: int64(m.Size.X), Height: int64(m.Size.Y)},
		Selected: true, Name: name, ChatBarText: m.ChatBar, Areas: areas,
	}
}

// RichMenus sets up the rich menus through the Messaging API (the SDK's
// rich-menu calls) and links people to their language's menu.
type RichMenus struct {
	api  *messaging_api.MessagingApiAPI
	blob *messaging_api.MessagingApiBlobAPI

	mu     sync.Mutex
	ids    map[dialogs.Lang]string // the menus by language, as last listed
	listed time.Time
}

// NewRichMenus builds the clients; apiBase and dataBase are the Messaging
// API's endpoints (https://api.line.me, and https://api-data.line.me for
// the picture's upload) or "" for those. It makes no network call.
func NewRichMenus(token, apiBase, dataBase string) (*RichMenus, error) {
	hc := &http.Client{Timeout: 10 * time.Second}
	opts := []messaging_api.MessagingApiAPIOption{messaging_api.WithHTTPClient(hc)}
	if apiBase != "" {
		opts = append(opts, messaging_api.WithEndpoint(apiBase))
	}
	api, err := messaging_api.NewMessagingApiAPI(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("line: rich menu: %w", err)
	}
	bopts := []messaging_api.MessagingApiBlobAPIOption{messaging_api.WithBlobHTTPClient(hc)}
	if dataBase != "" {
		bopts = append(bopts, messaging_api.WithBlobEndpoint(dataBase))
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(token, bopts...)
	if err != nil {
		return nil, fmt.Errorf("line: rich menu: %w", err)
	}
	return &RichMenus{api: api, blob: blob}, nil
}

// Setup makes the rich menus exist, idempotently: a menu whose name (its
// language and a hash of its content) is already there is kept; a missing
// one is created and its picture uploaded (and deleted again if the
// upload fails); the first menu becomes the default unless it is; vaxbot's
// menus that are no longer wanted (an older version) are deleted. It
// returns each language's menu id and what it did, one line a step.
func (r *RichMenus) Setup(menus []RichMenu) (ids map[dialogs.Lang]string, did []string, err error) {
	if len(menus) == 0 {
		return nil, nil, errors.New("line: rich menu: none to set up")
	}
	list, err := r.api.GetRichMenuList()
	if err != nil {
		return nil, nil, fmt.Errorf("line: rich menu: list: %w", err)
	}
	existing := map[string]string{} // name → id
	for _, m := range list.Richmenus {
		existing[m.Name] = m.RichMenuId
	}
	ids = map[dialogs.Lang]string{}
	wanted := map[string]bool{}
	for _, m := range menus {
		name := m.name()
		wanted[name] = true
		if id, ok := existing[name]; ok {
			ids[m.Lang] = id
			did = append(did, "kept "+name)
			continue
		}
		res, err := r.api.CreateRichMenu(m.request(name))
		if err != nil {
			return ids, did, fmt.Errorf("line: rich menu: create %s: %w", m.Lang, err)
		}
		if _, err := r.blob.SetRichMenuImage(res.RichMenuId, "image/png", bytes.NewReader(m.Image)); err != nil {
			// A menu without its picture is useless: do not leave it to
			// be found again next time.
			_, derr := r.api.DeleteRichMenu(res.RichMenuId)
			return ids, did, errors.Join(fmt.Errorf("line: rich menu: upload %s: %w", m.Lang, err), derr)
		}
		ids[m.Lang] = res.RichMenuId
		did = append(did, "created "+name)
	}
	def := ids[menus[0].Lang]
	if cur, err := r.api.GetDefaultRichMenuId(); err != nil || cur.RichMenuId != def {
		if _, err := r.api.SetDefaultRichMenu(def); err != nil {
			return ids, did, fmt.Errorf("line: rich menu: set default: %w", err)
		}
		did = append(did, "default "+string(menus[0].Lang))
	}
	for _, m := range list.Richmenus {
		if strings.HasPrefix(m.Name, richMenuPrefix) && !wanted[m.Name] {
			if _, err := r.api.DeleteRichMenu(m.RichMenuId); err != nil {
				return ids, did, fmt.Errorf("line: rich menu: delete an old one: %w", err)
			}
			did = append(did, "deleted "+m.Name)
		}
	}
	return ids, did, nil
}

// menuCacheFor is how long the menus' ids, by language, are kept before
// they are listed again.
const menuCacheFor = 10 * time.Minute

// menuFor is the id of lang's rich menu, from the list of menus (kept
// menuCacheFor); "" when there is none.
func (r *RichMenus) menuFor(lang dialogs.Lang) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil || time.Since(r.listed) > menuCacheFor {
		list, err := r.api.GetRichMenuList()
		if err != nil {
			return "", fmt.Errorf("line: rich menu: list: %w", err)
		}
		r.ids = map[dialogs.Lang]string{}
		for _, m := range list.Richmenus {
			rest, ok := strings.CutPrefix(m.Name, richMenuPrefix)
			if l, _, _ := strings.Cut(rest, " "); ok {
				r.ids[dialogs.Lang(l)] = m.RichMenuId
			}
		}
		r.listed = time.Now()
	}
	return r.ids[lang], nil
}

// Link links a person to lang's rich menu; nothing when it has none.
func (r *RichMenus) Link(userID string, lang dialogs.Lang) error {
	id, err := r.menuFor(lang)
	if err != nil || id == "" {
		return err
	}
	if _, err := r.api.LinkRichMenuIdToUser(userID, id); err != nil {
		return fmt.Errorf("line: rich menu: link: %w", err)
	}
	return nil
}

// linkRichMenu, after a turn in which the person chose a language, links
// them to that language's rich menu. A failure is logged: the menu stays
// as it was, the conversation goes on.
func (c *Channel) linkRichMenu(userID string, replies []dialogs.Reply) {
	if c.cfg.RichMenus == nil || userID == "" {
		return
	}
	for _, rep := range replies {
		if !rep.LangChosen {
			continue
		}
		if err := c.cfg.RichMenus.Link(userID, rep.Lang); err != nil {
			c.cfg.Logger.Warn("line: rich menu not switched", "lang", rep.Lang, "err", err)
		}
		return
	}
}
