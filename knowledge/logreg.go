package knowledge

import "math"

// logreg is a multinomial logistic regression over the index's terms: one
// weight per term and class, trained on the example questions at NewIndex.
// BM25 finds the examples a question resembles; the regression learns which
// terms tell the classes apart (where/哪 for the card number's place,
// 寄/mail for a card in the post, 劑/dose for the next dose), so the
// question's intent counts, not only its nouns. Match mixes the two.
type logreg struct {
	w       []float32 // feature*classes + class; a feature is a vocabulary id
	bias    []float32
	classes int
}

// Training settings: a few passes of AdaGrad in document order, so the
// model is the same on every start.
const (
	lrEpochs = 15
	lrRate   = 0.1
	lrL2     = 0.001
)

// trainLogreg fits the model to docs (each a list of distinct vocabulary
// ids below features) and their labels in [0, classes).
func trainLogreg(xs [][]int32, features int, labels []int, classes int) *logreg {
	m := &logreg{classes: classes, bias: make([]float32, classes)}
	m.w = make([]float32, features*classes)
	gw := make([]float64, len(m.w)) // AdaGrad's sums of squared gradients
	gb := make([]float64, classes)
	p := make([]float64, classes)
	for range lrEpochs {
		for i, x := range xs {
			m.logits(x, p)
			softmax(p)
			for c := range classes {
				g := p[c]
				if c == labels[i] {
					g--
				}
				gb[c] += g * g
				m.bias[c] -= float32(lrRate * g / math.Sqrt(gb[c]+1e-8))
				for _, f := range x {
					k := int(f)*classes + c
					gg := g + lrL2*float64(m.w[k])
					gw[k] += gg * gg
					m.w[k] -= float32(lrRate * gg / math.Sqrt(gw[k]+1e-8))
				}
			}
		}
	}
	return m
}

// logits writes the bias plus the weights of features x into p.
func (m *logreg) logits(x []int32, p []float64) {
	for c := range p {
		p[c] = float64(m.bias[c])
	}
	for _, f := range x {
		row := m.w[int(f)*m.classes : int(f+1)*m.classes]
		for c, w := range row {
			p[c] += float64(w)
		}
	}
}

// probs writes each class's probability for the query terms (vocabulary
// ids, -1 for a term the vocabulary lacks) into p (len classes).
func (m *logreg) probs(query []int32, p []float64) {
	for c := range p {
		p[c] = float64(m.bias[c])
	}
	for _, f := range query {
		if f < 0 {
			continue
		}
		row := m.w[int(f)*m.classes : int(f+1)*m.classes]
		for c, w := range row {
			p[c] += float64(w)
		}
	}
	softmax(p)
}

// softmax turns logits into probabilities in place.
func softmax(p []float64) {
	mx := math.Inf(-1)
	for _, v := range p {
		mx = max(mx, v)
	}
	var sum float64
	for c, v := range p {
		p[c] = math.Exp(v - mx)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}
