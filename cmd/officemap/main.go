// Command officemap is the one binary of officemap: it serves the API, tiles, rendered floorplans and the
// browser app, and runs the command-line jobs (migrate, import, export, report, render, gen, demo).
//
// This is the only place that reads flags and the environment and wires the packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"officemap/floorplan"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Getenv("OFFICEMAP_CPUPROFILE"))
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	stopProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "officemap: "+oneLine(err))
		os.Exit(1)
	}
}

// env is what a command needs from its surroundings; tests give their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// db and addr are the --db and --addr flags as given (resolved with the environment by resolveDB and
	// resolveAddr).
	db, addr string
	// classificationFile is the --classification flag as given (resolved with OFFICEMAP_CLASSIFICATION by
	// loadClassification).
	classificationFile string
	// classification is the classification in force once loadClassification has read it.
	classification *floorplan.Classification
	// documentsLimit caps a document upload (OFFICEMAP_DOCUMENTS_MAX_BYTES; 0: the default), as serve and
	// demo read it.
	documentsLimit int64
}

// run executes one command line.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := &cobra.Command{
		Use:           "officemap",
		Short:         "officemap — government office space on a map (党政机关办公用房智能图文管理)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&e.db, "db", "", "store: postgres://… for PostGIS, else a GeoPackage file (default $OFFICEMAP_DB, $DATABASE_URL, ./officemap.gpkg)")
	root.PersistentFlags().StringVar(&e.addr, "addr", "", "listen address (default $OFFICEMAP_ADDR or 127.0.0.1:8080)")
	root.PersistentFlags().StringVar(&e.classificationFile, "classification", "", "JSON file of the kinds of property, replacing the built-in list (default $OFFICEMAP_CLASSIFICATION)")
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	for _, c := range commands(e) {
		root.AddCommand(c)
	}
	return root.ExecuteContext(ctx)
}

// oneLine flattens an error to the single line the contract asks for on stderr.
func oneLine(err error) string {
	msg := err.Error()
	out := make([]rune, 0, len(msg))
	for _, r := range msg {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

// errUsage marks errors in how a command was called.
var errUsage = errors.New("usage")

// startProfile writes a CPU profile of the whole command to path when it is set (OFFICEMAP_CPUPROFILE: for
// developers measuring a command, as README's benchmarks do; "{pid}" in path is the process id, for
// benchmarks that start several); the function it returns ends the profile.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(strings.ReplaceAll(path, "{pid}", strconv.Itoa(os.Getpid())))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "officemap: OFFICEMAP_CPUPROFILE: "+err.Error())
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
