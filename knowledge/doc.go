// Package knowledge holds the NHIA QA of 2021-07-21 (items q1…q9) as an
// embedded, validated, multilingual knowledge base, and matches free text in
// Traditional Chinese, Simplified Chinese, English, Vietnamese, Indonesian,
// Thai or Filipino (Tagalog) to one of its items, or to the neighbouring
// topic it is about.
//
// The data lives in data/*.toml: one file per QA item; one per near-domain
// topic (n_*.toml: the second dose, brands, a lost ARC… each with a short
// referral to the line that knows); offtopic.toml (what people ask that is
// neither, used to abstain); and phrases.toml (the few sentences said
// around a match). Each language other than zh-TW and English has one
// file, data/i18n/<lang>.toml, with every item, topic, off-topic example
// and phrase in it, and the mark of the check the translation had
// (reviewed = "back-translation"). Load validates every file of the
// languages it loads (Langs; LoadLangs and DefaultLangs take others); a
// broken file fails start-up with a message naming the file and the field.
//
// DetectLang says which language a text is in, and how sure it is; the
// index reads a question in its language, each language with a matcher of
// its own (zh-TW and English share theirs), and Index.MatchIn reads a
// message that does not say its language in the conversation's.
//
// Index.Match says what to do with a question (Match.Mode): answer an item,
// offer up to three as "did you mean", or neither, with the near-domain
// topic the question is about (Match.Near). Near-domain topics compete with
// the items, so a question that shares an item's nouns but asks something
// else is never answered with that item.
//
// knowledge must not import bot/, dialogs/, verify/, any chat SDK, fasthttp or
// a storage driver: it is a leaf that the dialogs ask questions of.
package knowledge
