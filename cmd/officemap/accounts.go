package main

// Accounts and TLS for serve and demo. Accounts are on unless switched off (--accounts=false or
// OFFICEMAP_ACCOUNTS=off): then the server is the single-user one, which listens on a loopback address
// only. Without --tls-cert and --tls-key the server speaks plain HTTP.

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/oidc"
	"officemap/floorplan/imports"
	"officemap/floorplan/sample"
)

// envAccounts switches accounts off when "off" (or false, 0, no); --accounts given on the command line wins.
const envAccounts = "OFFICEMAP_ACCOUNTS"

// envDemoPassword is the demo users' password; random (and printed) when unset.
const envDemoPassword = "OFFICEMAP_DEMO_PASSWORD"

// bootstrapUser is the first system administrator, made by serve on a store without users.
const bootstrapUser = "admin"

// serveFlags are the flags serve and demo share.
type serveFlags struct {
	accounts        bool
	tlsCert, tlsKey string
	usageMap        string            // --usage-map
	usages          *imports.UsageMap // read by check (serverUsageMap)
}

func (f *serveFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.accounts, "accounts", true, "accounts: sign-in, roles, scopes and the audit log; --accounts=false (or $"+envAccounts+"=off) serves one user on a loopback address only")
	cmd.Flags().StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs --tls-key")
	cmd.Flags().StringVar(&f.tlsKey, "tls-key", "", "the PEM private key of --tls-cert")
	cmd.Flags().StringVar(&f.usageMap, "usage-map", "", "the usage map of imports: a file of words and the usages they mean, tried before officemap's own (default $"+envUsageMap+")")
}

// accountsOn reports whether accounts are on: --accounts when given on the command line, else
// OFFICEMAP_ACCOUNTS, else on. Any other value of the variable than on/off (and their usual spellings)
// is an error: a typo must not start a server in which everyone acts as the administrator.
func (f *serveFlags) accountsOn(cmd *cobra.Command, getenv func(string) string) (bool, error) {
	if cmd.Flags().Changed("accounts") {
		return f.accounts, nil
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv(envAccounts))); v {
	case "", "on", "1", "true", "yes":
		return true, nil
	case "off", "0", "false", "no":
		return false, nil
	default:
		return false, fmt.Errorf("%w: %s=%q: use on or off", errUsage, envAccounts, v)
	}
}

// check checks the flags of serve and demo before anything is opened or loaded, and reports whether
// accounts are on.
func (f *serveFlags) check(cmd *cobra.Command, e *env) (bool, error) {
	if _, err := f.tlsConfig(); err != nil {
		return false, err
	}
	var err error
	if f.usages, err = serverUsageMap(f.usageMap, e.getenv); err != nil {
		return false, err
	}
	if raw := strings.TrimSpace(e.getenv(envPublicURL)); raw != "" {
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return false, fmt.Errorf("%w: %s=%q: give the absolute http(s) URL clients reach the server at", errUsage, envPublicURL, raw)
		}
	}
	on, err := f.accountsOn(cmd, e.getenv)
	if err != nil || on {
		return on, err
	}
	if err := singleUserAddr(resolveAddr(e.addr, e.getenv)); err != nil {
		return false, err
	}
	fmt.Fprintln(e.stderr, "officemap: accounts are off: single-user mode, everyone who reaches this address acts as the administrator")
	return false, nil
}

// singleUserAddr checks that a server without accounts listens on a loopback address only: anyone who
// can reach it acts as the administrator.
func singleUserAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: --addr %q: %v", errUsage, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: --addr %q: without accounts (--accounts=false or %s=off) officemap serves a loopback address only (127.0.0.1, ::1 or localhost); turn accounts on to serve a network", errUsage, addr, envAccounts)
}

// tlsConfig loads --tls-cert and --tls-key; nil without them.
func (f *serveFlags) tlsConfig() (*tls.Config, error) {
	if f.tlsCert == "" && f.tlsKey == "" {
		return nil, nil
	}
	if f.tlsCert == "" || f.tlsKey == "" {
		return nil, fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
	}
	cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// serverAccounts is what a server with accounts adds: the identity service and single sign-on.
type serverAccounts struct {
	svc  *identity.Service
	oidc *oidc.Config // nil without OFFICEMAP_OIDC_ISSUER
}

// newAccounts builds the identity service over s, with opts, and single sign-on from the environment.
func (e *env) newAccounts(s store, opts identity.Options) (*serverAccounts, error) {
	a := &serverAccounts{svc: identity.NewService(s, opts)}
	c, err := oidc.FromEnv(e.getenv)
	if err != nil {
		return nil, err
	}
	if c.Issuer != "" {
		a.oidc = &c
	}
	return a, nil
}

// register returns the one Register of a server: checked against the caller's scope with accounts,
// allowing everything without.
func (a *serverAccounts) register(s store, opts ...floorplan.RegisterOption) *floorplan.Register {
	if a == nil {
		return floorplan.NewRegister(s, opts...)
	}
	return api.NewRegister(s, a.svc, opts...)
}

// bootstrap creates the first system administrator on a store without users and prints its one-time
// password, once.
func (e *env) bootstrap(ctx context.Context, a *serverAccounts) error {
	u, pw, err := a.svc.Bootstrap(floorplan.WithActor(ctx, "bootstrap"), bootstrapUser)
	if err != nil {
		return fmt.Errorf("creating the first administrator: %w", err)
	}
	if u.Username == "" {
		return nil // the store has users already
	}
	fmt.Fprintf(e.stdout, "officemap: created the system administrator %q; its one-time password is shown once, here (change it at the first sign-in):\n%s\n", u.Username, pw)
	return nil
}

// demoUser is one of the demo's users: named by its role code (district_admin excepted).
type demoUser struct {
	name  string
	grant identity.Grant
}

// demoUsers are the contract's demo users: one per role, agency_manager scoped to agency, and
// district_admin, a bureau_admin scoped to sample.Tianning.
func demoUsers(agency uuid.UUID) []demoUser {
	var us []demoUser
	for _, r := range []identity.Role{identity.RoleSysAdmin, identity.RoleSecAdmin, identity.RoleAuditor,
		identity.RoleBureauAdmin, identity.RolePlanner, identity.RoleAgencyManager, identity.RoleInspector, identity.RoleViewer,
		identity.RoleApprover} {
		g := identity.Grant{Role: r}
		if r == identity.RoleAgencyManager {
			g.Scope.Agency = agency
		}
		us = append(us, demoUser{name: string(r), grant: g})
	}
	return append(us, demoUser{name: "district_admin",
		grant: identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: sample.Tianning}}})
}

// demoAgency is the agency the demo's agency_manager manages: 常州市财政局, else the first sub-agency.
func demoAgency(d *sample.Dataset) uuid.UUID {
	for _, a := range d.Agencies {
		if a.Name == "常州市财政局" {
			return a.ID
		}
	}
	for _, a := range d.Agencies {
		if a.ParentID != uuid.Nil {
			return a.ID
		}
	}
	return d.Agencies[0].ID
}

// demoPassword is OFFICEMAP_DEMO_PASSWORD, or a random one (printed by the caller), and whether it was
// made here.
func demoPassword(getenv func(string) string) (string, bool) {
	if pw := getenv(envDemoPassword); pw != "" {
		return pw, false
	}
	return "Demo-" + rand.Text()[:16] + "-x", true // lower, upper, digit and other case: any policy's classes
}

// demoExempt exempts the demo users (and only them) from the second factor: demo only.
func demoExempt(users []demoUser) func(identity.User) bool {
	names := map[string]bool{}
	for _, u := range users {
		names[u.name] = true
	}
	return func(u identity.User) bool { return names[u.Username] }
}

// addDemoUsers creates the demo users with password pw (users already there are left as they are).
func addDemoUsers(ctx context.Context, svc *identity.Service, s store, users []demoUser, pw string) error {
	ctx = floorplan.WithActor(ctx, "demo")
	for _, u := range users {
		if _, err := s.UserByName(ctx, u.name); err == nil {
			continue
		}
		if _, _, err := svc.AddUser(ctx, u.name, []identity.Grant{u.grant}, pw); err != nil {
			return fmt.Errorf("demo user %s: %w", u.name, err)
		}
	}
	return nil
}

// listen opens the listener of serve and demo: TLS over TCP with a tls.Config, else plain TCP. It
// returns the URL's scheme.
func listen(ctx context.Context, addr string, cfg *tls.Config) (net.Listener, string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	if cfg == nil {
		return ln, "http", nil
	}
	return tls.NewListener(ln, cfg), "https", nil
}
