package knowledge

import (
	"strings"
	"unicode"
)

// tokensIn splits folded text into index terms the way lang is written.
// zh-TW and English keep tokens, unchanged. In the other languages a word
// of Latin letters gives the word and, with the content word before it, a
// pair, as in English, with each language's function words left out;
// Vietnamese words also give their form without diacritics, so that "the
// bao hiem" finds "thẻ bảo hiểm"; Indonesian words lose their particles
// (kartunya → kartu). Han characters give what they give in Chinese
// (people mix in 健保卡), and Thai, written without spaces between words,
// gives n-grams of its character clusters (see thaiTerms).
func tokensIn(lang Lang, folded string, dst []string) []string {
	switch lang {
	case Vi, Id, Tl, Th:
	default:
		return tokens(folded, dst)
	}
	var prev, prevPlain string // the previous content word, for pairs
	for _, field := range strings.Fields(folded) {
		runes := []rune(field)
		for start := 0; start < len(runes); {
			kind := scriptOf(runes[start])
			end := start + 1
			for end < len(runes) && scriptOf(runes[end]) == kind {
				end++
			}
			seg := runes[start:end]
			start = end
			switch kind {
			case scriptHan:
				prev, prevPlain = "", ""
				for i := range seg {
					dst = append(dst, string(seg[i]))
					if i+1 < len(seg) {
						dst = append(dst, string(seg[i:i+2]))
					}
				}
			case scriptThai:
				prev, prevPlain = "", ""
				dst = thaiTerms(seg, dst)
			default:
				dst, prev, prevPlain = wordTerms(lang, string(seg), prev, prevPlain, dst)
			}
		}
	}
	return dst
}

// The scripts tokensIn tells apart.
const (
	scriptOther = iota // Latin letters, digits and the rest
	scriptHan
	scriptThai
)

func scriptOf(r rune) int {
	switch {
	case isThai(r):
		return scriptThai
	case isHan(r):
		return scriptHan
	}
	return scriptOther
}

// wordTerms appends the terms of one word w of lang (folded: lower case)
// and returns the content word for the next pair.
func wordTerms(lang Lang, w, prev, prevPlain string, dst []string) ([]string, string, string) {
	switch lang {
	case Vi:
		plain := stripMarks(w)
		if viStop[w] || (plain == w && viStopPlain[w]) {
			return dst, prev, prevPlain
		}
		dst = append(dst, w)
		if plain != w {
			dst = append(dst, plain)
		}
		if prev != "" {
			dst = append(dst, prev+"_"+w)
			if plain != w || prevPlain != prev {
				dst = append(dst, prevPlain+"_"+plain)
			}
		}
		return dst, w, plain
	case Id:
		if idStop[w] || englishStop[w] {
			return dst, prev, prevPlain
		}
		w = stem(idParticles(w))
	case Tl:
		if tlStop[w] || englishStop[w] {
			return dst, prev, prevPlain
		}
		w = stem(w)
	}
	dst = append(dst, w)
	if prev != "" {
		dst = append(dst, prev+"_"+w)
	}
	return dst, w, w
}

// idParticles strips the particles and possessives Indonesian glues to a
// word (kartunya → kartu, nomorku → nomor, bisakah → bisa), leaving at
// least three letters.
func idParticles(w string) string {
	for _, suf := range []string{"nya", "lah", "kah", "pun", "ku", "mu"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// thaiTerms appends the terms of a run of Thai: bigrams and trigrams of
// its character clusters, after the polite particles that end a phrase
// (ครับ, ค่ะ, นะ …) are cut off. A cluster is a base letter with the
// vowel and tone marks written above or below it, a leading vowel (เ แ
// โ ใ ไ) with the letter it precedes, and the vowels that follow (ะ า).
// Single clusters are mostly single sounds, too common to tell anything,
// and are left out; a pair of clusters is about a syllable, a triple
// about a word.
func thaiTerms(run []rune, dst []string) []string {
	run = cutThaiParticles(run)
	var cl []string
	for i := 0; i < len(run); {
		j := i + 1
		if isThaiLeading(run[i]) && j < len(run) {
			j++
		}
		for j < len(run) && (unicode.Is(unicode.Mn, run[j]) || isThaiFollowing(run[j])) {
			j++
		}
		cl = append(cl, string(run[i:j]))
		i = j
	}
	if len(cl) == 1 {
		return append(dst, cl[0])
	}
	for i := 0; i+1 < len(cl); i++ {
		dst = append(dst, cl[i]+cl[i+1])
		if i+2 < len(cl) {
			dst = append(dst, cl[i]+cl[i+1]+cl[i+2])
		}
	}
	return dst
}

func isThaiLeading(r rune) bool { return r >= 0x0E40 && r <= 0x0E44 }

func isThaiFollowing(r rune) bool {
	return r == 0x0E30 || r == 0x0E32 || r == 0x0E33 || r == 0x0E45 || r == 0x0E46
}

// thaiParticles end a Thai phrase politely or softly and say nothing of
// what is asked; after NFKC (ำ is ํ + า, as fold leaves it).
var thaiParticles = func() [][]rune {
	var out [][]rune
	for _, p := range []string{"ครับผม", "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "จ้า", "จ้ะ", "จ๊ะ", "นะ", "น้า", "ฮะ", "ฮับ"} {
		out = append(out, []rune(foldThai(p)))
	}
	return out
}()

// foldThai applies to a Thai literal what fold does to Thai text.
func foldThai(s string) string { return strings.ReplaceAll(s, "\u0e33", "\u0e4d\u0e32") }

// cutThaiParticles cuts the polite particles off the end of a Thai run,
// leaving at least two runes.
func cutThaiParticles(run []rune) []rune {
	for again := true; again; {
		again = false
		for _, p := range thaiParticles {
			if len(run) >= len(p)+2 && string(run[len(run)-len(p):]) == string(p) {
				run = run[:len(run)-len(p)]
				again = true
			}
		}
	}
	return run
}

// viStop are Vietnamese function words, with their diacritics: pronouns,
// particles, "is", "of", "and".
var viStop = setOf("tôi", "mình", "em", "anh", "chị", "bạn", "ạ", "à", "ơi", "nhé", "nha", "vậy", "thì",
	"là", "của", "và", "với", "cái", "các", "những", "đó", "nhỉ", "ấy", "họ", "ông", "bà")

// viStopPlain are the function words typed without diacritics that are
// not also a content word without them.
var viStopPlain = setOf("toi", "minh", "em", "anh", "oi", "nhe", "nha", "vay", "thi", "la", "cua", "va", "voi", "cac")

// idStop are Indonesian function words: pronouns, particles, "which",
// "and", "to", "from".
var idStop = setOf("yang", "dan", "saya", "aku", "ini", "itu", "ya", "sih", "dong", "deh", "nih", "kah", "lah",
	"pak", "bu", "kak", "mas", "mbak", "bang", "nya", "ke", "dari", "untuk", "dengan", "juga", "kami", "kita",
	"kamu", "anda", "dia", "adalah", "akan", "atau", "tapi", "tetapi", "karena", "jadi", "pada", "oleh", "gan", "min")

// tlStop are Tagalog function words: markers, pronouns, particles, and
// the verb prefixes a hyphen leaves alone (mag-register).
var tlStop = setOf("ang", "ng", "mga", "po", "opo", "sa", "na", "ay", "si", "ni", "kay", "ko", "mo", "ka", "ako",
	"ikaw", "siya", "kami", "tayo", "namin", "natin", "ninyo", "nila", "ba", "lang", "naman", "din", "rin", "pa",
	"yung", "iyong", "yun", "eh", "kasi", "nga", "ito", "iyan", "yan", "yon", "o", "pero", "mag", "nag", "pag", "ma",
	"ipa", "maka", "naka", "makapag", "nakapag", "i", "ung", "nyo", "niyo", "ninyo", "sya", "nya", "niya")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
