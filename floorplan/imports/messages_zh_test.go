package imports

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// toldFormats are the functions whose format argument is told in the reader's language, with the
// position of that argument.
var toldFormats = map[string]int{"Notef": 0, "Reasonf": 0, "Errorf": 2}

// formatUse is one call with a literal format found in the sources.
type formatUse struct {
	format string
	at     string // file:line
}

// scanFormats finds every call with a literal format of Notef, Reasonf and Errorf (imports.X in the
// readers, X in package imports itself), and of a reader's own helpers that pass one of their
// parameters on as such a format (a wrapper such as imdf's fail), in the non-test sources under dir;
// and the calls whose format is not a literal (the wrappers' own calls among them).
func scanFormats(t *testing.T, dir string) (uses []formatUse, other []string) {
	t.Helper()
	fset := token.NewFileSet()
	packages := map[string][]*ast.File{} // by directory
	var dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != dir {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := filepath.Dir(path)
		if packages[pkg] == nil {
			dirs = append(dirs, pkg)
		}
		packages[pkg] = append(packages[pkg], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range dirs {
		files := packages[pkg]
		told := tellers(files)
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				pos, ok := told[calleeName(call.Fun, f.Name.Name == "imports")]
				if !ok || len(call.Args) <= pos {
					return true
				}
				at := fset.Position(call.Pos()).String()
				if s, ok := literal(call.Args[pos]); ok {
					uses = append(uses, formatUse{format: s, at: at})
				} else {
					other = append(other, at)
				}
				return true
			})
		}
	}
	return uses, other
}

// tellers are the functions of a package whose argument at a position is a told format: Notef, Reasonf
// and Errorf, and the package's functions, methods and named closures (say := func(format string…))
// that pass a parameter on to one of them.
func tellers(files []*ast.File) map[string]int {
	told := map[string]int{}
	for k, v := range toldFormats {
		told[k] = v
	}
	var fns []teller
	for _, f := range files {
		own := f.Name.Name == "imports"
		ast.Inspect(f, func(n ast.Node) bool {
			switch d := n.(type) {
			case *ast.FuncDecl:
				if d.Body != nil {
					fns = append(fns, teller{d.Name.Name, d.Type, d.Body, own})
				}
			case *ast.AssignStmt:
				for i, rhs := range d.Rhs {
					lit, ok := rhs.(*ast.FuncLit)
					if id, isID := d.Lhs[min(i, len(d.Lhs)-1)].(*ast.Ident); ok && isID {
						fns = append(fns, teller{id.Name, lit.Type, lit.Body, own})
					}
				}
			}
			return true
		})
	}
	for changed := true; changed; {
		changed = false
		for _, f := range fns {
			if _, known := told[f.name]; known {
				continue
			}
			if pos, ok := f.passesFormat(told); ok {
				told[f.name], changed = pos, true
			}
		}
	}
	return told
}

// teller is a function, a method or a named closure that may pass a format on.
type teller struct {
	name string
	typ  *ast.FuncType
	body *ast.BlockStmt
	own  bool // in package imports
}

// passesFormat reports whether the function gives one of its parameters as the format of a told call,
// and which.
func (f teller) passesFormat(told map[string]int) (int, bool) {
	params := map[string]int{}
	i := 0
	for _, field := range f.typ.Params.List {
		for _, name := range field.Names {
			params[name.Name] = i
			i++
		}
		if len(field.Names) == 0 {
			i++
		}
	}
	found, at := false, 0
	ast.Inspect(f.body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		pos, ok := told[calleeName(call.Fun, f.own)]
		if !ok || len(call.Args) <= pos {
			return true
		}
		if id, ok := call.Args[pos].(*ast.Ident); ok {
			if p, ok := params[id.Name]; ok {
				found, at = true, p
			}
		}
		return true
	})
	return at, found
}

// calleeName is the name a call calls by: X for imports.X in a reader; Notef, Reasonf and Errorf
// bare in package imports only (fmt.Errorf is not told); a package's own function or method by its
// name (told only when tellers finds it passes a format on).
func calleeName(fun ast.Expr, own bool) string {
	var x, name string
	switch f := fun.(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
		if id, ok := f.X.(*ast.Ident); ok {
			x = id.Name
		}
	default:
		return ""
	}
	if x == "imports" {
		return name
	}
	if _, isTold := toldFormats[name]; isTold && !(own && x == "") {
		return ""
	}
	return name
}

// literal evaluates a string literal, or a sum of string literals.
func literal(e ast.Expr) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(v.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return literal(v.X)
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(v.X)
		b, ok2 := literal(v.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// Every format told to a reader — notes, problems' reasons, rejections — has a Chinese entry, Chinese
// being the product's first language. Run it last: the readers' authors add formats and entries.
func TestEveryFormatHasChinese(t *testing.T) {
	uses, other := scanFormats(t, ".")
	if len(uses) < 20 {
		t.Fatalf("found only %d formats under floorplan/imports: the scan is broken", len(uses))
	}
	missing := map[string]bool{}
	for _, u := range uses {
		if !hasWords(u.format) {
			continue // "%v", "%s: %v": nothing to translate
		}
		if _, ok := zhMessages[u.format]; !ok && !missing[u.format] {
			missing[u.format] = true
			t.Errorf("%s: no Chinese for %q", u.at, u.format)
		}
	}
	for _, at := range other {
		t.Logf("%s: the format is not a literal, so it cannot be checked", at)
	}
	t.Logf("%d calls, %d formats without Chinese", len(uses), len(missing))
}

// The scan finds the calls it must find, and only those.
func TestScanFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := writeFile(filepath.Join(dir, name), src); err != nil {
			t.Fatal(err)
		}
	}
	write("a/a.go", `package a
import ("fmt"; "officemap/floorplan/imports")
func f(x string) {
	_ = imports.Notef("one %d", 1)
	_ = imports.Errorf("f", "g", "two " + "%s", x)
	_ = imports.Reasonf(x)
	_ = fmt.Errorf("not told %d", 3)
	_ = Notef("not the package's")
	_ = fail(nil, "five %d", 5)
	var a arch
	_ = a.failAt(nil, "six")
	say := func(format string, args ...any) string { return imports.Notef(format, args...).String() }
	_ = say("seven %s", "x")
}
func fail(f any, format string, args ...any) error { return imports.Errorf("a", "", format, args...) }
type arch struct{}
func (a arch) failAt(f any, format string) error { return fail(f, format) }`)
	write("imports.go", `package imports
func g() { _ = Notef("three"); _ = Errorf("f", "g", "four %q", "x") }`)
	write("a/a_test.go", `package a
import "officemap/floorplan/imports"
var _ = imports.Notef("a test's")`)
	write("testdata/t.go", `package imports
var _ = Notef("testdata")`)
	uses, other := scanFormats(t, dir)
	var got []string
	for _, u := range uses {
		got = append(got, u.format)
	}
	want := []string{"one %d", "two %s", "five %d", "six", "seven %s", "three", "four %q"}
	if !reflect.DeepEqual(got, want) || len(other) != 4 {
		t.Errorf("formats %q, non-literal %v; want %q and four non-literal (x and the wrappers' own calls)", got, other, want)
	}
}

// Each Chinese entry takes its arguments with the verbs of its English format: the same argument,
// the same verb, each argument once or more — else a note prints %!d(string=…) to a planner.
func TestChineseVerbsMatch(t *testing.T) {
	for en, zh := range zhMessages {
		ve, err1 := verbs(en)
		vz, err2 := verbs(zh)
		if err1 != nil || err2 != nil {
			t.Errorf("%q → %q: %v %v", en, zh, err1, err2)
			continue
		}
		if !reflect.DeepEqual(ve, vz) {
			t.Errorf("%q takes %v, its Chinese %q takes %v", en, ve, zh, vz)
		}
	}
}

func TestVerbs(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   map[int]rune
	}{
		{"%d rooms, %.2f m² on %q", map[int]rune{1: 'd', 2: 'f', 3: 'q'}},
		{"100%% of %[2]s then %[1]d", map[int]rune{1: 'd', 2: 's'}},
		{"%*d wide %-8s", map[int]rune{1: '*', 2: 'd', 3: 's'}},
		{"none", map[int]rune{}},
	} {
		got, err := verbs(tt.format)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("verbs(%q) = %v, %v; want %v", tt.format, got, err, tt.want)
		}
	}
	for format, want := range map[string]bool{"%v": false, "%s: %v": false, "%[2]s, %-8.2f%%": false, "%d rooms": true, "房间 %d": true} {
		if hasWords(format) != want {
			t.Errorf("hasWords(%q) = %v", format, !want)
		}
	}
	for _, bad := range []string{"%d and %[1]s", "ends with %"} {
		if _, err := verbs(bad); err == nil {
			t.Errorf("verbs(%q): no error", bad)
		}
	}
}

// verbs maps each argument a format takes (1-based) to its verb; a '*' width or precision takes an
// argument of its own. An argument taken with two different verbs, or a format ending in '%', is an
// error.
func verbs(format string) (map[int]rune, error) {
	out := map[int]rune{}
	arg := 1
	take := func(v rune) error {
		if prev, ok := out[arg]; ok && prev != v {
			return fmt.Errorf("argument %d is taken as %%%c and %%%c", arg, prev, v)
		}
		out[arg] = v
		arg++
		return nil
	}
	rs := []rune(format)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '%' {
			continue
		}
		i++
		for i < len(rs) && strings.ContainsRune("+-# 0", rs[i]) {
			i++
		}
		for i < len(rs) && (rs[i] == '[' || rs[i] == '*' || rs[i] == '.' || unicode.IsDigit(rs[i])) {
			switch rs[i] {
			case '[':
				end := i + 1
				for end < len(rs) && rs[end] != ']' {
					end++
				}
				n, err := strconv.Atoi(string(rs[i+1 : min(end, len(rs))]))
				if err != nil || end == len(rs) {
					return nil, fmt.Errorf("bad argument index in %q", format)
				}
				arg, i = n, end
			case '*':
				if err := take('*'); err != nil {
					return nil, err
				}
			}
			i++
		}
		if i == len(rs) {
			return nil, fmt.Errorf("%q ends inside a verb", format)
		}
		if rs[i] == '%' {
			continue
		}
		if err := take(rs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func writeFile(path, src string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(src), 0o600)
}

// hasWords reports whether a format has letters outside its verbs: "%v" and "%s: %v" have none.
func hasWords(format string) bool {
	rs := []rune(format)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '%' {
			for i++; i < len(rs) && !unicode.IsLetter(rs[i]) && rs[i] != '%'; i++ {
			}
			continue
		}
		if unicode.IsLetter(rs[i]) {
			return true
		}
	}
	return false
}
