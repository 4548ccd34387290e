package main

// The operator's commands for accounts and the audit log: officemap user … and officemap audit verify.
// They act through identity.Service as the operator at the console (a context without a Caller), so
// that each change follows the same rules as over HTTP and lands in the audit log, under the actor
// "cli" unless --actor names the operator. A command that fails once the store is open is audited
// too, as failed. Secrets (one-time passwords, API tokens) are printed once, to standard output, on
// a line of their own after a line saying so; hashes are never printed.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// defaultActor names the operator in the audit log when --actor is not given.
const defaultActor = "cli"

// maxTokenDays bounds --days of user token.
const maxTokenDays = 3650

// accounts is an open store and the identity service on it, for one command.
type accounts struct {
	store store
	svc   *identity.Service
}

// withAccounts opens the store and runs fn with actor as the audit log's actor. When fn fails, it
// audits the failure as action on target; what succeeds is audited by the service (or by fn).
func (e *env) withAccounts(cmd *cobra.Command, actor, action, target string, fn func(ctx context.Context, a accounts) error) error {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return fmt.Errorf("--actor: empty")
	}
	ctx := floorplan.WithActor(cmd.Context(), actor)
	return e.withStore(ctx, func(s store, _ string) error {
		a := accounts{store: s, svc: identity.NewService(s, identity.Options{})}
		err := fn(ctx, a)
		if err == nil {
			return nil
		}
		r := identity.AuditRecord{Action: action, Target: target, Outcome: identity.OutcomeFailed, Detail: oneLine(err)}
		if _, aerr := a.svc.Audit(ctx, r); aerr != nil {
			return fmt.Errorf("%w; and auditing the failure: %w", err, aerr)
		}
		return err
	})
}

// user returns the user named name, or an error that says there is none.
func (a accounts) user(ctx context.Context, name string) (identity.User, error) {
	n, err := identity.NormalizeUsername(name)
	if err != nil {
		return identity.User{}, err
	}
	u, err := a.store.UserByName(ctx, n)
	if errors.Is(err, floorplan.ErrNotFound) {
		return identity.User{}, fmt.Errorf("no user named %q", n)
	}
	return u, err
}

// checkScope checks that the agency the grants are scoped to exists.
func (a accounts) checkScope(ctx context.Context, grants []identity.Grant) error {
	for _, g := range grants {
		if g.Scope.Agency == uuid.Nil {
			continue
		}
		_, err := a.store.Agency(ctx, g.Scope.Agency)
		if errors.Is(err, floorplan.ErrNotFound) {
			return fmt.Errorf("--agency %s: no such agency", g.Scope.Agency)
		}
		return err // the same agency for every grant
	}
	return nil
}

// userTarget is the audit target of a command on the user named on the command line.
func userTarget(name string) string {
	if n, err := identity.NormalizeUsername(name); err == nil {
		name = n
	}
	return "user " + name
}

// scopeFlags are --agency and --jurisdiction, the scope of the roles given with them.
type scopeFlags struct{ agency, jurisdiction string }

func (f *scopeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.agency, "agency", "", "limit the roles to this agency and its sub-agencies (agency id; agency_manager needs it)")
	cmd.Flags().StringVar(&f.jurisdiction, "jurisdiction", "", "limit the roles to this jurisdiction (a district) and the nodes below it (id)")
}

// parseGrants turns role codes (repeated, or separated by commas) and the scope flags into grants:
// each role within the same scope.
func parseGrants(roles []string, f scopeFlags) ([]identity.Grant, error) {
	var scope identity.Scope
	var err error
	if f.agency != "" {
		if scope.Agency, err = uuid.Parse(f.agency); err != nil || scope.Agency == uuid.Nil {
			return nil, fmt.Errorf("--agency: %q is not an agency id", f.agency)
		}
	}
	if f.jurisdiction != "" {
		if scope.Jurisdiction, err = uuid.Parse(f.jurisdiction); err != nil || scope.Jurisdiction == uuid.Nil {
			return nil, fmt.Errorf("--jurisdiction: %q is not a jurisdiction id", f.jurisdiction)
		}
	}
	var grants []identity.Grant
	seen := map[identity.Role]bool{}
	for _, arg := range roles {
		for _, code := range strings.Split(arg, ",") {
			r := identity.Role(strings.ToLower(strings.TrimSpace(code)))
			switch {
			case r == "" || seen[r]:
				continue
			case !r.Valid():
				return nil, fmt.Errorf("unknown role %q (roles: %s)", code, roleList())
			case r.Admin() && scope != (identity.Scope{}):
				return nil, fmt.Errorf("role %s is not limited to an agency or jurisdiction: give it without --agency and --jurisdiction", r)
			case r == identity.RoleAgencyManager && scope.Agency == uuid.Nil:
				return nil, fmt.Errorf("role %s needs --agency", r)
			}
			seen[r] = true
			grants = append(grants, identity.Grant{Role: r, Scope: scope})
		}
	}
	if len(grants) == 0 {
		return nil, fmt.Errorf("no role given (roles: %s)", roleList())
	}
	return grants, nil
}

func roleList() string {
	codes := make([]string, len(identity.Roles))
	for i, r := range identity.Roles {
		codes[i] = string(r)
	}
	return strings.Join(codes, ", ")
}

// scopes describes where grants apply: "all", or their agencies and jurisdictions, each once.
func scopes(grants []identity.Grant) string {
	var out []string
	seen := map[identity.Scope]bool{}
	for _, g := range grants {
		if seen[g.Scope] {
			continue
		}
		seen[g.Scope] = true
		var parts []string
		if g.Scope.Jurisdiction != uuid.Nil {
			parts = append(parts, "jurisdiction "+g.Scope.Jurisdiction.String())
		}
		if g.Scope.Agency != uuid.Nil {
			parts = append(parts, "agency "+g.Scope.Agency.String())
		}
		if len(parts) == 0 {
			parts = append(parts, "all")
		}
		out = append(out, strings.Join(parts, " "))
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, "; ")
}

// rolesOf describes a user's grants for a message: "planner, viewer (all)".
func rolesOf(u identity.User) string {
	if len(u.Grants) == 0 {
		return "no role"
	}
	return strings.ReplaceAll(u.RoleNames(), ",", ", ") + " (" + scopes(u.Grants) + ")"
}

// printSecret prints a secret once: a line saying what it is and that it is shown once, then the
// secret alone on its line.
func (e *env) printSecret(what, secret string) {
	fmt.Fprintf(e.stdout, "%s — shown only this once:\n%s\n", what, secret)
}

// readPassword reads the password from the first line of r (--password-stdin).
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", fmt.Errorf("--password-stdin: no standard input")
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("--password-stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("--password-stdin: standard input holds no password")
	}
	return line, nil
}

func userCmd(e *env) *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "user",
		Short: "manage accounts: add, passwd, disable, enable, role, token, list",
		Long: "user manages the accounts of officemap as the operator at the console. Every command is recorded\n" +
			"in the audit log (as --actor, default \"cli\"). Passwords and tokens are printed once; hashes never.\n" +
			"Roles: " + roleList() + ".",
	}
	cmd.PersistentFlags().StringVar(&actor, "actor", defaultActor, "the operator the audit log names")
	cmd.AddCommand(userAddCmd(e, &actor), userPasswdCmd(e, &actor), userDisableCmd(e, &actor, true),
		userDisableCmd(e, &actor, false), userRoleCmd(e, &actor), userTokenCmd(e, &actor), userListCmd(e, &actor))
	return cmd
}

func userAddCmd(e *env, actor *string) *cobra.Command {
	var roles []string
	var scope scopeFlags
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add NAME --role ROLE [--role ROLE…] [--agency ID] [--jurisdiction ID] [--password-stdin]",
		Short: "add a user; prints a one-time password once, to be changed at the first sign-in",
		Long: "add creates a user with the roles given, limited to --agency and --jurisdiction when given. Without\n" +
			"--password-stdin it prints a one-time password once, which the user must change at the first\n" +
			"sign-in; with it, the password is the first line of standard input and must meet the policy.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := identity.NormalizeUsername(args[0])
			if err != nil {
				return err
			}
			grants, err := parseGrants(roles, scope)
			if err != nil {
				return err
			}
			var password string
			if fromStdin {
				if password, err = readPassword(e.stdin); err != nil {
					return err
				}
			}
			return e.withAccounts(cmd, *actor, "user.add", "user "+name, func(ctx context.Context, a accounts) error {
				if err := a.checkScope(ctx, grants); err != nil {
					return err
				}
				if fromStdin {
					if err := a.svc.Policy().CheckNew(identity.User{Username: name}, password); err != nil {
						return fmt.Errorf("--password-stdin: refused by the password policy: %w", err)
					}
				}
				u, oneTime, err := a.svc.AddUser(ctx, name, grants, password)
				if errors.Is(err, floorplan.ErrConflict) {
					return fmt.Errorf("a user named %q already exists", name)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "added user %s: %s\n", u.Username, rolesOf(u))
				if oneTime != "" {
					e.printSecret("one-time password of "+u.Username+" (to be changed at the first sign-in)", oneTime)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringSliceVar(&roles, "role", nil, "a role code; repeat it, or separate codes with commas (required)")
	scope.register(cmd)
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input instead of making a one-time one")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func userPasswdCmd(e *env, actor *string) *cobra.Command {
	return &cobra.Command{
		Use:   "passwd NAME",
		Short: "reset a user's password: prints a one-time password once; lifts a lock, ends their sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withAccounts(cmd, *actor, "user.reset_password", userTarget(args[0]), func(ctx context.Context, a accounts) error {
				u, err := a.user(ctx, args[0])
				if err != nil {
					return err
				}
				pw, err := a.svc.ResetPassword(ctx, u.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "password of %s reset; their sessions are ended\n", u.Username)
				e.printSecret("one-time password of "+u.Username+" (to be changed at the next sign-in)", pw)
				return nil
			})
		},
	}
}

// userDisableCmd is user disable, or user enable when disable is false.
func userDisableCmd(e *env, actor *string, disable bool) *cobra.Command {
	verb, short := "enable", "enable a user again and lift a lock"
	if disable {
		verb, short = "disable", "disable a user: ends their sessions; their tokens stop working"
	}
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withAccounts(cmd, *actor, "user."+verb, userTarget(args[0]), func(ctx context.Context, a accounts) error {
				u, err := a.user(ctx, args[0])
				if err != nil {
					return err
				}
				if disable {
					err = a.svc.Disable(ctx, u.ID)
				} else {
					err = a.svc.Enable(ctx, u.ID)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "user %s %sd\n", u.Username, verb)
				return nil
			})
		},
	}
}

func userRoleCmd(e *env, actor *string) *cobra.Command {
	var scope scopeFlags
	cmd := &cobra.Command{
		Use:   "role NAME ROLE… [--agency ID] [--jurisdiction ID]",
		Short: "replace a user's roles with those given, limited to --agency and --jurisdiction when given",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			grants, err := parseGrants(args[1:], scope)
			if err != nil {
				return err
			}
			return e.withAccounts(cmd, *actor, "user.role", userTarget(args[0]), func(ctx context.Context, a accounts) error {
				u, err := a.user(ctx, args[0])
				if err != nil {
					return err
				}
				if err := a.checkScope(ctx, grants); err != nil {
					return err
				}
				if err := a.svc.Grant(ctx, u.ID, grants); err != nil {
					return err
				}
				before := rolesOf(u)
				u.Grants = grants
				fmt.Fprintf(e.stdout, "roles of %s: %s, were %s\n", u.Username, rolesOf(u), before)
				return nil
			})
		},
	}
	scope.register(cmd)
	return cmd
}

func userTokenCmd(e *env, actor *string) *cobra.Command {
	var label string
	var days int
	cmd := &cobra.Command{
		Use:   "token NAME [--name LABEL] [--days N]",
		Short: "make an API token for a user's scripts (Authorization: Bearer …); prints it once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if days < 1 || days > maxTokenDays {
				return fmt.Errorf("--days: %d is not between 1 and %d", days, maxTokenDays)
			}
			return e.withAccounts(cmd, *actor, "token.create", userTarget(args[0]), func(ctx context.Context, a accounts) error {
				u, err := a.user(ctx, args[0])
				if err != nil {
					return err
				}
				secret, t, err := a.svc.NewToken(ctx, u.ID, label, time.Duration(days)*24*time.Hour)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "token %q (id %s) of %s acts with their roles until %s\n",
					t.Name, t.ID, u.Username, t.ExpiresAt.UTC().Format(time.RFC3339))
				e.printSecret("API token (send it as \"Authorization: Bearer <token>\")", secret)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&label, "name", "cli", "what the token is for")
	cmd.Flags().IntVar(&days, "days", 90, fmt.Sprintf("days until it expires (1 to %d)", maxTokenDays))
	return cmd
}

func userListCmd(e *env, actor *string) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "list the users: roles, scopes, disabled, locked (no password or token hashes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withAccounts(cmd, *actor, "user.list", "users", func(ctx context.Context, a accounts) error {
				users, err := a.store.Users(ctx)
				if err != nil {
					return err
				}
				r := identity.AuditRecord{Action: "user.list", Target: "users", Outcome: identity.OutcomeOK,
					Detail: fmt.Sprintf("%d users", len(users))}
				if _, err := a.svc.Audit(ctx, r); err != nil {
					return err
				}
				now := time.Now()
				w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "USERNAME\tROLES\tSCOPES\tDISABLED\tLOCKED")
				for _, u := range users {
					roles, disabled, locked := u.RoleNames(), "no", "no"
					if roles == "" {
						roles = "-"
					}
					if u.Disabled {
						disabled = "yes"
					}
					if u.LockedUntil.After(now) {
						locked = "until " + u.LockedUntil.UTC().Format(time.RFC3339)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Username, roles, scopes(u.Grants), disabled, locked)
				}
				return w.Flush()
			})
		},
	}
}

func auditCmd(e *env) *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "the audit log",
	}
	cmd.PersistentFlags().StringVar(&actor, "actor", defaultActor, "the operator the audit log names")
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "check the audit log's hash chain; exits non-zero naming the first broken record",
		Long: "verify checks that every record of the audit log is as written: its hash matches its contents\n" +
			"and chains to the record before. It prints \"audit log intact: N records\", or fails with one line\n" +
			"naming the first broken record (its seq, time and action). The check itself is audited.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withAccounts(cmd, actor, "audit.verify", "audit", func(ctx context.Context, a accounts) error {
				seq, err := a.svc.VerifyAudit(ctx)
				if errors.Is(err, identity.ErrChainBroken) {
					return a.broken(ctx, seq, err)
				}
				if err != nil {
					return err
				}
				n, err := a.countAudit(ctx)
				if err != nil {
					return err
				}
				r := identity.AuditRecord{Action: "audit.verify", Target: "audit", Outcome: identity.OutcomeOK,
					Detail: fmt.Sprintf("%d records intact", n)}
				if _, err := a.svc.Audit(ctx, r); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "audit log intact: %d records\n", n)
				return nil
			})
		},
	})
	return cmd
}

// broken is the error of audit verify for a chain broken at record seq: one line with the record's
// time and action, as stored, and what is wrong.
func (a accounts) broken(ctx context.Context, seq int64, err error) error {
	why := err.Error()
	if _, after, ok := strings.Cut(why, fmt.Sprintf("at record %d: ", seq)); ok {
		why = after
	}
	recs, rerr := a.store.Audit(ctx, identity.AuditFilter{AfterSeq: seq - 1, Limit: 1})
	if rerr == nil && len(recs) == 1 && recs[0].Seq == seq {
		r := recs[0]
		return fmt.Errorf("audit log broken at record %d (%s, %s): %s", seq, r.At.UTC().Format(time.RFC3339), r.Action, why)
	}
	return fmt.Errorf("audit log broken at record %d: %s", seq, why)
}

// countAudit counts the records of the audit log, reading it in pages.
func (a accounts) countAudit(ctx context.Context) (int, error) {
	f := identity.AuditFilter{Limit: 1000}
	n := 0
	for {
		page, err := a.store.Audit(ctx, f)
		if err != nil {
			return 0, err
		}
		n += len(page)
		if len(page) < f.Limit {
			return n, nil
		}
		f.AfterSeq = page[len(page)-1].Seq
	}
}
