package postgis_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
)

func TestCancellation(t *testing.T) {
	s, f := openFixture(t)
	r := f.room(t, 0, "901", rect(0, 0, 4, 6))

	// Hold the room's row in another transaction so that writers block.
	p := adminPool(t)
	hold, err := p.Begin(context.Background())
	must(t, err)
	defer hold.Rollback(context.Background()) //nolint:errcheck
	_, err = hold.Exec(context.Background(), `SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE`, r.ID)
	must(t, err)

	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(f.ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		r2 := r
		r2.Name = "blocked"
		err := s.UpdateRoom(ctx, &r2)
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("UpdateRoom took %v after its deadline", el)
		}
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, floorplan.ErrUnavailable) {
			t.Errorf("blocked UpdateRoom past its deadline = %v", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(f.ctx)
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		err := s.DeleteRoom(ctx, r.ID, r.Version)
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("DeleteRoom took %v after cancel", el)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled DeleteRoom = %v, want context.Canceled", err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		if _, err := s.Snapshot(ctx, s.Today()); !errors.Is(err, context.Canceled) {
			t.Errorf("Snapshot with a cancelled context = %v", err)
		}
	})
	t.Run("statement timeout", func(t *testing.T) {
		short := openStore(t, postgis.WithStatementTimeout(300*time.Millisecond))
		r2 := r
		r2.Name = "blocked"
		start := time.Now()
		err := short.UpdateRoom(f.ctx, &r2)
		if !errors.Is(err, floorplan.ErrUnavailable) || time.Since(start) > 3*time.Second {
			t.Errorf("UpdateRoom past the statement timeout = %v after %v, want ErrUnavailable", err, time.Since(start))
		}
		if strings.Contains(err.Error(), "UPDATE") || strings.Contains(err.Error(), "SQLSTATE") {
			t.Errorf("message leaks SQL: %q", err)
		}
	})
	must(t, hold.Rollback(context.Background()))
	got, err := s.Room(f.ctx, r.ID)
	must(t, err)
	if got.Version != r.Version || got.Name != r.Name {
		t.Errorf("interrupted writes changed the room: %+v", got)
	}
}

func TestUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := postgis.Open(ctx, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if !errors.Is(err, floorplan.ErrUnavailable) {
		t.Fatalf("Open on a closed port = %v, want ErrUnavailable", err)
	}

	s := openStore(t)
	s.Close()
	if err := s.Ping(ctx); !errors.Is(err, floorplan.ErrUnavailable) {
		t.Errorf("Ping on a closed store = %v, want ErrUnavailable", err)
	}
	if _, err := s.Room(ctx, uuid.New()); !errors.Is(err, floorplan.ErrUnavailable) {
		t.Errorf("Room on a closed store = %v, want ErrUnavailable", err)
	}
}
