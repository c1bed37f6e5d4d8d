package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SureLang is the confidence at or above which DetectLang's language is
// worth acting on (answering in it, switching a conversation to it): the
// text says enough. "ok", "ARC" or "0912345678" say less.
const SureLang = 0.5

// DetectLang says which language of AllLangs text is written in, and how
// sure it is, in [0, 1] (see SureLang).
//
// Thai is told by its script and Chinese by Han characters. Vietnamese is
// told by its letters (ư ơ ă đ and the tone marks: ạ ả ấ ề ở ữ …, all but
// unique to it) and by its common words, also typed without diacritics
// ("khong", "bao hiem", "o dau"); Indonesian and Tagalog by their common
// function words (yang, dan, saya, tidak, bagaimana …; ang, ng, mga, po,
// paano, saan, hindi …); English by its own, and it is what is left when
// nothing else is found. A message with Han characters is Chinese unless
// another language's words outweigh them ("saan po ang numero ng 健保卡"
// is Tagalog), never because of English words in it: "ARC 換新的" is
// Chinese, as the matcher always read it.
func DetectLang(text string) (Lang, float64) {
	var e langEvidence
	e.scan(text)
	return e.decide()
}

// langEvidence accumulates what a text says about its language: a score
// per language (about one point per telling word) and the scripts seen.
type langEvidence struct {
	han, thai, latin int // characters of each script
	words            int // Latin words
	score            [6]float64
}

// Indexes of langEvidence.score.
const (
	evVi = iota
	evId
	evTl
	evEn
	evTh
	evZh
)

var evLang = [6]Lang{Vi, Id, Tl, En, Th, ZhTW}

// maxDetectBytes bounds the text DetectLang reads: a sentence or two
// decides.
const maxDetectBytes = 512

func (e *langEvidence) scan(text string) {
	if len(text) > maxDetectBytes {
		cut := maxDetectBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if nfkc, _ := quickCheck(text); !nfkc && !norm.NFC.IsNormalString(text) {
		text = norm.NFC.String(text)
	}
	var word strings.Builder
	var prev string // the previous Latin word, lower case, without diacritics
	flush := func() {
		if word.Len() == 0 {
			return
		}
		w := word.String()
		word.Reset()
		e.words++
		e.latinWord(w, prev)
		prev = stripMarks(w)
	}
	for _, r := range text {
		switch {
		case isHan(r):
			flush()
			e.han++
			prev = ""
		case isThai(r):
			flush()
			e.thai++
			prev = ""
		case unicode.IsLetter(r) && r < 0x2000:
			e.latin++
			word.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’' || unicode.Is(unicode.Mn, r):
			// inside a word
		default:
			flush()
			if !unicode.IsSpace(r) && !unicode.IsDigit(r) {
				prev = ""
			}
		}
	}
	flush()
}

// latinWord weighs one Latin word w (lower case) after prev (lower case,
// without diacritics).
func (e *langEvidence) latinWord(w, prev string) {
	plain := stripMarks(w)
	if plain != w {
		if viOnly(w) {
			// ơ ư ă đ or a tone mark only Vietnamese writes.
			e.score[evVi] += 2
		} else {
			e.score[evVi] += 0.5
		}
	}
	if s, ok := viWords[plain]; ok {
		e.score[evVi] += s
	}
	if prev != "" {
		if s, ok := viPairs[prev+" "+plain]; ok {
			e.score[evVi] += s
		}
		if s, ok := idPairs[prev+" "+plain]; ok {
			e.score[evId] += s
		}
	}
	if plain == w {
		e.score[evId] += idWords[w]
		e.score[evTl] += tlWords[w]
		e.score[evEn] += enWords[w]
	}
}

// decide turns the evidence into a language and a confidence.
func (e *langEvidence) decide() (Lang, float64) {
	e.score[evTh] = float64(e.thai) / 3 // a Thai word is about three characters
	e.score[evZh] = float64(e.han) / 2  // a Chinese word about two
	best, second := -1, -1
	for i, s := range e.score {
		if i == evEn && e.han > 0 {
			// English words in a Chinese message are loanwords.
			continue
		}
		switch {
		case best < 0 || s > e.score[best]:
			best, second = i, best
		case second < 0 || s > e.score[second]:
			second = i
		}
	}
	b, s := e.score[best], e.score[second]
	if b == 0 {
		// Latin letters that say nothing ("ok", "ARC"), digits, emoji.
		return En, 0.1 * min(float64(e.words), 3)
	}
	if e.han > 0 && best != evZh && b < e.score[evZh]+hanMargin {
		// Another language's words must clearly outweigh the Han.
		return ZhTW, 0.1
	}
	return evLang[best], (b - s) / (b + 1)
}

// hanMargin is how much more than its Han characters another language's
// words must weigh for a message with Han characters not to be Chinese.
const hanMargin = 0.5

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isThai reports whether r is in the Thai block.
func isThai(r rune) bool { return r >= 0x0E01 && r <= 0x0E7F }

// viOnly reports whether w holds a letter that, of the languages here and
// the common Latin ones, only Vietnamese writes: ơ ư ă đ, or a vowel with
// a tone mark of the Latin Extended Additional block.
func viOnly(w string) bool {
	for _, r := range w {
		switch {
		case r == 'ơ' || r == 'ư' || r == 'ă' || r == 'đ':
			return true
		case r >= 0x1EA0 && r <= 0x1EF9:
			return true
		}
	}
	return false
}

// stripMarks removes the diacritics of Latin letters ("thẻ bảo hiểm" →
// "the bao hiem", "đâu" → "dau"), as people type Vietnamese on a keyboard
// without them. Other scripts pass through.
func stripMarks(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		if base, ok := baseLetter[r]; ok {
			if base != 0 {
				b.WriteRune(base)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// baseLetter maps a Latin letter with diacritics to its base letter, and
// a combining mark of Latin text to 0 (dropped).
var baseLetter = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd', 'Đ': 'D'}
	for _, block := range [][2]rune{{0x00C0, 0x024F}, {0x1E00, 0x1EFF}} {
		for r := block[0]; r <= block[1]; r++ {
			if !unicode.IsLetter(r) {
				continue
			}
			d := norm.NFD.String(string(r))
			base, size := utf8.DecodeRuneInString(d)
			if size < len(d) && base < 0x80 {
				m[r] = base
			}
		}
	}
	for r := rune(0x0300); r <= 0x036F; r++ {
		m[r] = 0
	}
	return m
}()

// viWords are Vietnamese words without diacritics that tell the language
// (typed without them, or stripped), with their weight. Words that are
// also English, Indonesian or Tagalog words ("the", "so", "la", "di",
// "ba", "ko") are left out or weigh little; the pairs below say more.
var viWords = map[string]float64{
	"khong": 1.5, "duoc": 1.5, "nhung": 1, "cua": 1, "toi": 0.5, "minh": 0.5, "hiem": 1.5, "dau": 0.5,
	"bao": 0.5, "lau": 0.5, "tiem": 1, "xin": 0.5, "mui": 0.5, "nguoi": 1.5, "nuoc": 1, "ngoai": 1,
	"thi": 0.5, "gio": 0.5, "ngay": 0.5, "cho": 0.5, "hoi": 0.5, "vay": 0.5, "roi": 0.5, "chua": 1,
	"nhe": 1, "nha": 0.5, "oi": 0.5, "phai": 1, "lam": 0.5, "sao": 0.5, "nao": 0.5, "moi": 0.5,
	"dang": 0.5, "ky": 0.5, "cu": 0.5, "tru": 0.5, "vac": 0.5, "gi": 1, "nhieu": 1.5,
	"trong": 0.5, "ngu": 0.5, "viet": 1, "chi": 0.5, "anh": 0.5, "em": 0.5, "con": 0.5,
	"thuong": 1.5, "truong": 1.5, "chuyen": 1.5, "nhan": 1, "biet": 1.5, "muon": 1,
	"tren": 1, "nam": 0.3, "hoai": 1, "cmnd": 1.5, "cccd": 1.5, "trung": 0.5, "bi": 0.3,
	"loi": 0.5, "sai": 0.5, "nhap": 1, "doi": 0.5, "cap": 0.3, "khi": 0.5, "nhu": 0.5, "nhat": 1,
}

// viPairs are pairs of Vietnamese words, without diacritics, that are
// nobody else's.
var viPairs = map[string]float64{
	"bao hiem": 2, "o dau": 2, "bao lau": 2, "the nao": 2, "lam sao": 2, "dang ky": 2, "the bao": 2,
	"so the": 2, "cu tru": 2, "vac xin": 2, "khi nao": 2, "bao gio": 2, "cho hoi": 2, "xin chao": 2,
	"cam on": 2, "y te": 2, "the cu": 2, "tiem chung": 2, "mui hai": 1.5, "the moi": 1.5, "co the": 1,
	"duoc khong": 2, "la gi": 2, "nhu the": 2, "so dien": 1.5, "dien thoai": 2, "ho chieu": 2,
	"cho nao": 2, "xac minh": 2, "that bai": 2, "the nhi": 1,
}

// idWords are Indonesian words that tell the language.
var idWords = map[string]float64{
	"yang": 1.5, "dan": 0.5, "saya": 1.5, "aku": 1, "tidak": 1.5, "gak": 1, "nggak": 1.5, "enggak": 1.5,
	"bagaimana": 1.5, "gimana": 1.5, "apa": 1, "apakah": 1.5, "kartu": 1.5, "nomor": 1.5, "nomer": 1.5,
	"bisa": 1, "sudah": 1.5, "udah": 1, "belum": 1.5, "untuk": 1.5, "dengan": 1.5, "ini": 1, "itu": 1,
	"ada": 0.5, "dimana": 1.5, "mana": 0.5, "kapan": 1.5, "berapa": 1.5, "brp": 1, "mau": 0.5, "harus": 1.5,
	"baru": 1, "kenapa": 1.5, "mengapa": 1.5, "daftar": 1, "vaksin": 1, "tolong": 1, "lama": 0.5,
	"kalau": 1.5, "kalo": 1, "tapi": 1, "juga": 1, "dari": 1, "ke": 0.5, "di": 0.5, "ya": 0.3,
	"bapak": 1, "ibu": 1, "kak": 0.5, "terima": 1, "kasih": 1, "sih": 1, "dong": 0.5, "deh": 0.5,
	"asuransi": 1.5, "kesehatan": 1.5, "pendaftaran": 1.5, "mendaftar": 1.5, "sakit": 1, "minta": 1,
	"bagaimanakah": 1.5, "tetapi": 1.5, "karena": 1.5, "bekerja": 1.5, "kerja": 1, "majikan": 1.5, "agensi": 1,
	"hari": 0.5, "jam": 0.5, "tahun": 1, "bulan": 0.5, "dosis": 1, "kedua": 1.5, "pertama": 1.5, "sama": 0.3,
	"ga": 1, "gk": 1, "ngga": 1.5, "hilang": 1.5, "bikin": 1.5, "lagi": 0.3, "cara": 1, "pakai": 1.5, "pake": 1,
	"liat": 1, "lihat": 1.5, "dmn": 1.5, "yg": 1.5, "krn": 1.5, "ganti": 1.5, "alasan": 1.5, "habis": 1.5,
	"lupa": 1.5, "terus": 1.5, "sandi": 1.5, "bilang": 0.3, "salah": 1, "kunci": 1.5, "akun": 1.5,
	"mending": 1.5, "atau": 1.5, "aman": 0.5, "merek": 1.5, "efek": 1, "samping": 1, "boleh": 1.5,
	"perpanjang": 1.5, "sebelum": 1.5, "lapor": 1.5, "kemana": 1.5, "minggu": 1, "depan": 1.5,
	"alamat": 1.5, "semua": 1.5, "iuran": 1.5, "tagihan": 1.5, "pernah": 1.5, "datang": 1.5,
	"makasih": 1.5, "banyak": 1.5, "dadah": 1.5, "beneran": 1.5, "orang": 1, "ceritain": 1.5,
	"bosen": 1.5, "ngobrol": 1.5, "yuk": 1.5, "besok": 1.5, "hujan": 1.5, "aturan": 1.5, "rumah": 1.5,
	"beli": 1.5, "tiket": 1, "kereta": 1.5, "kirim": 1.5, "uang": 1.5, "kembar": 1.5, "punya": 1.5,
	"verifikasi": 1.5, "gagal": 1.5, "aplikasi": 1, "caranya": 1.5, "hai": 0.3,
	"masih": 1.5, "kok": 1, "tau": 0.5, "tahu": 1.5, "buat": 1, "bayar": 1.5, "gratis": 0.5,
	"sampai": 1.5, "sekarang": 1.5, "kemarin": 1.5, "nanti": 1.5, "tanya": 1.5, "mohon": 1.5, "pagi": 0.5,
}

// idPairs are pairs of Indonesian words that tell the language.
var idPairs = map[string]float64{
	"di mana": 1.5, "terima kasih": 1, "selamat pagi": 1.5, "berapa lama": 1,
}

// tlWords are Tagalog words that tell the language. "may" and "sa" are
// English or Indonesian too and weigh little; "ko" and "ba" are also
// Vietnamese chat.
var tlWords = map[string]float64{
	"ang": 1.5, "ng": 1.5, "mga": 1.5, "po": 1.5, "opo": 1.5, "ako": 1.5, "paano": 1.5, "saan": 1.5,
	"hindi": 1.5, "nasaan": 1.5, "kailan": 1.5, "yung": 1.5, "iyong": 1, "pwede": 1.5, "puwede": 1.5,
	"gaano": 1.5, "ilang": 1, "ilan": 1, "naman": 1.5, "ito": 1, "siya": 1.5, "bakit": 1.5, "magkano": 1.5,
	"ko": 0.5, "mo": 0.5, "sa": 0.5, "na": 0.5, "ba": 0.5, "lang": 0.5, "ano": 1, "kung": 1.5, "wala": 1,
	"meron": 1, "mayroon": 1.5, "kasi": 1, "salamat": 1.5, "bago": 1, "ulit": 1, "pa": 0.5, "rin": 1,
	"din": 0.5, "nga": 1, "ninyo": 1.5, "namin": 1.5, "natin": 1.5, "kami": 1, "tayo": 1.5, "sila": 1.5,
	"kailangan": 1.5, "katagal": 1.5, "pagkatapos": 1.5, "ngayon": 1.5, "bukas": 1, "kahapon": 1.5,
	"magparehistro": 1.5, "nawala": 1.5, "bagong": 1.5, "numero": 0.5, "at": 0.3, "ay": 1, "si": 0.5,
	"yun": 1, "dito": 1.5, "doon": 1.5, "nang": 1.5, "pag": 0.5, "lumang": 1.5, "kapag": 1.5,
	"nasan": 1.5, "asan": 1.5, "pano": 1.5, "ung": 1.5, "dun": 1, "anong": 1.5, "gagawin": 1.5, "gamitin": 1.5,
	"malaman": 1.5, "walang": 1.5, "akong": 1.5, "kapareho": 1.5, "iisa": 1.5, "dalawang": 1.5, "tao": 0.5,
	"ibig": 1.5, "sabihin": 1.5, "ibang": 1.5, "ayaw": 1.5, "daw": 1.5, "naka": 1, "gusto": 1, "magpa": 1.5,
	"ngayong": 1.5, "sino": 1.5, "kumusta": 1.5, "magandang": 1.5, "umaga": 1.5, "totoong": 1.5,
	"hanapin": 1.5, "nakasulat": 1.5, "nakalagay": 1.5, "para": 0.5, "libre": 0.5, "makikita": 1.5,
	"pinakamalapit": 1.5, "alin": 1.5, "saang": 1.5, "ilalagay": 1.5, "pwedeng": 1.5, "sana": 0.5,
	"talaga": 1.5, "lahat": 1.5, "hanggang": 1.5, "paki": 1, "pakisabi": 1.5, "ho": 0.5,
}

// enWords are English function words.
var enWords = map[string]float64{
	"the": 1, "is": 1, "are": 1, "my": 1, "i": 0.5, "me": 0.5, "how": 1, "what": 1, "whats": 1, "where": 1,
	"when": 1, "why": 1, "do": 0.5, "does": 1, "did": 1, "can": 0.5, "could": 1, "to": 0.5, "of": 1,
	"for": 1, "and": 1, "with": 1, "it": 0.5, "a": 0.5, "an": 0.3, "you": 1, "your": 1, "have": 1,
	"has": 1, "this": 1, "that": 1, "will": 1, "should": 1, "was": 1, "there": 1, "not": 1, "dont": 1,
	"which": 1, "from": 1, "after": 1, "before": 1, "still": 1, "get": 0.5, "got": 0.5, "need": 0.5,
	"please": 1, "thanks": 0.5, "thank": 0.5, "hello": 0.3, "hi": 0.3, "im": 1, "cant": 1, "wont": 1,
	"would": 1, "be": 1, "been": 1, "if": 0.5, "or": 0.5, "but": 1, "about": 1, "long": 0.5, "new": 0.3,
	"number": 0.3, "card": 0.3, "register": 0.3, "at": 0.3, "in": 0.5, "on": 0.5, "no": 0.3, "yet": 1,
	"says": 1, "said": 1, "failed": 0.5, "fail": 0.3, "wrong": 0.5, "doesnt": 1,
}
