package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"sync"

	"github.com/vaxbot/vaxbot/bot/art"
	"github.com/vaxbot/vaxbot/bot/line"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// richMenuPayloads are what the rich menu's areas do, in art.RichMenuKeys'
// order: QA item 1 (where the card number is), the number check, QA item 6
// (a new card), QA item 5 (a foreign resident's new number), a person,
// the language menu.
func richMenuPayloads() []string {
	return []string{
		dialogs.PayloadFAQ("q1"), dialogs.PayloadVerify(dialogs.VerifyStart), dialogs.PayloadFAQ("q6"),
		dialogs.PayloadFAQ("q5"), dialogs.PayloadPerson(), dialogs.PayloadLangMenu(),
	}
}

// richMenus draws the rich menu of every language, zh-TW (the default)
// first.
func richMenus() ([]line.RichMenu, error) {
	menus := make([]line.RichMenu, len(knowledge.Langs))
	errs := make([]error, len(knowledge.Langs))
	var wg sync.WaitGroup
	for i, lang := range knowledge.Langs {
		wg.Go(func() {
			png, err := art.RichMenuPNG(lang)
			if err != nil {
				errs[i] = err
				return
			}
			bar, err := art.RichMenuChatBar(lang)
			if err != nil {
				errs[i] = err
				return
			}
			texts, err := art.RichMenuTexts(lang)
			if err != nil {
				errs[i] = err
				return
			}
			m := line.RichMenu{Lang: lang, Size: image.Pt(art.RichMenuWidth, art.RichMenuHeight), ChatBar: bar, Image: png}
			payloads := richMenuPayloads()
			for j, b := range art.RichMenuAreas() {
				m.Areas = append(m.Areas, line.RichMenuArea{Bounds: b, Payload: payloads[j], Text: texts[j]})
			}
			menus[i] = m
		})
	}
	wg.Wait()
	return menus, errors.Join(errs...)
}

// runLine is "vaxbot line richmenu": the persistent menu at the bottom of
// the LINE chat, in every language, set up idempotently through the
// Messaging API (VAXBOT_LINE_CHANNEL_TOKEN; VAXBOT_LINE_API_BASE for a
// fake, which then takes the picture's upload too).
func runLine(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "richmenu" {
		fmt.Fprintln(stderr, "usage: vaxbot line richmenu")
		return 2
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	if cfg.LineToken == "" {
		fmt.Fprintln(stderr, "vaxbot: line richmenu needs VAXBOT_LINE_CHANNEL_TOKEN")
		return 2
	}
	menus, err := richMenus()
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	r, err := line.NewRichMenus(cfg.LineToken, cfg.LineAPIBase, cfg.LineAPIBase)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	_, did, err := r.Setup(menus)
	for _, d := range did {
		fmt.Fprintln(stdout, d)
	}
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	return 0
}
