package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// database is the benchmark's database: one given (--db) or one it made with officemap gen.
type database struct {
	url  string
	drop func(ctx context.Context) error // nil when the database was given
	gen  *cmdRun                         // the gen run that filled it, when made here
	size genSummary
}

// genSummary is what officemap gen --json prints (the fields the benchmark reports).
type genSummary struct {
	Buildings int `json:"buildings"`
	Floors    int `json:"floors"`
	Rooms     int `json:"rooms"`
	People    int `json:"people"`
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withDatabase is server (a postgres:// URL) naming the database name instead.
func withDatabase(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("--pg %q is not a postgres:// URL", server)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// makeDatabase creates a database tilebench_<random> on the server of cfg.pg and fills it with
// officemap gen at cfg's size. The returned drop removes it.
func makeDatabase(ctx context.Context, cfg config, officemap string) (*database, error) {
	name := "tilebench_" + randomHex(4)
	dbURL, err := withDatabase(cfg.pg, name)
	if err != nil {
		return nil, err
	}
	admin, err := pgx.Connect(ctx, cfg.pg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", redact(cfg.pg), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("creating database %s: %w", name, err)
	}
	db := &database{url: dbURL, drop: func(ctx context.Context) error {
		c, err := pgx.Connect(ctx, cfg.pg)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		return err
	}}
	r, err := runCommand(ctx, officemap, "gen", "--db", dbURL, "--json", "--seed", fmt.Sprint(cfg.seed),
		"--buildings", fmt.Sprint(cfg.buildings), "--floors", fmt.Sprint(cfg.floors),
		"--rooms-per-floor", fmt.Sprint(cfg.roomsPerFloor))
	if err == nil {
		err = json.Unmarshal([]byte(jsonLine(r.out)), &db.size)
	}
	if err != nil {
		_ = db.drop(context.Background())
		return nil, fmt.Errorf("officemap gen: %w", err)
	}
	db.gen = &r
	return db, nil
}

// plannerToken adds a planner to the database (tilebench-<random>) and returns an API token of theirs.
func plannerToken(ctx context.Context, officemap, dbURL string) (string, error) {
	name := "tilebench-" + randomHex(4)
	if _, err := runCommand(ctx, officemap, "user", "add", name, "--role", "planner", "--actor", "tilebench", "--db", dbURL); err != nil {
		return "", err
	}
	r, err := runCommand(ctx, officemap, "user", "token", name, "--name", "tilebench", "--days", "1", "--actor", "tilebench", "--db", dbURL)
	if err != nil {
		return "", err
	}
	tok := lastLine(r.out)
	if tok == "" || strings.ContainsAny(tok, " \t") {
		return "", fmt.Errorf("officemap user token printed no token on its last line:\n%s", r.out)
	}
	return tok, nil
}

// lastLine is the last non-blank line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// jsonLine is the last line of s that starts with "{" (gen's --json summary among any progress lines).
func jsonLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "{") {
			return l
		}
	}
	return ""
}

// redact hides a database URL's password.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(database)"
	}
	return u.Redacted()
}

// analyze updates the planner's statistics of the database (ANALYZE), as an operator would after a
// bulk load, so that both servers' queries are planned on the register's real sizes.
func analyze(ctx context.Context, dbURL string) error {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", redact(dbURL), err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("ANALYZE: %w", err)
	}
	return nil
}

// waitStatesFresh waits until the stored room states are for today (officemap's room_states_day, the day
// in this machine's time zone, as officemap serve reckons it), polling the database, for limit at most.
// A server started on a register whose states are for an earlier day recomputes them (about 20–40 s of
// both cores at 1M rooms) while it serves: the throughput rounds wait for that, or they would measure it.
// It returns whether they were for today already.
func waitStatesFresh(ctx context.Context, dbURL string, limit time.Duration) (already bool, err error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return false, fmt.Errorf("connecting to %s: %w", redact(dbURL), err)
	}
	defer c.Close(ctx)
	deadline := time.Now().Add(limit)
	for first := true; ; first = false {
		today := time.Now().Format(time.DateOnly)
		var fresh bool
		err := c.QueryRow(ctx, `SELECT coalesce((SELECT as_of::text = $1 FROM room_states_day), false)`, today).Scan(&fresh)
		if err != nil {
			return false, fmt.Errorf("reading the day of the stored room states: %w", err)
		}
		if fresh {
			return first, nil
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("the stored room states were not for %s within %v", today, limit)
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
