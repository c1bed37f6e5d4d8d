package knowledge

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokensIn splits folded text into index terms the way lang is written.
// zh-TW and English keep tokens, unchanged. In the other languages a word
// of Latin letters gives the word and, with the content word before it, a
// pair, as in English, with each language's function words left out (and
// English ones, which people mix in), and English endings folded (people
// write "registered", "cards"). Vietnamese words are compared without
// their diacritics, so that "the bao hiem" finds "thẻ bảo hiểm": people
// type on keyboards without them, and in 5-fold cross-validation on the
// examples the forms without diacritics alone did best (top-1 of the
// items 87.7 %, against 85.8 with both forms and 82.6 with diacritics
// only). Indonesian and Tagalog affixes are not stripped: neither
// stripping (Indonesian -nya -ku -mu -lah -kah, me- ber- di- … -kan -an;
// Tagalog mag- nag- pag- ma- …, -in -an, -um-, reduplication) moved the
// cross-validation by more than one question in 150. Han characters give
// what they give in Chinese (people mix in 健保卡), and Thai, written
// without spaces between words, gives bigrams of its character clusters
// (see thaiTerms), read with its variants folded (foldThaiVariants, which
// the Thai matcher applies before it calls tokensIn).
func tokensIn(lang Lang, folded string, dst []string) []string {
	switch lang {
	case Vi, Id, Tl, Th:
	default:
		return tokens(folded, dst)
	}
	var prev string // the previous content word, for pairs
	for field := range strings.FieldsSeq(folded) {
		for kind, seg := range segments(field, scriptOf) {
			switch kind {
			case scriptHan:
				prev = ""
				dst = hanTerms(seg, dst)
			case scriptThai:
				prev = ""
				dst = thaiTerms(seg, dst)
			default:
				dst, prev = wordTerms(lang, seg, prev, dst)
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

// segments yields the runs of field whose runes are of one kind, with
// the kind: the substrings of field, without copying.
func segments(field string, kindOf func(rune) int) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for start := 0; start < len(field); {
			r, end := utf8.DecodeRuneInString(field[start:])
			kind := kindOf(r)
			end += start
			for end < len(field) {
				r, size := utf8.DecodeRuneInString(field[end:])
				if kindOf(r) != kind {
					break
				}
				end += size
			}
			if !yield(kind, field[start:end]) {
				return
			}
			start = end
		}
	}
}

// hanOrOther is the kind of a rune in Chinese and English: scriptHan or
// scriptOther.
func hanOrOther(r rune) int {
	if isHan(r) {
		return scriptHan
	}
	return scriptOther
}

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
// and returns the content word for the next pair. A chat spelling ("ko",
// "dmn", "pano") counts as the words it stands for.
func wordTerms(lang Lang, w, prev string, dst []string) ([]string, string) {
	if full, ok := chatSpelling[lang][w]; ok {
		for _, fw := range strings.Fields(full) {
			dst, prev = wordTerm(lang, fw, prev, dst)
		}
		return dst, prev
	}
	return wordTerm(lang, w, prev, dst)
}

// wordTerm is wordTerms for a word spelt in full.
func wordTerm(lang Lang, w, prev string, dst []string) ([]string, string) {
	switch lang {
	case Vi:
		if viStop[w] {
			return dst, prev
		}
		w = stripMarks(w)
		if viStopPlain[w] {
			return dst, prev
		}
	case Id:
		if idStop[w] || englishStop[w] {
			return dst, prev
		}
		w = stem(w)
	case Tl:
		if tlStop[w] || englishStop[w] {
			return dst, prev
		}
		w = stem(w)
	}
	dst = append(dst, w)
	if prev != "" {
		dst = append(dst, prev+"_"+w)
	}
	return dst, w
}

// thaiTerms appends the terms of a run of Thai: bigrams of its character
// clusters, after the polite particles that end a phrase (ครับ, ค่ะ, นะ …)
// are cut off and without tone marks. A cluster is a base letter with the vowel and tone marks
// written above or below it, a leading vowel (เ แ โ ใ ไ) with the letter
// it precedes, and the vowels that follow (ะ า). A pair of clusters is
// about a syllable: bigrams find the words of a question without a
// dictionary to cut it into words (none ships with Go, and a loanword or
// a typo is not in one), as in Chinese. In 5-fold cross-validation on the
// examples (top-1 of the items) cluster bigrams did best: 82.3 %, against
// 79.6 with trigrams too, 78.9 with single clusters too, and 80.3 for
// bigrams of code points.
//
// The terms are cut from run itself, without copying, unless it holds a
// tone mark: folded text is valid UTF-8, so they are the strings of its
// runes.
func thaiTerms(run string, dst []string) []string {
	run = dropThaiToneMarksString(cutThaiParticles(run))
	// starts holds where each cluster begins, and len(run) after the last.
	starts := make([]int, 0, 64)
	for i := 0; i < len(run); {
		r, j := utf8.DecodeRuneInString(run[i:])
		j += i
		if isThaiLeading(r) && j < len(run) {
			_, size := utf8.DecodeRuneInString(run[j:])
			j += size
		}
		for j < len(run) {
			r, size := utf8.DecodeRuneInString(run[j:])
			if !unicode.Is(unicode.Mn, r) && !isThaiFollowing(r) {
				break
			}
			j += size
		}
		starts = append(starts, i)
		i = j
	}
	starts = append(starts, len(run))
	if len(starts) == 2 {
		return append(dst, run)
	}
	for k := 0; k+2 < len(starts); k++ {
		dst = append(dst, run[starts[k]:starts[k+2]])
	}
	return dst
}

// dropThaiToneMarksString removes the tone marks (่ ้ ๊ ๋) and the
// silencer (์), which people type loosely in chat (มั้ย, ไหม; นะคะ,
// นะค่ะ), from s; it returns s itself when it holds none.
// Cross-validation: the same top-1, 4 more items answered directly, one
// more topic.
func dropThaiToneMarksString(s string) string {
	if !strings.ContainsFunc(s, isThaiToneMark) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isThaiToneMark(r) {
			return -1
		}
		return r
	}, s)
}

func isThaiToneMark(r rune) bool { return r >= 0x0E48 && r <= 0x0E4C }

func isThaiLeading(r rune) bool { return r >= 0x0E40 && r <= 0x0E44 }

func isThaiFollowing(r rune) bool {
	return r == 0x0E30 || r == 0x0E32 || r == 0x0E33 || r == 0x0E45 || r == 0x0E46
}

// thaiParticles end a Thai phrase politely or softly and say nothing of
// what is asked; after NFKC (ำ is ํ + า, as fold leaves it).
var thaiParticles = func() []thaiParticle {
	var out []thaiParticle
	for _, p := range []string{"ครับผม", "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "จ้า", "จ้ะ", "จ๊ะ", "นะ", "น้า", "ฮะ", "ฮับ"} {
		p = foldThai(p)
		out = append(out, thaiParticle{text: p, runes: utf8.RuneCountInString(p)})
	}
	return out
}()

// thaiParticle is a particle with its length in runes, which
// cutThaiParticles weighs against the run's.
type thaiParticle struct {
	text  string
	runes int
}

// foldThai applies to a Thai literal what fold does to Thai text.
func foldThai(s string) string { return strings.ReplaceAll(s, "\u0e33", "\u0e4d\u0e32") }

// cutThaiParticles cuts the polite particles off the end of a Thai run,
// leaving at least two runes.
func cutThaiParticles(run string) string {
	n := -1 // the runes of run, counted when a particle ends it
	for again := true; again; {
		again = false
		for _, p := range thaiParticles {
			if !strings.HasSuffix(run, p.text) {
				continue
			}
			if n < 0 {
				n = utf8.RuneCountInString(run)
			}
			if n >= p.runes+2 {
				run, n = run[:len(run)-len(p.text)], n-p.runes
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

// chatSpelling maps the short spellings of chat to the words in full, per
// language, keyed as folded (lower case). The examples spell most words in
// full, so cross-validation on them cannot tell what these are worth (it
// moved by a question or two either way); they are the common ones of
// each language's chat, there for people who type the short forms.
var chatSpelling = map[Lang]map[string]string{
	Vi: {
		"ko": "không", "k": "không", "kh": "không", "hok": "không", "hong": "không", "khg": "không", "kg": "không",
		"dc": "được", "đc": "được", "dk": "đăng ký", "đk": "đăng ký", "j": "gì", "ntn": "như thế nào",
		"bh": "bao giờ", "bn": "bao nhiêu", "ng": "người", "vs": "với", "sdt": "số điện thoại", "đt": "điện thoại",
		"bik": "biết", "bit": "biết", "r": "rồi", "ak": "à", "mk": "mình", "mn": "mọi người", "t": "tôi",
	},
	Id: {
		"gk": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak", "tdk": "tidak", "g": "tidak",
		"yg": "yang", "dmn": "di mana", "dimana": "di mana", "kemana": "ke mana", "gmn": "bagaimana", "gimana": "bagaimana",
		"brp": "berapa", "udah": "sudah", "udh": "sudah", "sdh": "sudah", "blm": "belum", "bs": "bisa", "krn": "karena",
		"sy": "saya", "aq": "aku", "nmr": "nomor", "nomer": "nomor", "kpn": "kapan", "dgn": "dengan", "utk": "untuk",
		"hrs": "harus", "jd": "jadi", "lg": "lagi", "aja": "saja", "pake": "pakai", "liat": "lihat", "ilang": "hilang",
		"tp": "tapi", "sm": "sama", "bgt": "banget", "gmana": "bagaimana", "knp": "kenapa", "trs": "terus", "gitu": "begitu",
	},
	Tl: {
		"pano": "paano", "panu": "paano", "nasan": "nasaan", "asan": "nasaan", "san": "saan", "di": "hindi", "d": "hindi",
		"kelan": "kailan", "kilan": "kailan", "pede": "pwede", "pwde": "pwede", "puede": "pwede", "puwede": "pwede",
		"nde": "hindi", "hinde": "hindi", "ndi": "hindi", "sna": "sana", "lng": "lang", "nmn": "naman", "cnu": "sino",
	},
}

// foldThaiVariants rewrites, in folded Thai text, the other ways of writing
// a word onto the one the examples use, so that its cluster bigrams are
// those of the examples: the formal register (อย่างไร, ได้หรือไม่, ดิฉัน,
// สามารถ, หมายเลข), Isan (บ่มี, เฮ็ด, จั่งใด๋, อยู่ไส), loose spellings of
// loanwords (แอพ, แวคซีน, ล็อคอิน), the everyday names of the NHI card
// (บัตรหมอ, บัตรประกันสังคม) and of the ARC (บัตรถิ่นที่อยู่, บัตรพำนัก),
// and the letters of ARC, UI, NHI and OTP spelt in Thai (อาร์ซี → arc).
// Thai is written without spaces, so a variant is found anywhere in a
// run: only words that are not part of another word are listed. Tone
// marks are dropped first (as thaiTerms does), except for the Isan บ่,
// which is a letter without it.
func foldThaiVariants(s string) string {
	if !strings.ContainsFunc(s, isThai) {
		return s
	}
	s = thaiMarkedVariants.Replace(s)
	return thaiVariants.Replace(thaiNames.Replace(dropThaiToneMarksString(s)))
}

// thaiMarkedVariants are read with their tone marks: the Isan negation บ่
// (บ without its mark is in รับ, ลบ, ตอบ …).
var (
	thaiMarkedVariants = newReplacer(thaiMarkedPairs...)
	thaiMarkedPairs    = thaiPairs(false,
		"บ่สามารถ", "ไม่",
		"บ่มี", "ไม่มี", "บ่ได้", "ไม่ได้", "บ่ผ่าน", "ไม่ผ่าน", "บ่เห็น", "ไม่เห็น", "บ่รู้", "ไม่รู้",
		"บ่ออก", "ไม่ออก", "บ่ให้", "ไม่ให้", "บ่เคย", "ไม่เคย", "บ่ใช่", "ไม่ใช่", "บ่มา", "ไม่มา",
		"แม่นบ่", "ใช่ไหม", "ได้บ่", "ได้ไหม", "มีบ่", "มีไหม", "ใช่บ่", "ใช่ไหม",
	)
)

// thaiVariants are read without tone marks, longest first where one
// contains another (a Replacer tries its pairs in order at each position).
var (
	thaiVariants     = newReplacer(thaiVariantPairs...)
	thaiVariantPairs = thaiPairs(true,
		// The formal register, as a translation or a letter writes.
		"ได้หรือไม่", "ได้ไหม", "หรือไม่", "ไหม", "หรือเปล่า", "ไหม", "รึเปล่า", "ไหม", "หรือป่าว", "ไหม", "รึป่าว", "ไหม",
		"อย่างไร", "ยังไง", "เช่นไร", "ยังไง", "เมื่อใด", "เมื่อไหร่", "เมื่อไร", "เมื่อไหร่", "ที่ใด", "ที่ไหน", "ใด", "ไหน",
		"ดิฉัน", "", "กระผม", "", "ข้าพเจ้า", "", "สามารถ", "", "ต้องการ", "อยาก", "ทราบ", "รู้",
		"หมายเลข", "เลข", "ได้รับ", "ได้", "เว็บไซต์", "เว็บ", "โทรศัพท์มือถือ", "มือถือ", "คอมพิวเตอร์", "คอม",
		// Isan.
		"เฮ็ดจั่งใด", "ทำยังไง", "จั่งใด", "ยังไง", "จังใด", "ยังไง", "เฮ็ด", "ทำ", "เบิ่ง", "ดู",
		"อยู่ไส", "อยู่ไหน", "ที่ไส", "ที่ไหน", "ไปไส", "ไปไหน", "ตรงไส", "ตรงไหน",
		// Loanwords spelt loosely.
		"แอปพลิเคชัน", "แอป", "แอปพลิเคชั่น", "แอป", "แอพพลิเคชั่น", "แอป", "แอพพลิเคชัน", "แอป", "แอพลิเคชั่น", "แอป",
		"แอ๊ป", "แอป", "แอ็ป", "แอป", "แอพ", "แอป", "แอฟ", "แอป",
		"แวคซีน", "วัคซีน", "แว็กซีน", "วัคซีน", "แวกซีน", "วัคซีน", "วักซีน", "วัคซีน", "วัคซิน", "วัคซีน",
		"ล็อคอิน", "ล็อกอิน", "ล๊อกอิน", "ล็อกอิน", "ล๊อคอิน", "ล็อกอิน", "ลอคอิน", "ล็อกอิน", "ลอกอิน", "ล็อกอิน",
		"เจียงเป่า", "เจียนเป่า", "เจี๋ยนเป่า", "เจียนเป่า",
		// The card number by its other names.
		"เบอร์บัตร", "เลขบัตร", "รหัสบัตร", "เลขบัตร", "เลขที่บัตร", "เลขบัตร",
		// Latin letters spelt in Thai.
		"เออาร์ซี", " arc ", "อาร์ซี", " arc ", "เอ็นเอชไอ", " nhi ", "ยูไอ", " ui ", "โอทีพี", " otp ",
	)
)

// thaiNames are the everyday names of the NHI card and of the ARC, read
// without tone marks before thaiVariants, which would otherwise take the
// บัตร of "เบอร์บัตรหมอ" for its "เบอร์บัตร".
var (
	thaiNames     = newReplacer(thaiNamePairs...)
	thaiNamePairs = thaiPairs(true,
		"บัตรหาหมอ", "บัตรประกัน", "บัตรหมอ", "บัตรประกัน", "บัตรประกันสังคม", "บัตรประกัน", "บัตรโรงพยาบาล", "บัตรประกัน",
		"บัตรรักษาพยาบาล", "บัตรประกัน",
		"บัตรประจำตัวคนต่างด้าว", "บัตรต่างด้าว", "บัตรคนต่างด้าว", "บัตรต่างด้าว", "บัตรถิ่นที่อยู่", "บัตรต่างด้าว",
		"ใบถิ่นที่อยู่", "บัตรต่างด้าว", "บัตรผู้พำนัก", "บัตรต่างด้าว", "บัตรพำนัก", "บัตรต่างด้าว", "บัตรอาศัย", "บัตรต่างด้าว",
	)
)

// replacer replaces strings as strings.Replacer does, with the same
// result: left to right, at each offset the first pair, in argument order,
// whose old string begins there is replaced, and the search goes on after
// it. strings.NewReplacer's generic algorithm walks its trie at every byte
// that may begin an old string, which is every Thai character's first
// byte, and always copies the text; replacer compares the heads of the
// old strings that begin with the rune at hand (prefixHead) and returns
// the text itself when nothing is replaced. The old strings must not be
// empty.
type replacer struct {
	old, new []string
	thai     [0x80][]prefixHead // old strings by first rune, U+0E00 to U+0E7F
	other    map[rune][]prefixHead
}

// newReplacer returns the replacer of old, new string pairs.
func newReplacer(oldnew ...string) *replacer {
	r := &replacer{other: map[rune][]prefixHead{}}
	for i := 0; i+1 < len(oldnew); i += 2 {
		if oldnew[i] == "" {
			panic("knowledge: newReplacer: empty old string")
		}
		k := len(r.old)
		r.old, r.new = append(r.old, oldnew[i]), append(r.new, oldnew[i+1])
		h := newPrefixHead(oldnew[i], k)
		if first, _ := utf8.DecodeRuneInString(oldnew[i]); first >= 0x0E00 && first < 0x0E80 {
			r.thai[first-0x0E00] = append(r.thai[first-0x0E00], h)
		} else {
			r.other[first] = append(r.other[first], h)
		}
	}
	return r
}

// Replace returns s with the replacements made, s itself when none is.
func (r *replacer) Replace(s string) string {
	var b strings.Builder
	last, replaced := 0, false
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		var heads []prefixHead
		if c >= 0x0E00 && c < 0x0E80 {
			heads = r.thai[c-0x0E00]
		} else if len(r.other) > 0 {
			heads = r.other[c]
		}
		k := -1
		if len(heads) > 0 {
			next8 := load8(s, i)
			for _, h := range heads {
				if next8&h.mask == h.head && strings.HasPrefix(s[i:], r.old[h.k]) {
					k = int(h.k)
					break
				}
			}
		}
		if k < 0 {
			i += size
			continue
		}
		if !replaced {
			b.Grow(len(s))
			replaced = true
		}
		b.WriteString(s[last:i])
		b.WriteString(r.new[k])
		i += len(r.old[k])
		last = i
	}
	if !replaced {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// cutThaiGreeting cuts the greeting that opens a longer Thai message
// ("สวัสดีค่ะ หนู…"), in folded text without tone marks (as
// foldThaiVariants leaves it): it says nothing of what is asked, and its
// rare clusters weighed as much as the question's words, drawing the
// message towards the off-topic greetings ("สวัสดีค่ะ" alone). A greeting
// alone is left as it is.
func cutThaiGreeting(s string) string {
	for _, g := range thaiGreetings {
		rest, ok := strings.CutPrefix(s, g)
		if !ok {
			continue
		}
		for again := true; again; {
			again = false
			for _, p := range thaiGreetingParticles {
				if r, ok := strings.CutPrefix(rest, p); ok {
					rest, again = r, true
				}
			}
		}
		rest = strings.TrimLeftFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !isHan(r) })
		if rest == "" || rest == s {
			return s
		}
		return rest
	}
	return s
}

// thaiGreetings open a message; thaiGreetingParticles may follow them.
// Both without tone marks.
var (
	thaiGreetings         = thaiPairs(true, "สวัสดี", "หวัดดี")
	thaiGreetingParticles = thaiPairs(true, "ครับผม", "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "จ้า", "จ้ะ", "นะ", "ฮะ", "ทุกคน", "ทุกท่าน", "แอดมิน", "เจ้าหน้าที่")
)

// thaiPairs folds the pairs of a Replacer as fold folds Thai text, and
// without tone marks when toneless.
func thaiPairs(toneless bool, pairs ...string) []string {
	out := make([]string, len(pairs))
	for i, p := range pairs {
		p = foldThai(p)
		if toneless {
			p = dropThaiToneMarksString(p)
		}
		out[i] = p
	}
	return out
}
