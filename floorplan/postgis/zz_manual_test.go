package postgis_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

func TestZZManualBenchDB(t *testing.T) {
	if os.Getenv("ZZ_MANUAL") == "" {
		return
	}
	ctx := context.Background()
	url, _, err := pgtest.Create(ctx)
	must(t, err)
	s, err := postgis.Open(ctx, url)
	must(t, err)
	d := synth.Generate(benchConfig)
	must(t, d.Load(ctx, s))
	_, err = s.Pool().Exec(ctx, `VACUUM ANALYZE`)
	must(t, err)
	fmt.Println("URL", url)
}
