package knowledge

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkMatch holds a Match to the contract of its fields.
func checkMatch(m Match) error {
	if m.Confident != (m.Mode == ModeAnswer) {
		return fmt.Errorf("Confident %v with mode %s", m.Confident, m.Mode)
	}
	if len(m.Suggestions) > 3 {
		return fmt.Errorf("%d suggestions", len(m.Suggestions))
	}
	for i, s := range m.Suggestions {
		if s == "" || slices.Contains(m.Suggestions[:i], s) {
			return fmt.Errorf("suggestions %q", m.Suggestions)
		}
	}
	if m.Near != "" && !strings.HasPrefix(m.Near, NearPrefix) {
		return fmt.Errorf("near %q", m.Near)
	}
	switch m.Mode {
	case ModeAnswer:
		if m.ID == "" || !slices.Equal(m.Suggestions, []string{m.ID}) || m.Near != "" {
			return fmt.Errorf("answer %q with suggestions %q, near %q", m.ID, m.Suggestions, m.Near)
		}
	case ModeSuggest:
		if m.ID == "" || len(m.Suggestions) == 0 || m.Suggestions[0] != m.ID {
			return fmt.Errorf("suggest %q with suggestions %q", m.ID, m.Suggestions)
		}
	case ModeNone:
		if m.ID != "" || len(m.Suggestions) > 1 {
			return fmt.Errorf("none with id %q, suggestions %q", m.ID, m.Suggestions)
		}
	default:
		return fmt.Errorf("mode %q", m.Mode)
	}
	if m.Score < 0 || m.Score > 1 || m.NearScore < 0 || m.NearScore > 1 || m.RunnerUpScore > m.Score {
		return fmt.Errorf("scores %v, %v, runner-up %v", m.Score, m.NearScore, m.RunnerUpScore)
	}
	return nil
}

// TestMatchClasses matches one question of each kind: a QA item is
// answered only when the question asks what the item answers; a
// neighbouring question that shares its nouns gets its near-domain topic,
// and at most a suggestion of the item.
func TestMatchClasses(t *testing.T) {
	ix, _ := defaultIndex(t)
	tests := []struct {
		name, text string
		mode       Mode
		id         string // the item answered or suggested first; "" for none
		near       string
	}{
		{"card number's place", "請問健保卡號碼印在哪", ModeAnswer, "q1", ""},
		{"card number's place, en", "which number on my nhi card is the card number", ModeAnswer, "q1", ""},
		{"new card, how long", "剛換新的健保卡 多久以後可以登記", ModeAnswer, "q6", ""},
		{"new card, how long, en", "got a replacement nhi card today, how long until i can register", ModeAnswer, "q6", ""},
		{"duplicate ID", "我的身分證號碼跟別人重號 登記不了", ModeAnswer, "q7", ""},
		{"backstory, then 新卡要等多久", "我的卡上禮拜在公車上弄丟了 今天請假去健保署辦新的 回家上網登記一直失敗 新卡要等多久？", ModeAnswer, "q6", ""},
		{"backstory, then the question, en", "my dad is 80 and i am doing the vaccine form for him on my phone, it asks for his card number, where on the nhi card is it?", ModeAnswer, "q1", ""},
		{"second dose is not q6", "第二劑要等多久", ModeNone, "", "n_dose_timing"},
		{"second dose is not q6, en", "how long do i wait for my second dose", ModeNone, "", "n_dose_timing"},
		{"brands", "可以選莫德納嗎", ModeNone, "", "n_brands"},
		{"where to get vaccinated", "where can i get the covid vaccine in taichung", ModeNone, "", "n_sites"},
		{"free for foreigners", "外國人打疫苗免費嗎", ModeNone, "", "n_cost"},
		{"mailed card", "健保卡用寄的 大概多久會收到", ModeNone, "", "n_card_service"},
		{"mailed card, en", "when will my nhi card arrive in the mail", ModeNone, "", "n_card_service"},
		{"app password", "健保快易通的密碼忘記了", ModeNone, "", "n_app_password"},
		{"lost ARC", "i lost my arc card, where do i get a new one", ModeNone, "", "n_lost_arc"},
		{"ARC number length", "居留證號碼總共有幾個字", ModeNone, "", "n_id_format"},
		{"premium", "健保費要去哪裡繳", ModeNone, "", "n_premium"},
		{"certificate", "where do i get a vaccination certificate", ModeNone, "", "n_certificate"},
		{"side effects", "打完疫苗頭很痛怎麼辦", ModeNone, "", "n_side_effects"},
		{"cancel a booking", "how do i cancel my vaccine booking", ModeNone, "", "n_booking"},
		{"a story about q7, then how to register", "我打去健保署問 他們說我的身分證號碼製卡的時候跟別人重號 所以系統裡是另一個號碼 那我要怎麼登記疫苗", ModeAnswer, "q7", ""},
		{"a story about a new card, then the second dose", "我前天剛去健保署換了新的健保卡 一個小時後就登記成功了 想問第二劑什麼時候可以打", ModeNone, "", "n_dose_timing"},
		{"chit-chat", "早安 今天天氣真好", ModeNone, "", ""},
		{"chit-chat, en", "thanks a lot, have a nice day", ModeNone, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ix.Match(tt.text)
			if err := checkMatch(m); err != nil {
				t.Fatalf("Match(%q): %v", tt.text, err)
			}
			if tt.near != "" && m.Mode == ModeSuggest && !slices.Contains([]string{"q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"}, tt.id) {
				// A neighbouring question close to an item may offer it as
				// "did you mean" next to the topic's referral.
				if m.Near != tt.near {
					t.Errorf("Match(%q) = %s %q near %q, want near %q", tt.text, m.Mode, m.ID, m.Near, tt.near)
				}
				return
			}
			if m.Mode != tt.mode || m.ID != tt.id || m.Near != tt.near {
				t.Errorf("Match(%q) = %s %q near %q, want %s %q near %q", tt.text, m.Mode, m.ID, m.Near, tt.mode, tt.id, tt.near)
			}
		})
	}
}

// TestNeverAnswersNeighbours: neighbouring questions that share an item's
// nouns never get that item as an answer.
func TestNeverAnswersNeighbours(t *testing.T) {
	ix, _ := defaultIndex(t)
	for _, tt := range []struct{ text, item string }{
		{"第二劑什麼時候打", "q6"},
		{"when is my second dose due", "q6"},
		{"how long after my first shot is the second one", "q6"},
		{"新的健保卡寄到家要幾天", "q6"},
		{"how long does a new nhi card take to arrive by post", "q6"},
		{"健保卡會過期嗎", "q1"},
		{"how many characters does an ARC number have", "q1"},
		{"居留證弄丟了 要去哪裡補", "q5"},
		{"I forgot my NHI app password", "q3"},
		{"外國人打疫苗要錢嗎", "q4"},
		{"how do I register for the vaccine", "q4"},
		// A story about an item, then a neighbouring question.
		{"我前天剛去健保署換了新的健保卡 一個小時後就登記成功了 想問第二劑什麼時候可以打", "q6"},
		{"I replaced my NHI card last week and the registration went through after an hour, when is my second dose?", "q6"},
		{"我用舊居留證號登記過了 現在換了新的居留證 請問打疫苗要付錢嗎", "q9"},
		{"my id number is a duplicate and i replaced my card for free already, which vaccine brand can i choose?", "q7"},
	} {
		if m := ix.Match(tt.text); m.Mode == ModeAnswer {
			t.Errorf("Match(%q) answered %s (near %q), want no answer", tt.text, m.ID, m.Near)
		}
	}
}

func TestMatchSuggestions(t *testing.T) {
	ix, _ := defaultIndex(t)
	th := ix.th
	defer ix.SetThresholds(th)
	// With no confident answer possible, a question between items is a
	// suggestion with its closest items first.
	ix.SetThresholds(Thresholds{Abstain: th.Abstain, Confident: 2, Margin: th.Margin, Offtopic: th.Offtopic,
		NearMargin: th.NearMargin, NearLead: th.NearLead, Pair: 1, Close: 1})
	m := ix.Match("換了新的居留證號碼 健保卡還是舊的 要怎麼登記")
	if m.Mode != ModeSuggest || len(m.Suggestions) != 3 {
		t.Fatalf("got %s %q, want three suggestions", m.Mode, m.Suggestions)
	}
	for _, id := range m.Suggestions {
		if !slices.Contains([]string{"q3", "q5", "q8", "q9"}, id) {
			t.Errorf("suggestion %s is not about a new ARC number", id)
		}
	}
	ix.SetThresholds(Thresholds{Abstain: th.Abstain, Confident: 2, Margin: th.Margin, Offtopic: th.Offtopic,
		NearMargin: th.NearMargin, NearLead: th.NearLead, Pair: 0, Close: 0})
	if m := ix.Match("換了新的居留證號碼 健保卡還是舊的 要怎麼登記"); len(m.Suggestions) != 1 {
		t.Errorf("with no closeness allowed got %q, want one suggestion", m.Suggestions)
	}
}

func TestAskingClause(t *testing.T) {
	tests := []struct {
		name, in, want, wider string
		ok                    bool
		lang                  Lang // "": zh-TW or English
	}{
		{"short message", "新卡要等多久？", "", "", false, ""},
		{"question at the end", "昨天健保卡在夜市弄丟了 今天一早就去健保署補辦 想趕快幫自己登記疫苗 請問新辦好的卡要等多久才能登記？", "請問新辦好的卡要等多久才能登記", "", true, ""},
		{"short question, with the clause before", "我的卡上禮拜在公車上弄丟了 今天請假去健保署辦新的 回家上網登記一直失敗 新卡要等多久？", "新卡要等多久", "回家上網登記一直失敗 新卡要等多久", true, ""},
		{"short question, zh", "我老公上個月去移民署換了新的居留證 今天幫他登記 輸入新號碼一直失敗 怎麼辦", "怎麼辦", "輸入新號碼一直失敗 怎麼辦", true, ""},
		{"only the end of a long clause before", "after changing to the new ui number i can log into the app again but i forgot the password, how do i reset it", "how do i reset it", "the app again but i forgot the password how do i reset it", true, ""},
		{"english", "my dad is 80 and i am doing the vaccine form for him, it asks for his card number. where on the nhi card is it?", "where on the nhi card is it", "it asks for his card number where on the nhi card is it", true, ""},
		{"english, a long question", "my dad is 80 and i am doing the vaccine form for him on my phone. which of the numbers printed on his nhi card is the card number?", "which of the numbers printed on his nhi card is the card number", "", true, ""},
		{"no question", "我已經換了新的居留證 也去健保署改了資料 但是健保卡還沒換 app 一直登不進去", "", "", false, ""},
		{"vietnamese, without diacritics", "toi moi doi the cu tru o so di dan tuan truoc, hom nay dang ky tiem vac xin bi bao loi, phai lam sao", "phai lam sao", "dang ky tiem vac xin bi bao loi phai lam sao", true, Vi},
		{"thai, clauses between spaces", "เมื่อวานไปทำบัตรประกันใบใหม่ที่สำนักงานมาแล้ว วันนี้ลงทะเบียนวัคซีนไม่ผ่าน ต้องรออีกนานไหม", "ต้องรออีกนานไหม", "นี้ลงทะเบียนวัคซีนไม่ผ่าน ต้องรออีกนานไหม", true, Th},
		{"tagalog", "kahapon pinalitan ko ang nhi card ko sa opisina, ngayon ayaw tanggapin sa registration, gaano katagal bago gumana", "gaano katagal bago gumana", "ngayon ayaw tanggapin sa registration gaano katagal bago gumana", true, Tl},
		{"url is not a clause break", "I registered with my old ARC last month and then read on 1922.gov.tw that I can book there, but how do I book now?", "but how do I book now", "1922.gov.tw that I can book there but how do I book now", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, wider, ok := askingClause(tt.in, tt.lang)
			if got != tt.want || wider != tt.wider || ok != tt.ok {
				t.Errorf("askingClause(%q) = %q, %q, %v; want %q, %q, %v", tt.in, got, wider, ok, tt.want, tt.wider, tt.ok)
			}
		})
	}
}

// readEval reads an evaluation file of testdata.
func readEval(t *testing.T, name string) []EvalCase {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ParseEvalFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestMatchingTargets holds the index to issue 11's targets on dev.tsv
// (tuned on) and heldout.tsv (written before any tuning, never tuned on):
// in-scope top-1 per language, out-of-scope questions answered with a QA
// item, confident wrong answers (of all questions), near-domain topics
// recognised.
func TestMatchingTargets(t *testing.T) {
	ix, _ := defaultIndex(t)
	for _, tt := range []struct {
		file                       string
		minTop1                    map[Lang]float64 // %
		maxOutAns, maxCW           float64          // per language, %
		minNear                    float64          // %
		minInScope, minOut, minAll int              // lines per language
	}{
		{"testdata/dev.tsv", map[Lang]float64{ZhTW: 95, En: 95}, 10, 1, 85, 100, 80, 200},
		// The target is 95 % in each language (Chinese reached it on
		// heldout.tsv with more zh-TW examples: see README, "Measured").
		{"testdata/heldout.tsv", map[Lang]float64{ZhTW: 95, En: 95}, 10, 1, 85, 180, 80, 280},
	} {
		t.Run(tt.file, func(t *testing.T) {
			r := Evaluate(ix, readEval(t, tt.file))
			for _, lang := range []Lang{ZhTW, En} { // the languages of dev.tsv and heldout.tsv
				s := r.Langs[lang]
				if s == nil || s.InScope.Total < tt.minInScope || s.OutOfScope < tt.minOut || s.Total < tt.minAll {
					t.Fatalf("%s: too few questions: %+v", lang, s)
				}
				if got := pct(s.InScope.Correct, s.InScope.Total); got < tt.minTop1[lang] {
					t.Errorf("%s in-scope top-1 %.1f%%, want ≥ %.0f%%", lang, got, tt.minTop1[lang])
				}
				if got := pct(s.OutAnswered, s.OutOfScope); got > tt.maxOutAns {
					t.Errorf("%s out-of-scope answered with a QA item %.1f%%, want ≤ %.0f%%", lang, got, tt.maxOutAns)
				}
				if got := pct(s.ConfidentWrong, s.Total); got > tt.maxCW {
					t.Errorf("%s confident wrong answers %.1f%%, want ≤ %.0f%%", lang, got, tt.maxCW)
				}
				if got := pct(s.NearRecognised, s.Near); got < tt.minNear {
					t.Errorf("%s near-domain topics recognised %.1f%%, want ≥ %.0f%%", lang, got, tt.minNear)
				}
			}
			if t.Failed() {
				var b strings.Builder
				r.WriteTo(&b)
				t.Log(b.String())
			}
		})
	}
}

// TestMatchContract runs every evaluation question through checkMatch.
func TestMatchContract(t *testing.T) {
	ix, _ := defaultIndex(t)
	for _, file := range []string{"testdata/eval.tsv", "testdata/dev.tsv", "testdata/heldout.tsv"} {
		for _, c := range readEval(t, file) {
			if err := checkMatch(ix.Match(c.Text)); err != nil {
				t.Errorf("%s line %d %q: %v", file, c.Line, c.Text, err)
			}
		}
	}
}

// TestSpacesBetweenClauses: a long message whose clauses are parted by
// runs of spaces (two, three, a full-width one among them) is cut into
// the same clauses as with one space, and matched alike; a run of spaces
// once cut a clause again after its start and panicked.
func TestSpacesBetweenClauses(t *testing.T) {
	ix, _ := defaultIndex(t)
	one := []string{
		"我爸爸之前一直住在大陸 最近才回來 健保還沒恢復 也沒有卡 區公所說要上網登記 可是他沒有卡號 該怎麼登記",
		"ลูกจ้างของฉันเพิ่งได้บัตรใหม่ ระบบบอกว่าเลขไม่ถูกต้อง ต้องทำอย่างไร",
	}
	for _, text := range one {
		for _, spaces := range []string{"  ", "   ", " \u3000 ", "\t "} {
			many := strings.ReplaceAll(text, " ", spaces)
			var want []string
			for _, c := range splitClauses(text) {
				want = append(want, strings.TrimSpace(text[c.start:c.end]))
			}
			var got []string
			for _, c := range splitClauses(many) {
				got = append(got, strings.TrimSpace(many[c.start:c.end]))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q: clauses %q, want %q", many, got, want)
			}
			if m, w := ix.Match(many), ix.Match(text); !reflect.DeepEqual(m, w) {
				t.Errorf("%q: %+v, want %+v (one space)", many, m, w)
			}
		}
	}
}

// TestAskingClauseAgrees: a long message whose story lowers the whole
// message's score under Confident is answered when its question, read
// alone, asks for the same item as clearly as an answered question does;
// before, it was only offered as "did you mean".
func TestAskingClauseAgrees(t *testing.T) {
	ix, _ := defaultIndex(t)
	th := DefaultThresholds
	tests := []struct{ text, want string }{
		{"Hello, my father is 80 and doesn't use smartphones, so I'm helping him sign up for the vaccine on the government website. It asks for his NHI card number, but there are several numbers printed on his card. Which one is the card number?", "q1"},
		{"我媽媽七十幾歲 不太會用手機 我今天回家幫她弄疫苗登記 網站一直要健保卡號 卡片上的號碼有好幾組 到底哪一組才是卡號啊", "q1"},
	}
	for _, tt := range tests {
		m := ix.Match(tt.text)
		if m.ID != tt.want || m.Mode != ModeAnswer {
			t.Errorf("%q: %s in mode %v, want %s answered", tt.text, m.ID, m.Mode, tt.want)
		}
		if m.Score >= th.Confident && m.Score-m.RunnerUpScore >= th.Margin {
			t.Errorf("%q: the whole message scores %.2f, %.2f ahead: it does not test the asking clause", tt.text, m.Score, m.Score-m.RunnerUpScore)
		}
	}
}
