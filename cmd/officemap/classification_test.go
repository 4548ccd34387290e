package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// ownKinds is a deployment's own classification: one group, one category, none of the built-in codes.
const ownKinds = `{"groups": [{"code": "office", "name": "办公用房", "name_en": "Office", "categories": [
  {"code": "office.a01", "name": "党政机关办公用房", "name_en": "Party and government offices"}]}]}`

// writeTemp writes text to name in a new temporary directory and returns its path.
func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestClassificationCommand: officemap classification prints the list in force as the JSON a file holds —
// the built-in one, or the file of $OFFICEMAP_CLASSIFICATION, or of --classification, which wins.
func TestClassificationCommand(t *testing.T) {
	parse := func(what, out string) floorplan.Classification {
		t.Helper()
		c, err := floorplan.ParseClassification(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%s: the output is not a classification file: %v\n%s", what, err, out)
		}
		return c
	}
	out, _, err := officemap(t, "classification")
	if err != nil {
		t.Fatal(err)
	}
	if got := parse("built-in", out); !reflect.DeepEqual(got, floorplan.BuiltinClassification()) {
		t.Errorf("the built-in list: %+v", got)
	}
	own := writeTemp(t, "kinds.json", ownKinds)
	out, _, err = runCommand(t, "", map[string]string{envClassification: own}, "classification")
	if err != nil {
		t.Fatal(err)
	}
	if got := parse("from the environment", out); len(got.Groups) != 1 || got.Groups[0].Categories[0].Code != "office.a01" {
		t.Errorf("from %s: %+v", envClassification, got)
	}
	bad := writeTemp(t, "bad.json", `{"groups": []}`)
	out, _, err = runCommand(t, "", map[string]string{envClassification: bad}, "classification", "--classification", own)
	if err != nil {
		t.Fatalf("--classification did not win over the environment: %v", err)
	}
	if got := parse("from the flag", out); got.Groups[0].Categories[0].Code != "office.a01" {
		t.Errorf("from --classification: %+v", got)
	}
}

// TestClassificationRefused: a bad classification file stops every command that opens the store before it
// opens it (serve does not start, no file is created), with the file and the bad entry named.
func TestClassificationRefused(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"a category outside its group", strings.Replace(ownKinds, `"office.a01"`, `"shop.a01"`, 1), `category "shop.a01" of group "office"`},
		{"a code twice", strings.Replace(ownKinds, `"office.a01"`, `"office"`, 1), `code "office" is used twice`},
		{"no English name", strings.Replace(ownKinds, `"name_en": "Office"`, `"name_en": ""`, 1), `group "office" has no name_en`},
		{"not JSON", `office: [a01]`, "not a classification in JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeTemp(t, "kinds.json", tc.text)
			db := filepath.Join(t.TempDir(), "serve.gpkg")
			_, _, err := runCommand(t, "", map[string]string{envClassification: file},
				"serve", "--db", db, "--addr", "127.0.0.1:0", "--accounts=false")
			if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), tc.want) ||
				!strings.Contains(err.Error(), envClassification) {
				t.Fatalf("serve with a bad classification: %v; want an error naming %s, the file and %q", err, envClassification, tc.want)
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("the store was opened (%v)", err)
			}
			if _, _, err := officemap(t, "migrate", "--db", db, "--classification", file); err == nil || !strings.Contains(err.Error(), "--classification") {
				t.Errorf("migrate with a bad --classification: %v", err)
			}
		})
	}
	if _, _, err := officemap(t, "classification", "--classification", filepath.Join(t.TempDir(), "none.json")); err == nil ||
		!strings.Contains(err.Error(), "none.json") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestServeClassification: serve answers GET /api/v1/classification with the file's list, checks sites'
// categories against it, and warns at start of the records whose category it does not hold, which stay
// readable.
func TestServeClassification(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	db := filepath.Join(t.TempDir(), "kinds.gpkg")
	s, err := gpkg.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	old := floorplan.Site{Name: "老城区周转房", Category: "residential.turnover", Ownership: floorplan.OwnershipRegistered}
	if err := s.CreateSite(ctx, &old); err != nil {
		t.Fatal(err)
	}
	s.Close()

	own := writeTemp(t, "kinds.json", ownKinds)
	var warnings bytes.Buffer
	e := &env{db: db, stderr: &warnings, getenv: func(k string) string { return map[string]string{envClassification: own}[k] }}
	err = e.withStore(ctx, func(s store, _ string) error {
		if err := e.reportUnclassified(ctx, s); err != nil {
			return err
		}
		if _, err := s.Site(ctx, old.ID); err != nil {
			t.Errorf("a site of a category no longer in force cannot be read: %v", err)
		}
		x := floorplan.Site{Name: "新办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
		if err := s.CreateSite(ctx, &x); err == nil || !strings.Contains(err.Error(), "office.party_government") {
			t.Errorf("a site of a built-in category under the file's list: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if w := warnings.String(); !strings.Contains(w, old.ID.String()) || !strings.Contains(w, "residential.turnover") {
		t.Errorf("no warning of the unclassified site: %q", w)
	}

	url, _, stop := servingEnv(t, map[string]string{envClassification: own}, "serve", "--db", db, "--addr", "127.0.0.1:0", "--accounts=false")
	defer stop()
	res, err := http.Get(url + "api/v1/classification")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got floorplan.Classification
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /api/v1/classification: %d, %v", res.StatusCode, err)
	}
	want, _ := floorplan.ParseClassification(strings.NewReader(ownKinds))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("served %+v, want the file's %+v", got, want)
	}
}
