// Package e2e tests officemap's browser app in a real headless Chromium driven with chromedp: the
// server runs in process on a temporary GeoPackage with the demo sample, and the tests use the page as
// a person would — clicking the map, typing in the search box, drawing a room in the editor — and
// check the result against the API. The page exposes window.officemap (see static/README.md), a
// read-only view of its state and of where things are on screen, which the tests use to find pixels
// and to wait for the map to settle.
//
// Chromium must be installed (/usr/bin/chromium, or CHROMIUM_PATH): without it the tests fail when
// CI=true and are skipped otherwise. OFFICEMAP_E2E_SCREENSHOTS=DIR keeps the screenshots they take.
package e2e
