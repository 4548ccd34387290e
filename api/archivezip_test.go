package api_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"officemap/api"
)

// TestSiteArchive: the archive package of a property holds every document with a correct hash, the plans
// of its floor, an index.json valid against the schema in the repository, and a manifest that matches.
func TestSiteArchive(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	e.createRoom(f, "301", rect(0, 0, 5, 4))
	uploaded := map[string][]byte{"title.pdf": append(pdfBytes(), "title"...), "gate.png": pngBytes(),
		"drawings.pdf": append(pdfBytes(), "drawings"...)}
	fileDocument(t, e, "title.pdf", uploaded["title.pdf"], "site", f.site, "title_certificate").expect(t, 201)
	fileDocument(t, e, "gate.png", uploaded["gate.png"], "building", f.building, "photo").expect(t, 201)
	fileDocument(t, e, "drawings.pdf", uploaded["drawings.pdf"], "floor", f.floor, "completion_drawings").expect(t, 201)

	res := e.do("GET", "/api/v1/sites/"+f.site.String()+"/archive.zip", nil).expect(t, 200)
	if res.header.Get("Content-Type") != "application/zip" {
		t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
	}
	files := unzip(t, res.body)

	// The index validates against the schema, and names every document, floor plan and the manifest.
	c := jsonschema.NewCompiler()
	schema, err := jsonschema.UnmarshalJSON(bytes.NewReader(api.ArchiveIndexSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("archive-index.schema.json", schema); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("archive-index.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(files["index.json"]))
	if err != nil {
		t.Fatalf("index.json: %v", err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("index.json does not validate: %v", err)
	}
	var index struct {
		Documents []struct {
			Name, Path, SHA256 string
		}
		Buildings []struct {
			Floors []struct {
				PlanPNG string `json:"plan_png"`
				PlanSVG string `json:"plan_svg"`
			}
		}
		Timeline []struct{ Entity string }
		Missing  []string `json:"missing_documents"`
	}
	if err := json.Unmarshal(files["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Documents) != len(uploaded) {
		t.Errorf("index lists %d documents; want %d", len(index.Documents), len(uploaded))
	}
	for _, d := range index.Documents {
		data, ok := files[d.Path]
		sum := sha256.Sum256(data)
		if !ok || !bytes.Equal(data, uploaded[d.Name]) || hex.EncodeToString(sum[:]) != d.SHA256 {
			t.Errorf("document %s at %s: in the package %v, bytes as uploaded %v", d.Name, d.Path, ok, bytes.Equal(data, uploaded[d.Name]))
		}
	}
	if len(index.Buildings) != 1 || len(index.Buildings[0].Floors) != 1 || !bytes.HasPrefix(files[index.Buildings[0].Floors[0].PlanPNG], []byte("\x89PNG")) {
		t.Errorf("the floor's plan is not in the package: %+v", index.Buildings)
	}
	if len(index.Timeline) < 2 {
		t.Errorf("timeline %+v; want at least the site's and the building's creation", index.Timeline)
	}
	// A registered office has its title and drawings: the floor plan document is what it misses.
	if strings.Join(index.Missing, ",") != "floor_plan" {
		t.Errorf("missing documents %v; want [floor_plan]", index.Missing)
	}
	if !bytes.Contains(files["index.html"], []byte("房产档案")) {
		t.Error("index.html is not the property's page")
	}
	// The manifest covers every other file, with the right hash.
	sc := bufio.NewScanner(bytes.NewReader(files["manifest-sha256.txt"]))
	n := 0
	for sc.Scan() {
		sum, name, _ := strings.Cut(sc.Text(), "  ")
		h := sha256.Sum256(files[name])
		if hex.EncodeToString(h[:]) != sum {
			t.Errorf("manifest line %q does not match %s", sc.Text(), name)
		}
		n++
	}
	if n != len(files)-1 {
		t.Errorf("manifest has %d lines for %d files", n, len(files)-1)
	}
}
