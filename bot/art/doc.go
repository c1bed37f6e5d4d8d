// Package art draws vaxbot's pictures from code: the schematic front of an
// NHI card, with the place of the 12-digit card number at the lower left
// highlighted, in every language the conversation speaks.
//
// The words come from data/*.toml, checked at load (every key in every
// language of knowledge.Langs). Text is drawn with the Go fonts; the
// characters they lack (Chinese, Thai, and the Vietnamese letters with two
// marks) come from glyphs.bin, a small subset rasterised by
// internal/genglyphs (`go generate ./art`) from Debian's Noto CJK, Loma
// and DejaVu fonts, so the binary carries only the glyphs the labels use,
// not whole fonts.
//
// art must not import bot/, dialogs/, any chat SDK or fasthttp: it makes
// PNG bytes, and the server decides where they are served.
package art

//go:generate go run ./internal/genglyphs -out glyphs.bin
