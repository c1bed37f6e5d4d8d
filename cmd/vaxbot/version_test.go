package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestVersionUnset(t *testing.T) {
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "vaxbot dev (commit unknown, go") {
		t.Errorf("version = %q (exit %d), want %q", out, code, "vaxbot dev (commit unknown, go…)")
	}
	code, out, _ = runCLI(t, "", "version", "--json")
	var got versionInfo
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("version --json = %q (exit %d): %v", out, code, err)
	}
	if got.Version != "dev" || got.Commit != "unknown" || !strings.HasPrefix(got.Go, "go") {
		t.Errorf("version --json = %+v", got)
	}
	if code, _, _ := runCLI(t, "", "version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}
}

// dockerfile is what TestDockerfileBuild needs of deploy/Dockerfile.
type dockerfile struct {
	froms []string          // the images of the FROM lines
	env   map[string]string // ENV of the build stage
	args  []string          // ARG names of the build stage
	build string            // the RUN go build line of the build stage
	label string            // the LABEL instructions, joined
}

// readDockerfile reads the instructions this test needs: continuation lines
// joined, comments dropped.
func readDockerfile(t *testing.T, name string) dockerfile {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := dockerfile{env: map[string]string{}}
	var lines []string
	var cont strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cont.Len() == 0) {
			continue
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cont.WriteString(s + " ")
			continue
		}
		cont.WriteString(line)
		lines = append(lines, cont.String())
		cont.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	stage := ""
	for _, line := range lines {
		op, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(op) {
		case "FROM":
			fields := strings.Fields(rest)
			d.froms = append(d.froms, fields[0])
			stage = ""
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				stage = fields[2]
			}
		case "ENV":
			if stage == "build" {
				for _, kv := range strings.Fields(rest) {
					k, v, ok := strings.Cut(kv, "=")
					if !ok {
						t.Fatalf("Dockerfile: ENV %q: write ENV KEY=VALUE", rest)
					}
					d.env[k] = v
				}
			}
		case "ARG":
			if stage == "build" {
				k, _, _ := strings.Cut(rest, "=")
				d.args = append(d.args, k)
			}
		case "RUN":
			if stage == "build" && strings.HasPrefix(rest, "go build ") {
				if d.build != "" {
					t.Fatal("Dockerfile: more than one RUN go build in the build stage")
				}
				d.build = rest
			}
		case "LABEL":
			d.label += rest + " "
		}
	}
	return d
}

// shellWords splits a RUN line as /bin/sh would for the plain commands a
// Dockerfile's go build uses: blanks separate words, quotes group, and
// ${NAME} or $NAME is replaced by vars[NAME] (an unknown name is an error).
func shellWords(s string, vars map[string]string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case c == '$' && quote != '\'':
			name := ""
			if strings.HasPrefix(s[i:], "${") {
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return nil, fmt.Errorf("unclosed ${ in %q", s)
				}
				name = s[i+2 : i+end]
				i += end
			} else {
				m := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`).FindString(s[i+1:])
				name = m
				i += len(m)
			}
			v, ok := vars[name]
			if !ok {
				return nil, fmt.Errorf("$%s is neither an ARG this test sets nor an ENV of the build stage", name)
			}
			w.WriteString(v)
			inWord = true
		case quote == '"':
			if c == '"' {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\\' || c == '&' || c == '|' || c == ';' || c == '>' || c == '<' || c == '`':
			return nil, fmt.Errorf("%q: keep the go build line free of shell syntax (%c)", s, c)
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// dockerignored reports whether the build context leaves out rel (a
// slash-separated path from the context's root) by one of patterns: a path
// as filepath.Match reads it, or "**/" and a pattern matched at any depth.
func dockerignored(rel string, patterns []string) bool {
	for _, p := range patterns {
		if rest, ok := strings.CutPrefix(p, "**/"); ok {
			parts := strings.Split(rel, "/")
			for i := range parts {
				if m, _ := path.Match(rest, strings.Join(parts[i:], "/")); m {
					return true
				}
			}
			continue
		}
		if m, _ := path.Match(p, rel); m {
			return true
		}
	}
	return false
}

// readDockerignore reads the patterns of .dockerignore, refusing what
// dockerignored does not implement.
func readDockerignore(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") || strings.Contains(strings.TrimPrefix(line, "**/"), "**") {
			t.Fatalf(".dockerignore: %q: this test (and so the file) takes plain paths and a leading **/ only", line)
		}
		patterns = append(patterns, strings.Trim(line, "/"))
	}
	return patterns
}

// copyContext copies the tree at root into dst, leaving out what the
// patterns of .dockerignore leave out of the image's build context.
func copyContext(t *testing.T, root, dst string, patterns []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if dockerignored(rel, patterns) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDockerfileBuild keeps deploy/Dockerfile buildable where no container
// engine runs: it copies the repository through .dockerignore (the image's
// build context), runs the Dockerfile's own go build line there with the
// build stage's ENV and VERSION and COMMIT as build arguments, and checks
// that "vaxbot version" prints them. It also holds the images to pinned
// tags and the OCI labels to the same arguments.
func TestDockerfileBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary as the image does; skipped with -short")
	}
	const root = "../.."
	d := readDockerfile(t, filepath.Join(root, "deploy", "Dockerfile"))

	for _, img := range d.froms {
		if strings.HasPrefix(img, "${") {
			continue // the ARG's default is checked below
		}
		if !strings.Contains(img, ":") || strings.HasSuffix(img, ":latest") {
			t.Errorf("FROM %s: pin a version tag (or a digest)", img)
		}
	}
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	wantGo := regexp.MustCompile(`(?m)^go (\d+\.\d+(\.\d+)?)`).FindSubmatch(goMod)
	builder := regexp.MustCompile(`^golang:(\d+\.\d+\.\d+)-`).FindStringSubmatch(d.froms[0])
	if builder == nil || wantGo == nil {
		t.Fatalf("the build stage's FROM %s: want golang:X.Y.Z-<debian release>, and go.mod a go line", d.froms[0])
	}
	if !versionAtLeast(builder[1], string(wantGo[1])) {
		t.Errorf("builder golang:%s is older than go.mod's go %s", builder[1], wantGo[1])
	}
	for _, label := range []string{`org.opencontainers.image.version="${VERSION}"`, `org.opencontainers.image.revision="${COMMIT}"`} {
		if !strings.Contains(d.label, label) {
			t.Errorf("Dockerfile: no LABEL %s", label)
		}
	}
	for _, arg := range []string{"VERSION", "COMMIT"} {
		if !slices.Contains(d.args, arg) {
			t.Errorf("Dockerfile: the build stage declares no ARG %s", arg)
		}
	}

	const wantVersion, wantCommit = "9.8.7-test", "0123456789abcdef"
	vars := map[string]string{"VERSION": wantVersion, "COMMIT": wantCommit}
	for k, v := range d.env {
		vars[k] = v
	}
	words, err := shellWords(d.build, vars)
	if err != nil {
		t.Fatalf("Dockerfile: RUN %s: %v", d.build, err)
	}
	bin := filepath.Join(t.TempDir(), "vaxbot")
	out := slices.Index(words, "-o")
	if out < 0 || out+1 >= len(words) {
		t.Fatalf("Dockerfile: RUN %s: want -o OUTPUT", d.build)
	}
	words[out+1] = bin // the one change: where the binary goes
	ctxDir := t.TempDir()
	copyContext(t, root, ctxDir, readDockerignore(t, filepath.Join(root, ".dockerignore")))
	cmd := exec.Command("go", words[1:]...)
	cmd.Dir = ctxDir // WORKDIR /src after COPY . .
	cmd.Env = os.Environ()
	for k, v := range d.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build, in the context .dockerignore leaves:\n  %s\n%s%v", strings.Join(words, " "), b, err)
	}

	b, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("vaxbot version --json: %v", err)
	}
	var got versionInfo
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("vaxbot version --json = %q: %v", b, err)
	}
	if got.Version != wantVersion || got.Commit != wantCommit {
		t.Errorf("the image's vaxbot version = %+v, want version %s, commit %s", got, wantVersion, wantCommit)
	}
	b, err = exec.Command(bin, "version").Output()
	if want := "vaxbot " + wantVersion + " (commit " + wantCommit + ","; err != nil || !strings.HasPrefix(string(b), want) {
		t.Errorf("the image's vaxbot version = %q (%v), want %q…", b, err, want)
	}
}

// versionAtLeast compares dotted release numbers: 1.26.8 ≥ 1.26.0.
func versionAtLeast(have, want string) bool {
	h, w := strings.Split(have, "."), strings.Split(want, ".")
	for i := range max(len(h), len(w)) {
		a, b := 0, 0
		if i < len(h) {
			a, _ = strconv.Atoi(h[i])
		}
		if i < len(w) {
			b, _ = strconv.Atoi(w[i])
		}
		if a != b {
			return a > b
		}
	}
	return true
}

func TestDockerignored(t *testing.T) {
	patterns := []string{".git", "deploy", "vaxbot", "**/testdata", "**/*_test.go"}
	tests := []struct {
		rel  string
		want bool
	}{
		{".git", true},
		{"deploy", true},
		{"vaxbot", true},
		{"cmd/vaxbot", false},
		{"dialogs/testdata", true},
		{"testdata", true},
		{"dialogs/words_test.go", true},
		{"dialogs/words.go", false},
		{"go.mod", false},
	}
	for _, tt := range tests {
		if got := dockerignored(tt.rel, patterns); got != tt.want {
			t.Errorf("dockerignored(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}
