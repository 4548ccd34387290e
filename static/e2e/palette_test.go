package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/render"
)

// TestAppPalettesMatchServer reads the app's palettes and labels from its sources (src/colors.js,
// src/i18n.js) and checks them against the server's (floorplan/render): every usage of the register, in
// the register's order, with the plans' colour and the plans' Chinese and English names; every status
// with its colour. A usage added on one side only fails here. It needs no browser.
func TestAppPalettesMatchServer(t *testing.T) {
	colors := readSource(t, "../src/colors.js")
	i18n := readSource(t, "../src/i18n.js")

	list := regexp.MustCompile(`export const USAGES = \[([^\]]*)\]`).FindStringSubmatch(colors)
	if list == nil {
		t.Fatal("colors.js has no USAGES list")
	}
	var usages []string
	for _, m := range regexp.MustCompile(`'(\w+)'`).FindAllStringSubmatch(list[1], -1) {
		usages = append(usages, m[1])
	}
	var want []string
	for _, u := range floorplan.Usages {
		want = append(want, string(u))
	}
	if strings.Join(usages, ",") != strings.Join(want, ",") {
		t.Errorf("colors.js USAGES = %v, want floorplan.Usages %v", usages, want)
	}

	usageColors := jsTable(t, colors, "USAGE_COLORS")
	fallback := regexp.MustCompile(`USAGE_COLORS\[u\] \|\| '(#[0-9a-f]{6})'`).FindStringSubmatch(colors)
	if fallback == nil {
		t.Fatal("colors.js has no fallback usage colour")
	}
	zh, en := i18nSection(t, i18n, "zh"), i18nSection(t, i18n, "en")
	for _, u := range floorplan.Usages {
		got, ok := usageColors[string(u)]
		if !ok {
			got = fallback[1]
		}
		if want := render.Hex(render.UsageColor(u)); got != want {
			t.Errorf("usage %s: the app's colour %s, the plans' %s", u, got, want)
		}
		for _, l := range []struct {
			lang  string
			table map[string]string
		}{{"zh", zh}, {"en", en}} {
			if got, want := l.table["usage."+string(u)], render.UsageLabel(u, l.lang); got != want {
				t.Errorf("usage %s in %s: the app says %q, the plans %q", u, l.lang, got, want)
			}
		}
	}
	statusColors := jsTable(t, colors, "STATUS_COLORS")
	for _, s := range render.Statuses() {
		if got, want := statusColors[string(s)], render.Hex(render.StatusColor(s)); got != want {
			t.Errorf("status %s: the app's colour %s, the plans' %s", s, got, want)
		}
	}
}

func readSource(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsTable reads a constant object of the form `const NAME = {key: '#rrggbb', …};` from JavaScript source.
func jsTable(t *testing.T, src, name string) map[string]string {
	t.Helper()
	body := regexp.MustCompile(`const ` + name + ` = \{([^}]*)\}`).FindStringSubmatch(src)
	if body == nil {
		t.Fatalf("no %s in the source", name)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(\w+): '(#[0-9a-f]{6})'`).FindAllStringSubmatch(body[1], -1) {
		out[m[1]] = m[2]
	}
	return out
}

// i18nSection reads the strings of one language's table (`const zh = {…};`) of i18n.js.
func i18nSection(t *testing.T, src, lang string) map[string]string {
	t.Helper()
	start := strings.Index(src, "const "+lang+" = {")
	if start < 0 {
		t.Fatalf("i18n.js has no %s table", lang)
	}
	end := strings.Index(src[start:], "\n};")
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`'([\w.]+)': '((?:[^'\\]|\\.)*)'`).FindAllStringSubmatch(src[start:start+end], -1) {
		out[m[1]] = strings.ReplaceAll(m[2], `\'`, `'`)
	}
	return out
}
