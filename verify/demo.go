package verify

import (
	"bytes"
	_ "embed"
	"time"
)

//go:embed data/demo-registry.csv
var demoCSV []byte

// demoNewCard is the demo row whose card is always "just made".
const demoNewCard = "000022223333"

// DemoRegistry returns the embedded demo registry: fictitious numbers, one
// row per outcome (see the README). Its card_too_new row is dated 20 minutes
// before now, so that outcome can be tried at any time. The file is checked
// by the tests, so it always loads.
func DemoRegistry(now time.Time) *CSVRegistry {
	reg, err := LoadCSV(bytes.NewReader(demoCSV))
	if err != nil {
		panic("verify: embedded demo registry: " + err.Error())
	}
	if i, ok := reg.byCard[demoNewCard]; ok {
		reg.records[i].CardIssuedAt = now.Add(-20 * time.Minute)
	}
	return reg
}
