package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/imports"
	"officemap/floorplan/notify"
	"officemap/floorplan/postgis"
	"officemap/floorplan/render"
	"officemap/floorplan/report"
	"officemap/floorplan/sample"
	"officemap/floorplan/synth"
	"officemap/static"
)

func commands(e *env) []*cobra.Command {
	return []*cobra.Command{serveCmd(e), demoCmd(e), migrateCmd(e), importCmd(e), exportCmd(e), reportCmd(e), renderCmd(e), genCmd(e),
		userCmd(e), auditCmd(e), checkCmd(e), classificationCmd(e)}
}

// store is what the commands open: the register and the accounts with their audit log, in one
// database. Both stores are both.
type store interface {
	floorplan.Store
	identity.Store
}

var (
	_ store = (*postgis.Store)(nil)
	_ store = (*gpkg.Store)(nil)
)

// openStore opens the configured store and brings its schema up to date.
func (e *env) openStore(ctx context.Context) (store, string, error) {
	db := resolveDB(e.db, e.getenv)
	c, err := e.loadClassification()
	if err != nil {
		return nil, db, err
	}
	if isPostgres(db) {
		s, err := postgis.Open(ctx, db, postgis.WithClassification(c))
		if err != nil {
			return nil, db, err
		}
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, db, err
		}
		return s, db, nil
	}
	s, err := gpkg.Open(ctx, db, gpkg.WithClassification(c)) // creates the file and its schema on first use
	if err != nil {
		return nil, db, err
	}
	return s, db, nil
}

// withStore opens the configured store for fn (db names it) and closes it afterwards.
func (e *env) withStore(ctx context.Context, fn func(s store, db string) error) error {
	s, db, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s, db)
}

// redacted hides a password in a store location before it is printed.
func redacted(db string) string {
	if !isPostgres(db) {
		return db
	}
	scheme, rest, _ := strings.Cut(db, "://")
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, hasPass := strings.Cut(rest[:at], ":"); hasPass {
			rest = user + ":***" + rest[at:]
		}
	}
	return scheme + "://" + rest
}

func migrateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "bring the store's schema up to date (a no-op when current)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, db, err := e.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			fmt.Fprintf(e.stdout, "schema of %s is up to date\n", redacted(db))
			return nil
		},
	}
}

// newServer wires the single-user HTTP service over a store.
func (e *env) newServer(s floorplan.Store, reg *floorplan.Register) *api.Server {
	return e.newServerWith(s, reg, nil, nil)
}

// newServerWith wires the HTTP service over a store, with accounts when acc is not nil (reg then is
// acc.register's), and the usage map of its imports (nil: officemap's own).
func (e *env) newServerWith(s floorplan.Store, reg *floorplan.Register, acc *serverAccounts, usages *imports.UsageMap) *api.Server {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	deps := api.Deps{
		Store:    s,
		Register: reg,
		Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()),
		Static: static.New(static.Options{
			BasemapURL:         e.getenv("OFFICEMAP_BASEMAP_URL"),
			BasemapAttribution: e.getenv("OFFICEMAP_BASEMAP_ATTRIBUTION"),
		}),
		Logger:           log,
		ExportGeoPackage: gpkg.Export,
	}
	if acc != nil {
		deps.Identity = acc.svc
		deps.OIDC = acc.oidc
		deps.Now = time.Now // the identity.Service's clock (Options.Now nil)
	}
	cfg := api.Config{PublicURL: strings.TrimSpace(e.getenv(envPublicURL)), TrustForwarded: isOn(e.getenv(envTrustProxy)),
		UsageMap: usages, MaxDocumentBytes: e.documentsLimit}
	cfg.Classification = e.classification // read by openStore
	return api.NewServer(cfg, deps)
}

// serve listens (over TLS with --tls-cert and --tls-key), prints where, and serves until ctx ends.
func (e *env) serve(ctx context.Context, srv *api.Server, what string, f *serveFlags) error {
	cfg, err := f.tlsConfig()
	if err != nil {
		return err
	}
	addr := resolveAddr(e.addr, e.getenv)
	ln, scheme, err := listen(ctx, addr, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "officemap: serving %s at %s://%s/\n", what, scheme, ln.Addr())
	return srv.ServeListener(ctx, ln)
}

func serveCmd(e *env) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "serve the API, tiles, rendered floorplans and the browser app",
		Long: "serve serves the store over HTTP (HTTPS with --tls-cert and --tls-key). On a store without users\n" +
			"it creates the system administrator \"admin\" and prints its one-time password, once. With\n" +
			"--accounts=false (or $" + envAccounts + "=off) it is single-user and serves a loopback address only.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			on, err := f.check(cmd, e)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, db, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			var acc *serverAccounts
			if on {
				if acc, err = e.newAccounts(s, identity.Options{}); err != nil {
					return err
				}
				if err := e.bootstrap(ctx, acc); err != nil {
					return err
				}
			}
			docs, limit, err := documentsOptions(e.getenv)
			if err != nil {
				return err
			}
			e.documentsLimit = limit
			if err := e.reportUnclassified(ctx, s); err != nil {
				return err
			}
			procs, err := loadProcedures(e.getenv)
			if err != nil {
				return err
			}
			notifier, err := notify.FromEnv(e.getenv) // e-mail and webhook of the notices, when set
			if err != nil {
				return err
			}
			insp, err := loadInspections(e.getenv) // the checklist and the assessment date (inspections.go)
			if err != nil {
				return err
			}
			reg := acc.register(s, append(append(docs, procs), insp...)...)
			// The stored room states, recomputed after each midnight and each batch before a reader asks.
			go reg.KeepStatesFresh(ctx)
			// The recoveries (腾退) of new findings, opened daily (floorplan/register_applications.go).
			go reg.KeepRecoveriesOpen(floorplan.WithActor(ctx, "officemap serve"))
			// The escalations of overdue applications, daily, and the notices' delivery (register_notices.go).
			go reg.KeepNoticesSent(floorplan.WithActor(ctx, "officemap serve"), notifier, 15*time.Second)
			return e.serve(ctx, e.newServerWith(s, reg, acc, f.usages), redacted(db), &f)
		},
	}
	f.register(cmd)
	return cmd
}

func demoCmd(e *env) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "fill a fresh store with the built-in sample compound and serve it",
		Long: "demo fills a fresh embedded store (a temporary file, unless --db is given) with the built-in\n" +
			"sample municipal administrative centre and serves it; it prints the URL. It creates\n" +
			"one user per role, named by the role code (sysadmin, secadmin, auditor, bureau_admin, planner,\n" +
			"agency_manager, inspector, viewer, approver) and district_admin, with the password in $" + envDemoPassword + "\n" +
			"(random and printed when unset); demo users need no second factor. --accounts=false serves one\n" +
			"user without sign-in on a loopback address.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			on, err := f.check(cmd, e)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if e.db == "" {
				dir, err := os.MkdirTemp("", "officemap-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				e.db = filepath.Join(dir, "demo.gpkg")
			}
			s, db, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			d := sample.Build(floorplan.DayOf(time.Now()))
			var acc *serverAccounts
			var users []demoUser
			if on {
				users = demoUsers(demoAgency(d))
				if acc, err = e.newAccounts(s, identity.Options{ExemptTOTP: demoExempt(users)}); err != nil {
					return err
				}
			}
			docs, limit, err := documentsOptions(e.getenv)
			if err != nil {
				return err
			}
			e.documentsLimit = limit
			reg := acc.register(s, docs...)
			if err := d.Load(floorplan.WithActor(ctx, "demo"), reg); err != nil {
				return fmt.Errorf("loading the sample into %s: %w", redacted(db), err)
			}
			// The applications and inspections the demo users find under way (floorplan/sample/handling.go);
			// the steps dated in the past go through a register like reg whose clock reads their day.
			past := func(clock func() time.Time) *floorplan.Register {
				return acc.register(s, append(docs[:len(docs):len(docs)], floorplan.WithRegisterClock(clock))...)
			}
			if err := d.Handle(floorplan.WithActor(ctx, "demo"), reg, past); err != nil {
				return fmt.Errorf("acting out the sample's handling in %s: %w", redacted(db), err)
			}
			fmt.Fprintf(e.stdout, "officemap: sample loaded into %s: %d buildings, %d floors, %d rooms, %d agencies, %d people\n",
				redacted(db), len(d.Buildings), len(d.Floors), len(d.Rooms), len(d.Agencies), len(d.People))
			if acc != nil {
				pw, made := demoPassword(e.getenv)
				if err := addDemoUsers(ctx, acc.svc, s, users, pw); err != nil {
					return err
				}
				names := make([]string, len(users))
				for i, u := range users {
					names[i] = u.name
				}
				fmt.Fprintf(e.stdout, "officemap: demo users: %s\n", strings.Join(names, ", "))
				if made {
					fmt.Fprintf(e.stdout, "officemap: their password (random, shown once; set $%s to choose it):\n%s\n", envDemoPassword, pw)
				} else {
					fmt.Fprintf(e.stdout, "officemap: their password is $%s\n", envDemoPassword)
				}
			}
			return e.serve(ctx, e.newServerWith(s, reg, acc, f.usages), "the sample compound", &f)
		},
	}
	f.register(cmd)
	return cmd
}

func reportCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "reports",
	}
	var asOf, asRecorded, agency, format, out, lang string
	var totals bool
	over := &cobra.Command{
		Use:   "over-standard",
		Short: "the over-standard findings (超标问题) as of a date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := report.ParseFormat(format)
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			day := floorplan.DayOf(time.Now())
			var recorded time.Time
			if asRecorded != "" {
				if recorded, err = floorplan.ParseRecordedAt(asRecorded, time.Local); err != nil {
					return fmt.Errorf("--as-recorded: %w", err)
				}
				day = floorplan.DayOf(recorded.Add(-time.Nanosecond).In(time.Local))
			}
			if asOf != "" {
				if day, err = floorplan.ParseDate(asOf); err != nil {
					return fmt.Errorf("--as-of: %w", err)
				}
			}
			opt := report.Options{Lang: lang}
			if agency != "" {
				if opt.AgencyID, err = uuid.Parse(agency); err != nil {
					return fmt.Errorf("--agency: %q is not a UUID", agency)
				}
			}
			if f == report.XLSX && out == "" {
				return fmt.Errorf("--format xlsx needs --out FILE.xlsx")
			}
			ctx := cmd.Context()
			return e.withStore(ctx, func(s store, _ string) error {
				if opt.AgencyID != uuid.Nil {
					if _, err := s.Agency(ctx, opt.AgencyID); err != nil {
						return fmt.Errorf("--agency %s: %w", opt.AgencyID, err)
					}
				}
				// The report is written agency by agency as the evaluation makes it (EvaluateParts): one
				// agency's part in memory, not the register. As recorded, the evaluation is whole (rare,
				// historic: its snapshot is rebuilt from the history).
				var agencies []uuid.UUID
				if opt.AgencyID != uuid.Nil {
					agencies = []uuid.UUID{opt.AgencyID}
				}
				reg := floorplan.NewRegister(s)
				parts := report.Parts(func(fn func(*floorplan.Report) error) error {
					return reg.EvaluateParts(ctx, day, agencies, fn)
				})
				opt.RoomNumber = report.RoomNumbersFrom(ctx, s.Room)
				if recorded.IsZero() && day.Equal(floorplan.DayOf(time.Now())) {
					// Today's report: the stored parts, evaluated again only where the register changed.
					read := reg.StoredParts
					if totals && f != report.XLSX { // XLSX writes the findings too
						read = reg.StoredPartTotals
					}
					parts = func(fn func(*floorplan.Report) error) error { return read(ctx, agencies, fn) }
				}
				if !recorded.IsZero() {
					rep, err := floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()).AsRecorded(ctx, day, recorded)
					if err != nil {
						return err
					}
					parts = report.Whole(rep)
				}
				write := report.Stream
				if totals {
					write = report.StreamTotals
				}
				// The next part is read (or evaluated) while one is written: both cores work.
				parts = report.Prefetch(parts)
				return e.writeOut(out, func(w io.Writer) error { return write(w, day, parts, f, opt) })
			})
		},
	}
	over.Flags().StringVar(&asOf, "as-of", "", "evaluate as of this day, YYYY-MM-DD, as now known (default today)")
	over.Flags().StringVar(&asRecorded, "as-recorded", "", "answer as officemap knew it then: YYYY-MM-DD (the end of that day) or an RFC 3339 instant; --as-of defaults to that day")
	over.Flags().StringVar(&agency, "agency", "", "only this agency's findings (agency id)")
	over.Flags().StringVar(&format, "format", "table", "table, csv, json or xlsx")
	over.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	over.Flags().StringVar(&lang, "lang", "zh", "zh or en")
	over.Flags().BoolVar(&totals, "totals", false, "write the per-agency totals instead of the findings (csv, table; json and xlsx carry both)")
	cmd.AddCommand(over)
	return cmd
}

func renderCmd(e *env) *cobra.Command {
	var floor, out, color, lang string
	var width int
	cmd := &cobra.Command{
		Use:   "render",
		Short: "draw a floorplan to a PNG or SVG file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := uuid.Parse(floor)
			if err != nil {
				return fmt.Errorf("--floor: %q is not a UUID", floor)
			}
			ext := strings.ToLower(filepath.Ext(out))
			if ext != ".png" && ext != ".svg" {
				return fmt.Errorf("--out: %q must end in .png or .svg", out)
			}
			opt := render.Options{Width: width, Color: render.ColorBy(color), Lang: lang}
			ctx := cmd.Context()
			return e.withStore(ctx, func(s store, _ string) error {
				// Today's statuses of the floor's rooms are read from their stored states, so that drawing
				// one floor costs that floor, not an evaluation of the whole register.
				reg := floorplan.NewRegister(s)
				plan, err := render.BuildPlanToday(ctx, s, reg.States, floorplan.DayOf(time.Now()), id)
				if err != nil {
					return err
				}
				draw := render.PNG
				if ext == ".svg" {
					draw = render.SVG
				}
				return e.writeOut(out, func(w io.Writer) error { return draw(w, plan, opt) })
			})
		},
	}
	cmd.Flags().StringVar(&floor, "floor", "", "the floor's id (required)")
	cmd.Flags().StringVar(&out, "out", "", "FILE.png or FILE.svg (required)")
	cmd.Flags().IntVar(&width, "width", render.DefaultWidth, "image width in pixels")
	cmd.Flags().StringVar(&color, "color", "status", "fill rooms by status, agency or usage")
	cmd.Flags().StringVar(&lang, "lang", "zh", "zh or en")
	_ = cmd.MarkFlagRequired("floor")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func genCmd(e *env) *cobra.Command {
	var cfg synth.Config
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "generate synthetic data at scale into the store, for benchmarks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Buildings < 1 || cfg.Floors < 1 || cfg.RoomsPerFloor < 1 {
				return fmt.Errorf("--buildings, --floors and --rooms-per-floor must each be at least 1")
			}
			if total := cfg.Buildings * cfg.Floors * cfg.RoomsPerFloor; total > 10_000_000 {
				return fmt.Errorf("%d rooms is more than gen makes (10,000,000)", total)
			}
			ctx := floorplan.WithActor(cmd.Context(), "gen")
			start := time.Now()
			var (
				db                string
				n                 synth.Counts
				analyzed, refresh time.Duration
			)
			err := e.withStore(ctx, func(s store, name string) error {
				db = name
				var err error
				// The register is generated as it is loaded, a batch at a time (synth.LoadStream), so
				// that gen's memory does not grow with the register.
				if n, err = synth.LoadStream(ctx, floorplan.NewRegister(s), cfg); err != nil {
					return fmt.Errorf("loading into %s: %w", redacted(db), err)
				}
				// A database loaded in bulk has no statistics until autovacuum gets to it (never, where it
				// is off): without them the planner picks nested loops for every query of the register.
				t := time.Now()
				if err := s.Analyze(ctx); err != nil {
					return fmt.Errorf("analyzing %s: %w", redacted(db), err)
				}
				analyzed, t = time.Since(t), time.Now()
				// The batches marked the stored room states stale: computed now, not by the first reader.
				if err := floorplan.NewRegister(s).RefreshStates(ctx); err != nil {
					return fmt.Errorf("room states of %s: %w", redacted(db), err)
				}
				refresh = time.Since(t)
				return nil
			})
			if err != nil {
				return err
			}
			sum := map[string]any{
				"store": redacted(db), "seed": cfg.Seed, "sites": n.Sites, "buildings": n.Buildings,
				"floors": n.Floors, "rooms": n.Rooms, "agencies": n.Agencies, "people": n.People,
				"assignments": n.Assignments, "seconds": time.Since(start).Seconds(),
				"phases": map[string]float64{"parents": n.Parents.Seconds(), "batches": n.Batches.Seconds(),
					"indexes": n.Indexes.Seconds(), "analyze": analyzed.Seconds(), "states": refresh.Seconds()},
			}
			if asJSON {
				return json.NewEncoder(e.stdout).Encode(sum)
			}
			fmt.Fprintf(e.stdout, "generated into %s: %d buildings, %d floors, %d rooms, %d agencies, %d people, %d assignments in %.1f s\n"+
				"(sites, agencies, buildings and floors %.1f s; rooms, people and assignments %.1f s; their indexes %.1f s; "+
				"ANALYZE %.1f s; room states %.1f s)\n",
				redacted(db), n.Buildings, n.Floors, n.Rooms, n.Agencies, n.People, n.Assignments, sum["seconds"],
				n.Parents.Seconds(), n.Batches.Seconds(), n.Indexes.Seconds(), analyzed.Seconds(), refresh.Seconds())
			return nil
		},
	}
	cmd.Flags().IntVar(&cfg.Buildings, "buildings", 4, "buildings")
	cmd.Flags().IntVar(&cfg.Floors, "floors", 5, "floors per building")
	cmd.Flags().IntVar(&cfg.RoomsPerFloor, "rooms-per-floor", 40, "rooms per floor")
	cmd.Flags().Uint64Var(&cfg.Seed, "seed", 1, "random seed (the same seed gives the same data)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	return cmd
}

// writeOut writes to the file path, or to standard output when path is empty. A file is written to a
// temporary name beside it and renamed into place only when complete, so a failure never leaves half a
// file behind.
func (e *env) writeOut(path string, write func(io.Writer) error) error {
	if path == "" {
		return write(e.stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("--out %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--out %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--out %s: %w", path, err)
	}
	return nil
}
