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

func TestInTx(t *testing.T) {
	s := openStore(t)
	f := newFixture(t, s)
	ctx := f.ctx
	boom := errors.New("boom")

	t.Run("rollback leaves nothing", func(t *testing.T) {
		var site floorplan.Site
		var room floorplan.Room
		err := s.InTx(ctx, func(tx floorplan.Store) error {
			site = floorplan.Site{Name: "回滚", Category: "office.other", Ownership: floorplan.OwnershipFiled}
			if err := tx.CreateSite(ctx, &site); err != nil {
				return err
			}
			room = f.newRoom(0, "801", rect(0, 0, 4, 6))
			if err := tx.CreateRoom(ctx, &room); err != nil {
				return err
			}
			if _, err := tx.Room(ctx, room.ID); err != nil { // the transaction sees its own writes
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want fn's error", err)
		}
		if _, err := s.Site(ctx, site.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("site after rollback: %v", err)
		}
		if _, err := s.Room(ctx, room.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("room after rollback: %v", err)
		}
		if n := historyCount(t, s, f, floorplan.EntityRoom, room.ID); n != 0 {
			t.Errorf("rolled-back room left %d history rows", n)
		}
	})
	t.Run("commit", func(t *testing.T) {
		var room floorplan.Room
		must(t, s.InTx(ctx, func(tx floorplan.Store) error {
			room = f.newRoom(0, "802", rect(0, 0, 4, 6))
			return tx.CreateRoom(ctx, &room)
		}))
		if _, err := s.Room(ctx, room.ID); err != nil {
			t.Errorf("room after commit: %v", err)
		}
	})
	t.Run("a failed write does not spoil the transaction", func(t *testing.T) {
		var ok floorplan.Room
		must(t, s.InTx(ctx, func(tx floorplan.Store) error {
			bad := f.newRoom(0, "803", rect(1, 1, 2, 2)) // overlaps 802
			if err := tx.CreateRoom(ctx, &bad); !errors.Is(err, floorplan.ErrOverlap) {
				t.Errorf("overlapping room in a transaction: %v", err)
			}
			ok = f.newRoom(0, "804", rect(4, 0, 8, 6))
			return tx.CreateRoom(ctx, &ok)
		}))
		if _, err := s.Room(ctx, ok.ID); err != nil {
			t.Errorf("room written after a failed write: %v", err)
		}
	})
	t.Run("nested joins the outer transaction", func(t *testing.T) {
		var outer, inner floorplan.Room
		err := s.InTx(ctx, func(tx floorplan.Store) error {
			outer = f.newRoom(0, "805", rect(8, 0, 12, 6))
			if err := tx.CreateRoom(ctx, &outer); err != nil {
				return err
			}
			err := tx.InTx(ctx, func(tx2 floorplan.Store) error {
				inner = f.newRoom(0, "806", rect(12, 0, 16, 6))
				if err := tx2.CreateRoom(ctx, &inner); err != nil {
					return err
				}
				if _, err := tx2.Room(ctx, outer.ID); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Errorf("nested InTx = %v", err)
			}
			return nil
		})
		must(t, err)
		if _, err := s.Room(ctx, outer.ID); err != nil {
			t.Errorf("outer room: %v", err)
		}
		if _, err := s.Room(ctx, inner.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("inner room of a failed nested InTx: %v", err)
		}
	})
	t.Run("outer rollback undoes the nested one", func(t *testing.T) {
		var inner floorplan.Room
		err := s.InTx(ctx, func(tx floorplan.Store) error {
			if err := tx.InTx(ctx, func(tx2 floorplan.Store) error {
				inner = f.newRoom(0, "807", rect(16, 0, 20, 6))
				return tx2.CreateRoom(ctx, &inner)
			}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := s.Room(ctx, inner.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("nested room after outer rollback: %v", err)
		}
	})
}

func TestCancellation(t *testing.T) {
	s := openStore(t)
	f := newFixture(t, s)
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
