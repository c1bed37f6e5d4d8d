package knowledge

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// devCases reads testdata/dev.tsv, the set the matcher is tuned on.
func devCases(t *testing.T) []EvalCase {
	t.Helper()
	f, err := os.Open("testdata/dev.tsv")
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

// TestTuneReport sweeps the scoring weights and thresholds over
// testdata/dev.tsv (never heldout.tsv) and prints, per setting, in-scope
// top-1 per language, the in-scope questions answered directly, the
// out-of-scope questions answered with a QA item and the confident wrong
// answers. Run with VAXBOT_TUNE=1 -v -run TestTuneReport.
func TestTuneReport(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	ix, _ := defaultIndex(t)
	defer func(o scoring, th Thresholds) { ix.opt, ix.th = o, th }(ix.opt, ix.th)
	cases := devCases(t)
	for _, lr := range []float32{0.2, 0.3, 0.5} {
		for _, unk := range []float32{0.25, 0.5} {
			ix.opt = scoring{mix: defaultScoring.mix, unknown: unk, minTerms: defaultScoring.minTerms, lr: lr}
			for _, conf := range []float64{0.25, 0.3, 0.35} {
				for _, mg := range []float64{0.1, 0.15, 0.2} {
					for _, nm := range []float64{0, 0.05, 0.1} {
						for _, ask := range []float64{0.1, 0.2, 0.3} {
							ix.th = DefaultThresholds
							ix.th.Confident, ix.th.Margin, ix.th.NearMargin, ix.th.Ask = conf, mg, nm, ask
							r := Evaluate(ix, cases)
							zh, en := r.Langs[ZhTW], r.Langs[En]
							fmt.Printf("lr=%.1f unk=%.2f conf=%.2f margin=%.2f near=%.2f ask=%.1f | top1 zh=%.1f en=%.1f | answered %.1f%% | oos answered %d | wrong %d | near %d\n",
								lr, unk, conf, mg, nm, ask, pct(zh.InScope.Correct, zh.InScope.Total), pct(en.InScope.Correct, en.InScope.Total),
								pct(zh.InScopeAnswered+en.InScopeAnswered, zh.InScope.Total+en.InScope.Total),
								zh.OutAnswered+en.OutAnswered, zh.ConfidentWrong+en.ConfidentWrong, zh.NearRecognised+en.NearRecognised)
						}
					}
				}
			}
		}
	}
}

// TestLeaveOneOut measures the matcher on its own examples, each left out of
// the index that is asked about it: a check of the thresholds that does not
// use the evaluation set. Run with VAXBOT_TUNE=1 -v.
func TestLeaveOneOut(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	_, base := defaultIndex(t)
	correct, top2, total, offOK, offTotal := map[Lang]int{}, map[Lang]int{}, map[Lang]int{}, 0, 0
	for _, it := range base.items {
		for _, lang := range Langs {
			for i, ex := range it.Text[lang].Examples {
				b := cloneWithout(base, it.ID, lang, i, -1)
				ix, err := NewIndex(b)
				if err != nil {
					t.Fatal(err)
				}
				total[lang]++
				m := ix.Match(ex)
				if m.ID == it.ID || m.RunnerUp == it.ID {
					top2[lang]++
				}
				if m.ID == it.ID {
					correct[lang]++
				} else if os.Getenv("VAXBOT_TUNE") == "2" && (lang == En || os.Getenv("VAXBOT_LANG") == string(lang)) {
					fmt.Printf("  %s got %q (%.2f, runner-up %s): %s\n", it.ID, m.ID, m.Score, m.RunnerUp, ex)
				}
			}
		}
	}
	for _, lang := range Langs {
		for i, ex := range base.offtopic[lang] {
			b := cloneWithout(base, "", lang, -1, i)
			ix, _ := NewIndex(b)
			offTotal++
			if ix.Match(ex).Abstained() {
				offOK++
			}
		}
	}
	fmt.Printf("leave-one-out: zh-TW %d/%d, en %d/%d, off-topic abstained %d/%d; right item among the two best: zh-TW %d, en %d\n",
		correct[ZhTW], total[ZhTW], correct[En], total[En], offOK, offTotal, top2[ZhTW], top2[En])
}

// cloneWithout copies b without one example (of item id) or one off-topic
// example.
func cloneWithout(b *Base, id string, lang Lang, ex, off int) *Base {
	nb := &Base{byID: map[string]*Item{}, offtopic: map[Lang][]string{}, near: b.near, nearByID: b.nearByID, phrases: b.phrases}
	for _, it := range b.items {
		c := *it
		c.Text = map[Lang]Text{}
		for l, tx := range it.Text {
			if it.ID == id && l == lang {
				tx.Examples = append(append([]string(nil), tx.Examples[:ex]...), tx.Examples[ex+1:]...)
			}
			c.Text[l] = tx
		}
		nb.items = append(nb.items, &c)
		nb.byID[c.ID] = &c
	}
	for l, exs := range b.offtopic {
		if l == lang && off >= 0 {
			exs = append(append([]string(nil), exs[:off]...), exs[off+1:]...)
		}
		nb.offtopic[l] = exs
	}
	return nb
}

// TestEvalFile prints the report of the file named by VAXBOT_EVAL (like
// "vaxbot eval FILE", without building the command).
func TestEvalFile(t *testing.T) {
	file := os.Getenv("VAXBOT_EVAL")
	if file == "" {
		t.Skip("set VAXBOT_EVAL=testdata/dev.tsv")
	}
	ix, _ := defaultIndex(t)
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ParseEvalFile(f)
	if err != nil {
		t.Fatal(err)
	}
	Evaluate(ix, cases).WriteTo(os.Stdout)
}

// TestConfidence prints how answers and "did you mean" fall on
// testdata/eval.tsv for confidence thresholds around the default. Run with
// VAXBOT_TUNE=1 -v.
func TestConfidence(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	ix, _ := defaultIndex(t)
	defer ix.SetThresholds(ix.th)
	th0 := ix.th
	cases := readEval(t, "testdata/eval.tsv")
	for _, c := range []float64{0.25, th0.Confident, 0.35} {
		for _, mg := range []float64{0.1, th0.Margin, 0.2} {
			th := th0
			th.Confident, th.Margin = c, mg
			ix.SetThresholds(th)
			var conf, confRight, weak, weakRight, noneConf int
			for _, k := range cases {
				m := ix.Match(k.Text)
				if !expectsItem(k.Expected) {
					if m.Mode == ModeAnswer {
						noneConf++
					}
					continue
				}
				switch m.Mode {
				case ModeAnswer:
					conf++
					if m.ID == k.Expected {
						confRight++
					}
				case ModeSuggest:
					weak++
					if slices.Contains(m.Suggestions, k.Expected) {
						weakRight++
					}
				}
			}
			fmt.Printf("confident=%.2f margin=%.2f: answered %d (%d right), \"did you mean\" %d (%d with the answer among those offered), none answered %d\n", c, mg, conf, confRight, weak, weakRight, noneConf)
		}
	}
}

// TestCrossValLangs measures the matcher of each language of data/i18n on
// its own examples by k-fold cross-validation (each fold matched by an
// index built without it): the set tokenization and detection are tuned
// on, never the held-out files. Run with VAXBOT_TUNE=1 -v
// (VAXBOT_LANG=vi for one language, VAXBOT_TUNE=2 lists the misses,
// VAXBOT_QUARTER=1 adds the inverse 4-fold run: trained on a quarter).
func TestCrossValLangs(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	langs := newLangs
	if l := os.Getenv("VAXBOT_LANG"); l != "" {
		langs = []Lang{Lang(l)}
	}
	for _, lang := range langs {
		data := embeddedData(t)
		if dir := os.Getenv("VAXBOT_DATA"); dir != "" {
			data = os.DirFS(dir) // a snapshot, while the translators edit data/
		}
		b, err := loadLangs(data, []Lang{ZhTW, En, lang}, loadOptions{drafts: true})
		if err != nil {
			t.Skipf("%s: %v", lang, err)
		}
		fmt.Println(crossVal(t, b, lang, 5, false))
		if os.Getenv("VAXBOT_QUARTER") != "" {
			fmt.Println(crossVal(t, b, lang, 4, true))
		}
	}
}

// embeddedData returns the embedded data directory.
func embeddedData(t *testing.T) fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// crossVal splits lang's examples (items, topics, off-topic) into k
// folds, matches each fold with an index of lang built from the others,
// and reports: items top-1 and answered right, confident wrong answers,
// topics recognised, off-topic and topic questions answered with an item.
// inverse turns it round: each fold is the index, the others are asked
// (trained on a quarter when k is 4), a stand-in for a writer whose words
// the examples lack.
func crossVal(t *testing.T, b *Base, lang Lang, k int, inverse bool) string {
	type q struct {
		text, want string
	}
	var itemsOK, itemsAns, items, wrong, nearOK, nears, offNone, offs, outAns, misread int
	for fold := range k {
		nb := &Base{langs: langGroup(lang), byID: map[string]*Item{}, nearByID: map[string]*NearTopic{}, offtopic: map[Lang][]string{}, phrases: b.phrases}
		var test []q
		n := 0
		keep := func(want string, exs []string) []string {
			var out []string
			for _, ex := range exs {
				if (n%k == fold) != inverse {
					test = append(test, q{ex, want})
				} else {
					out = append(out, ex)
				}
				n++
			}
			return out
		}
		for _, it := range b.items {
			c := *it
			c.Text = maps.Clone(it.Text)
			tx := c.Text[lang]
			tx.Examples = keep(it.ID, tx.Examples)
			c.Text[lang] = tx
			nb.items = append(nb.items, &c)
			nb.byID[c.ID] = &c
		}
		for _, nt := range b.near {
			c := *nt
			c.Text = maps.Clone(nt.Text)
			tx := c.Text[lang]
			tx.Examples = keep(nt.ID, tx.Examples)
			c.Text[lang] = tx
			nb.near = append(nb.near, &c)
			nb.nearByID[c.ID] = &c
		}
		nb.offtopic[lang] = keep("none", b.offtopic[lang])
		for _, l := range nb.langs[1:] {
			nb.offtopic[l] = b.offtopic[l]
		}
		ix, err := NewIndex(nb)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range test {
			m := ix.MatchIn(c.text, lang)
			if m.Lang != lang {
				misread++
			}
			if m.Mode == ModeAnswer && m.ID != c.want {
				wrong++
			}
			switch {
			case c.want == "none":
				offs++
				if m.Abstained() {
					offNone++
				}
			case strings.HasPrefix(c.want, NearPrefix):
				nears++
				if m.Near == c.want {
					nearOK++
				}
			default:
				items++
				if m.ID == c.want {
					itemsOK++
					if m.Mode == ModeAnswer {
						itemsAns++
					}
				} else if os.Getenv("VAXBOT_TUNE") == "2" {
					fmt.Printf("  %s got %s %q (%.2f, runner-up %s, near %s, read as %s): %s\n", c.want, m.Mode, m.ID, m.Score, m.RunnerUp, m.Near, m.Lang, c.text)
				}
			}
			if !expectsItem(c.want) && m.Mode == ModeAnswer {
				outAns++
			}
		}
	}
	name := ""
	if inverse {
		name = " inverse"
	}
	return fmt.Sprintf("%s %d-fold%s: items top-1 %d/%d (%.1f%%), answered right %d; confident wrong %d; topics recognised %d/%d; off-topic abstained %d/%d; out-of-scope answered %d; read in another language %d",
		lang, k, name, itemsOK, items, pct(itemsOK, items), itemsAns, wrong, nearOK, nears, offNone, offs, outAns, misread)
}

// TestDetectExamples reports how DetectLang reads the example questions of
// every language (the set detection is tuned on): per language, how many
// are read in another language or without SureLang. Run with
// VAXBOT_TUNE=1 -v (VAXBOT_TUNE=2 lists them).
func TestDetectExamples(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	data := embeddedData(t)
	if dir := os.Getenv("VAXBOT_DATA"); dir != "" {
		data = os.DirFS(dir)
	}
	b, err := loadLangs(data, AllLangs, loadOptions{drafts: true})
	if err != nil {
		t.Skip(err)
	}
	dev := map[Lang][]string{}
	for _, file := range []string{"testdata/dev.tsv", "testdata/eval.tsv"} {
		for _, c := range readEval(t, file) {
			dev[c.Lang] = append(dev[c.Lang], c.Text)
		}
	}
	for _, lang := range AllLangs {
		all := dev[lang]
		for _, it := range b.items {
			all = append(all, it.Text[lang].Examples...)
		}
		for _, n := range b.near {
			all = append(all, n.Text[lang].Examples...)
		}
		all = append(all, b.offtopic[lang]...)
		wrong, unsure := map[Lang]int{}, 0
		for _, ex := range all {
			got, conf := DetectLang(ex)
			if got != lang {
				wrong[got]++
			} else if conf < SureLang {
				unsure++
			}
			if (got != lang || conf < SureLang) && os.Getenv("VAXBOT_TUNE") == "2" {
				fmt.Printf("  %s read as %s %.2f: %s\n", lang, got, conf, ex)
			}
		}
		fmt.Printf("detect %s: %d examples, read as another language %v, unsure %d\n", lang, len(all), wrong, unsure)
	}
}
