package knowledge

import (
	"fmt"
	"os"
	"testing"
)

// TestTuneReport prints accuracy for scoring variants; run with -v -run TestTuneReport.
func TestTuneReport(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	ix, _ := defaultIndex(t)
	f, _ := os.Open("testdata/eval.tsv")
	cases, _ := ParseEvalFile(f)
	for _, mix := range []float32{0.3, 0.5, 0.7} {
		for _, unk := range []float32{0.25, 0.5, 1} {
			for _, mt := range []int{1, 2, 3} {
				for _, od := range []float64{0, -0.03, -0.06, -0.1} {
					ix.opt = scoring{mix: mix, unknown: unk, minTerms: mt}
					ix.th.Offtopic = od
					for _, ab := range []float64{0.05, 0.1, 0.15, 0.2} {
						ix.th.Abstain = ab
						r := Evaluate(ix, cases)
						fmt.Printf("mix=%.1f unk=%.2f mt=%d od=%.2f abst=%.2f zh=%.1f en=%.1f none=%.1f\n", mix, unk, mt, od, ab,
							pct(r.InScope[ZhTW].Correct, r.InScope[ZhTW].Total), pct(r.InScope[En].Correct, r.InScope[En].Total),
							pct(r.NoneAbstained, r.NoneTotal))
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
				} else if os.Getenv("VAXBOT_TUNE") == "2" && lang == En {
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
	nb := &Base{byID: map[string]*Item{}, offtopic: map[Lang][]string{}}
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

// TestConfidence prints how the confident/weak split falls on the eval set.
func TestConfidence(t *testing.T) {
	if os.Getenv("VAXBOT_TUNE") == "" {
		t.Skip("set VAXBOT_TUNE=1")
	}
	ix, _ := defaultIndex(t)
	f, _ := os.Open("testdata/eval.tsv")
	cases, _ := ParseEvalFile(f)
	for _, c := range []float64{0.2, 0.25, 0.3, 0.35, 0.4} {
		for _, mg := range []float64{0, 0.03, 0.05, 0.1} {
			ix.th.Confident, ix.th.Margin = c, mg
			var conf, confRight, weak, weakRight, noneConf int
			for _, k := range cases {
				m := ix.Match(k.Text)
				if k.Expected == "none" {
					if m.Confident {
						noneConf++
					}
					continue
				}
				if m.Confident {
					conf++
					if m.ID == k.Expected {
						confRight++
					}
				} else if m.ID != "" {
					weak++
					if m.ID == k.Expected || m.RunnerUp == k.Expected {
						weakRight++
					}
				}
			}
			fmt.Printf("confident=%.2f margin=%.2f: confident %d (%d right), weak %d (%d with the answer in the two offered), none answered confidently %d\n", c, mg, conf, confRight, weak, weakRight, noneConf)
		}
	}
}
