package dialogs

// cardItem is QA item 1, "where on the card is the number": its answer is
// shown with the card illustration.
const cardItem = "q1"

// withCard adds the card illustration to the turn's last reply, on a chat
// channel when the server has a public URL for it (Config.Picture).
func (t *turn) withCard() {
	if t.e.cfg.Picture == nil || t.s.Voice != nil || len(t.out) == 0 {
		return
	}
	url := t.e.cfg.Picture(PictureCard, t.s.Lang)
	if url == "" {
		return
	}
	t.out[len(t.out)-1].Image = &Image{URL: url, Caption: t.w(wCardPicture)}
}
