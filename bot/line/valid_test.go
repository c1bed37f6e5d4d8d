package line

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validCases are the bodies where a JSON scanner most easily parts from
// json.Valid, each with json.Valid's answer.
var validCases = []struct {
	name string
	body string
	want bool
}{
	{"empty", "", false},
	{"whitespace only", " \t\r\n", false},
	{"form feed is not space", "\f1", false},
	{"vertical tab is not space", "1\v", false},
	{"non-breaking space is not space", "\u00a01", false},
	{"BOM", "\ufeff{}", false},
	{"spaces around", " \n\t\r{} \r\n\t", true},
	{"null", "null", true},
	{"true", "true", true},
	{"false", "false", true},
	{"short literal", "tru", false},
	{"literal with a tail", "truex", false},
	{"literal in caps", "True", false},
	{"literal then a number", "null1", false},
	{"zero", "0", true},
	{"minus zero", "-0", true},
	{"minus alone", "-", false},
	{"minus space", "- 1", false},
	{"plus", "+1", false},
	{"leading zero", "01", false},
	{"minus leading zero", "-01", false},
	{"zero point zero", "0.0", true},
	{"dot without digits", "1.", false},
	{"dot first", ".5", false},
	{"exponent", "1e5", true},
	{"capital exponent", "1E5", true},
	{"exponent sign", "1e+5", true},
	{"negative exponent", "-1.5e-05", true},
	{"exponent without digits", "1e", false},
	{"exponent sign without digits", "1e+", false},
	{"dot then exponent", "1.e5", false},
	{"zero exponent", "0e0", true},
	{"two signs", "1e+-5", false},
	{"hex", "0x1", false},
	{"two numbers", "1 2", false},
	{"number then minus", "1-2", false},
	{"number in array", "[1,-0.5e3]", true},
	{"string", `"a"`, true},
	{"unterminated string", `"a`, false},
	{"escapes", `"\" \\ \/ \b \f \n \r \t"`, true},
	{"unknown escape", `"\a"`, false},
	{"escaped single quote", `"\'"`, false},
	{"backslash at the end", `"\`, false},
	{"unicode escape", `"\u00e9\u00E9"`, true},
	{"short unicode escape", `"\u00e"`, false},
	{"unicode escape at the end", `"\u00e`, false},
	{"non-hex unicode escape", `"\u00g9"`, false},
	{"surrogate pair", `"\ud83d\ude00"`, true},
	{"lone surrogate", `"\ud83d"`, true},
	{"reversed surrogates", `"\ude00\ud83d"`, true},
	{"tab in string", "\"a\tb\"", false},
	{"newline in string", "\"a\nb\"", false},
	{"NUL in string", "\"a\x00b\"", false},
	{"unit separator in string", "\"\x1f\"", false},
	{"DEL in string", "\"\x7f\"", true},
	{"invalid UTF-8 in string", "\"\xff\xfe\x80\"", true},
	{"truncated UTF-8 in string", "\"\xe5\xa5\"", true},
	{"invalid UTF-8 outside", "\xff", false},
	{"long plain string", `"` + strings.Repeat("健保卡abcdefgh", 20) + `"`, true},
	{"quote at each offset", `["` + strings.Repeat(`a\"`, 17) + `"]`, true},
	{"control after eight plain bytes", "\"abcdefgh\x01\"", false},
	{"empty object", "{}", true},
	{"empty array", "[]", true},
	{"empty containers spaced", "[ { } , [ ] ]", true},
	{"object", `{"a":1,"b":[true,null],"c":{"d":"e"}}`, true},
	{"number key", `{1:2}`, false},
	{"missing colon", `{"a" 1}`, false},
	{"missing value", `{"a":}`, false},
	{"trailing comma in object", `{"a":1,}`, false},
	{"trailing comma in array", `[1,]`, false},
	{"leading comma", `[,1]`, false},
	{"two commas", `[1,,2]`, false},
	{"missing comma", `[1 2]`, false},
	{"mismatched close", `[1}`, false},
	{"mismatched close in object", `{"a":1]`, false},
	{"unclosed", `[[1]`, false},
	{"extra close", `[1]]`, false},
	{"trailing garbage", `{} x`, false},
	{"trailing NUL", "{}\x00", false},
	{"two values", `{}{}`, false},
	{"comma at the top", `1,2`, false},
	{"depth at the limit", deep(maxNesting, ""), true},
	{"depth beyond the limit", deep(maxNesting+1, ""), false},
	{"objects at the limit", deepObject(maxNesting), true},
	{"objects beyond the limit", deepObject(maxNesting + 1), false},
	{"empty object beyond the limit", deep(maxNesting, "{}"), false},
	{"open beyond the limit", strings.Repeat("[", maxNesting+1), false},
	{"deep and mismatched", strings.Repeat("[", 200) + strings.Repeat("}", 200), false},
	{"deep mixed", strings.Repeat(`[{"a":`, 100) + "1" + strings.Repeat("}]", 100), true},
}

// deep returns inner in n nested arrays.
func deep(n int, inner string) string {
	return strings.Repeat("[", n) + inner + strings.Repeat("]", n)
}

// deepObject returns n nested objects.
func deepObject(n int) string {
	return strings.Repeat(`{"a":`, n-1) + "{}" + strings.Repeat("}", n-1)
}

// TestValidJSON: validJSON answers as json.Valid on the cases above, and
// on the webhook bodies LINE sends.
func TestValidJSON(t *testing.T) {
	for _, c := range validCases {
		t.Run(c.name, func(t *testing.T) {
			b := []byte(c.body)
			if std := json.Valid(b); std != c.want {
				t.Fatalf("json.Valid(%.40q) = %v, the case says %v", c.body, std, c.want)
			}
			if got := validJSON(b); got != c.want {
				t.Errorf("validJSON(%.40q) = %v, want %v", c.body, got, c.want)
			}
		})
	}
	for i, b := range webhookBodies(t) {
		if !validJSON(b) {
			t.Errorf("webhook body %d: validJSON refuses it", i)
		}
	}
}

// webhookBodies returns the webhook bodies in testdata, as LINE sends
// them: the seeds of the fuzz tests, in the order of their file names.
func webhookBodies(tb testing.TB) [][]byte {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no webhook bodies in testdata: %v", err)
	}
	var bodies [][]byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	return bodies
}

// FuzzValidJSONMatchesStdlib: validJSON accepts and refuses exactly the
// bodies json.Valid does.
func FuzzValidJSONMatchesStdlib(f *testing.F) {
	for _, b := range webhookBodies(f) {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, c := range validCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}

// BenchmarkValidJSON checks the webhook body of BenchmarkDecode, as
// rawEvents does, with json.Valid and with validJSON.
// go test -run '^$' -bench ValidJSON ./bot/line/
func BenchmarkValidJSON(b *testing.B) {
	body, err := os.ReadFile("testdata/text.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct {
		name  string
		valid func([]byte) bool
	}{{"json.Valid", json.Valid}, {"validJSON", validJSON}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if !v.valid(body) {
					b.Fatal("refused")
				}
			}
		})
	}
}
