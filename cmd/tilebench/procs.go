package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildBinaries builds officemap and tileref into dir (the go tool, run inside the officemap module).
func buildBinaries(ctx context.Context, dir string) (officemap, tileref string, err error) {
	out, err := exec.CommandContext(ctx, "go", "build", "-o", dir+string(filepath.Separator),
		"officemap/cmd/officemap", "officemap/cmd/tileref").CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return filepath.Join(dir, "officemap"), filepath.Join(dir, "tileref"), nil
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// process is a server the benchmark started.
type process struct {
	name    string
	cmd     *exec.Cmd
	base    string // http://addr
	started time.Time
	out     *syncBuffer
	done    chan struct{}
}

// syncBuffer is a bytes.Buffer safe for the writes of a child's stdout and stderr and our reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startProcess starts bin with args plus --addr on a free port.
func startProcess(name, bin string, args ...string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	out := &syncBuffer{}
	cmd := exec.Command(bin, append(args, "--addr", addr)...)
	cmd.Stdout, cmd.Stderr = out, out
	p := &process{name: name, cmd: cmd, base: "http://" + addr, out: out, done: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// waitOK polls url until it answers 200 (or 204), the process ends, ctx ends or limit passes; it returns
// the time from the process's start to that answer.
func (p *process) waitOK(ctx context.Context, client *http.Client, url string, header http.Header, limit time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(limit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err == nil {
			drain(resp)
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNoContent {
				return time.Since(p.started), nil
			}
		}
		select {
		case <-p.done:
			return 0, fmt.Errorf("%s ended before it answered %s:\n%s", p.name, url, tail(p.out.String(), 2000))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s did not answer %s within %v:\n%s", p.name, url, limit, tail(p.out.String(), 2000))
		}
	}
}

// stop ends the process (SIGTERM, then SIGKILL after 10 s) and waits for it.
func (p *process) stop() {
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// memory is a process's resident set size now and its peak (VmRSS, VmHWM of /proc/PID/status), in bytes.
type memory struct{ rss, hwm int64 }

// memoryOf reads /proc/pid/status.
func memoryOf(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status %s: %w", pid, k, err)
		}
		if k == "VmRSS" {
			m.rss = kb << 10
		} else {
			m.hwm = kb << 10
		}
	}
	return m, sc.Err()
}

// sampler records the largest VmRSS of a process while it runs.
type sampler struct {
	pid    int
	mu     sync.Mutex
	maxRSS int64
	stop   chan struct{}
	done   chan struct{}
}

func sample(pid int, every time.Duration) *sampler {
	s := &sampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if m, err := memoryOf(pid); err == nil {
				s.mu.Lock()
				s.maxRSS = max(s.maxRSS, m.rss)
				s.mu.Unlock()
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// end stops sampling and returns the largest VmRSS seen.
func (s *sampler) end() int64 {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxRSS
}

// cmdRun is one finished command: its wall time, peak RSS (getrusage of the child) and output.
type cmdRun struct {
	wall   time.Duration
	maxRSS int64
	out    string
}

// runCommand runs bin with args to the end and measures it: its wall time and its peak resident set.
//
// The peak is taken through a copy of this program started for the purpose (measureRSS): Linux gives a
// process, as its ru_maxrss, at least the peak of the memory it was started from (exec records the old
// image's high-water mark), and os/exec starts a child from this process's memory, so a command started
// straight from here would report at least this benchmark's own peak (317 MB once its load generator had
// run, against a report's real 37 MB measured by /usr/bin/time). The copy is started fresh, small, and
// starts the command from its own memory; figures below its size (some 10 MB) are that size.
func runCommand(ctx context.Context, bin string, args ...string) (cmdRun, error) {
	self, err := os.Executable()
	if err != nil {
		return cmdRun{}, err
	}
	peak, peakW, err := os.Pipe()
	if err != nil {
		return cmdRun{}, err
	}
	defer peak.Close()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, self, append([]string{measureRSS, bin}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.ExtraFiles = []*os.File{peakW} // fd 3 of the copy
	t0 := time.Now()
	err = cmd.Start()
	peakW.Close()
	if err != nil {
		return cmdRun{}, err
	}
	report, _ := io.ReadAll(peak) // ends when the copy exits
	err = cmd.Wait()
	r := cmdRun{wall: time.Since(t0), out: out.String()}
	r.maxRSS, _ = strconv.ParseInt(strings.TrimSpace(string(report)), 10, 64)
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) || ctx.Err() == nil {
			return r, fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, tail(r.out, 2000))
		}
		return r, err
	}
	return r, nil
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// drain reads and closes a response body, so that its connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// measureRSS is the first argument with which this program is the measuring copy of runCommand.
const measureRSS = "-tilebench-measure-rss"

// measuredRun is the measuring copy: it runs the command args (its path first) with this process's
// standard streams, writes the command's peak resident set in bytes to file descriptor 3, and returns
// the command's exit status. The command dies with the copy (a cancelled benchmark kills the copy).
func measuredRun(args []string) int {
	syscall.CloseOnExec(3) // the command does not keep the report's pipe open
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			fmt.Fprintln(os.NewFile(3, "peak"), ru.Maxrss<<10) // kB on Linux
		}
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "tilebench:", err)
		return 127
	}
	return 0
}
