package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestQREncoder checks the app's QR encoder (src/qr.js, which draws the second factor's otpauth:// URL)
// against qrcode-generator's output kept in testdata/qr.txt: the same modules at every version 1–40.
func TestQREncoder(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is needed to check the app's QR encoder (apt-get install nodejs)")
		}
		t.Skip("node is not installed: skipping the QR encoder check")
	}
	cmd := exec.Command(node, "qrcheck.mjs")
	cmd.Stderr = os.Stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("node qrcheck.mjs: %v", err)
	}
	want, err := os.ReadFile("testdata/qr.txt")
	if err != nil {
		t.Fatal(err)
	}
	g, w := strings.Split(strings.TrimSpace(string(got)), "\n"), strings.Split(strings.TrimSpace(string(want)), "\n")
	if len(g) != len(w) {
		t.Fatalf("%d codes, want %d", len(g), len(w))
	}
	for i := range w {
		if g[i] != w[i] {
			t.Errorf("code %d (length version sha256): %s, want %s", i, g[i], w[i])
		}
	}
}
