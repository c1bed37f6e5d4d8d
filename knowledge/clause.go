package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// People on LINE tell the story first and ask at the end: "我上禮拜卡片不見
// 今天早上去健保署辦了一張新的 … 新卡要等多久？". The backstory shares nouns
// with many items and dilutes the score, so the clause that asks weighs
// more. askingClause finds it.

// zhCues are what make a Chinese clause a question.
var zhCues = []string{
	"嗎", "吗", "呢", "怎", "如何", "多久", "多少", "哪", "什麼", "什么", "甚麼", "何時", "何时",
	"幾", "几", "能不能", "可不可以", "可以", "要不要", "是不是", "有沒有", "有没有", "會不會",
	"会不会", "為什麼", "为什么", "為何", "请问", "請問", "該", "该",
}

// enCues are the English words that make a clause a question.
var enCues = map[string]bool{
	"how": true, "what": true, "whats": true, "when": true, "where": true, "wheres": true,
	"which": true, "why": true, "who": true, "can": true, "cant": true, "could": true,
	"do": true, "does": true, "is": true, "are": true, "should": true, "will": true,
	"would": true, "any": true, "help": true,
}

// otherCues are the words that make a clause of the other languages a
// question (Vietnamese without diacritics), and thaiCues the Thai ones,
// without tone marks, found anywhere (Thai has no spaces between words).
var otherCues = map[Lang]map[string]bool{
	Vi: setOf("khong", "ko", "sao", "nao", "dau", "gi", "j", "lau", "gio", "chua", "hong", "duoc"),
	Id: setOf("apa", "apakah", "bagaimana", "gimana", "gmn", "kapan", "berapa", "brp", "mana", "dimana", "dmn",
		"kenapa", "mengapa", "bisa", "boleh", "bisakah", "kah", "gak", "ga", "tidak"),
	Tl: setOf("paano", "pano", "saan", "san", "kailan", "ano", "anong", "bakit", "ilan", "ilang", "gaano",
		"pwede", "puwede", "ba", "nasaan", "asan", "nasan", "alin", "sino"),
}

var thaiCues = thaiPairs(true,
	"ไหม", "มั้ย", "หรือเปล่า", "หรือยัง", "อะไร", "ที่ไหน", "ตรงไหน", "เมื่อไร", "เมื่อไหร่", "ยังไง", "อย่างไร",
	"กี่", "ทำไม", "ไหน", "เท่าไร", "เท่าไหร่", "ได้มั้ย", "ได้ไหม",
)

// minLong is how long a message must be before its asking clause is looked
// for (see messageLength): a short message is all question.
const minLong = 22

// minClause is how long an asking clause must be to stand alone: a shorter
// one ("what should I do?", "請問要填哪個") takes the clause before it.
const minClause = 12

// messageLength weighs a message's length: a Han character counts 2, a word
// of letters or digits 3, so that a 22-character Chinese message and a
// 15-word English one are long; a Thai character counts 1 (a Thai word is
// three or four of them).
func messageLength(s string) int {
	n, inWord := 0, false
	for _, r := range s {
		switch {
		case isHan(r):
			n += 2
			inWord = false
		case isThai(r):
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n += 3
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return n / 2
}

// clauseBreak reports whether r ends a clause.
func clauseBreak(r rune) bool {
	switch r {
	case '。', '！', '？', '!', '?', '；', ';', '，', ',', '、', '\n', '\r', '…', '~', '～', '：', ':', '.', '．':
		return true
	}
	return false
}

// clause is one clause of a message, as byte offsets into it.
type clause struct {
	start, end int
	question   bool // ended by a question mark
}

// splitClauses cuts text at clause punctuation and at spaces between two
// Han characters or two Thai ones (on LINE people separate clauses with a
// space; Thai does so in print too).
func splitClauses(text string) []clause {
	var out []clause
	start := 0
	var prev rune // last non-space rune
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case clauseBreak(r):
			if r == '.' && i+size < len(text) && !unicode.IsSpace(rune(text[i+size])) {
				// "1922.gov.tw", "card no.1": not the end of a clause.
				break
			}
			out = appendClause(out, text, start, i, r == '?' || r == '？')
			start = i + size
		case unicode.IsSpace(r) && (isHan(prev) || isThai(prev)):
			j := i
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsSpace(r2) {
					if isHan(r2) && isHan(prev) || isThai(r2) && isThai(prev) {
						out = appendClause(out, text, start, i, false)
						start = j
					}
					break
				}
				j += s2
			}
			// Past the whole run of spaces: from its second space on,
			// the cut above would be made again, after start.
			i = j
			continue
		}
		if !unicode.IsSpace(r) {
			prev = r
		}
		i += size
	}
	return appendClause(out, text, start, len(text), false)
}

func appendClause(out []clause, text string, start, end int, question bool) []clause {
	if strings.TrimSpace(text[start:end]) == "" {
		if question && len(out) > 0 {
			out[len(out)-1].question = true
		}
		return out
	}
	return append(out, clause{start: start, end: end, question: question})
}

// asks reports whether a clause of a message in lang reads as a question.
func asks(s string, lang Lang, question bool) bool {
	if question {
		return true
	}
	// The Chinese and Thai cues are not ASCII: text that is needs only
	// the words.
	ascii := isASCII(s)
	for _, c := range zhCues {
		if ascii {
			break
		}
		if strings.Contains(s, c) {
			return true
		}
	}
	if lang == Th && !ascii {
		// Read as the matcher reads Thai: without tone marks, the formal
		// and Isan question words written as the everyday ones.
		s := foldThaiVariants(s)
		for _, c := range thaiCues {
			if strings.Contains(s, c) {
				return true
			}
		}
	}
	cues := otherCues[lang]
	for w := range strings.FieldsFuncSeq(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
		if enCues[w] || cues[stripMarks(w)] {
			return true
		}
	}
	return false
}

// askingClause returns the clause of a long message in lang that asks: the
// last clause that reads as a question. When it is short ("…輸入新號碼一直失敗
// 怎麼辦？") wider is the clause after the end of the clause before it,
// otherwise "". ok is false for a short message, one of a single clause,
// or one that asks nowhere.
func askingClause(text string, lang Lang) (clause, wider string, ok bool) {
	if len(text) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if messageLength(text) < minLong {
		return "", "", false
	}
	cs := splitClauses(text)
	if len(cs) < 2 {
		return "", "", false
	}
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		q := strings.TrimSpace(text[c.start:c.end])
		if !asks(q, lang, c.question) {
			continue
		}
		if i > 0 && messageLength(q) < minClause {
			prev := cs[i-1]
			wider = tail(text[prev.start:prev.end], minClause) + " " + q
		}
		return q, wider, true
	}
	return "", "", false
}

// tail returns the end of s that is at most n long (messageLength), cut
// between words, Han characters or Thai ones.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	start := len(s)
	for start > 0 {
		i := start
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		if r, _ := utf8.DecodeRuneInString(s[i:]); !isHan(r) && !isThai(r) {
			// Back to the start of this word.
			for i > 0 {
				r, size := utf8.DecodeLastRuneInString(s[:i])
				if unicode.IsSpace(r) || isHan(r) || isThai(r) {
					break
				}
				i -= size
			}
		}
		if messageLength(s[i:]) > n {
			break
		}
		start = i
	}
	return strings.TrimSpace(s[start:])
}
