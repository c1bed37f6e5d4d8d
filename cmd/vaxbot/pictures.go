package main

import (
	"errors"
	"strings"
	"sync"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/art"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// cardPictures draws the card illustration in every language, for serve
// to answer under /img/, and returns the engine's Picture: each
// language's URL under VAXBOT_PUBLIC_URL. Without a public URL the
// platforms could not fetch a picture: nothing is drawn, and people get
// the text answer alone.
func cardPictures(publicURL string) (*bot.Pictures, func(name string, lang dialogs.Lang) string, error) {
	if publicURL == "" {
		return nil, nil, nil
	}
	base := strings.TrimRight(publicURL, "/")
	pngs := make([][]byte, len(knowledge.Langs))
	errs := make([]error, len(knowledge.Langs))
	var wg sync.WaitGroup
	for i, lang := range knowledge.Langs {
		wg.Go(func() { pngs[i], errs[i] = art.CardPNG(lang) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	pictures := bot.NewPictures()
	urls := map[dialogs.Lang]string{}
	for i, lang := range knowledge.Langs {
		urls[lang] = base + pictures.Add(dialogs.PictureCard+"."+string(lang), pngs[i])
	}
	return pictures, func(name string, lang dialogs.Lang) string {
		if name != dialogs.PictureCard {
			return ""
		}
		return urls[lang]
	}, nil
}
