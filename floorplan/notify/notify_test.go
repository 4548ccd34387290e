package notify_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/notify"
)

func notice() floorplan.Notice {
	return floorplan.Notice{ID: uuid.New(), CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Role: "bureau_admin",
		AgencyID: uuid.New(), ApplicationID: uuid.New(), Kind: floorplan.NoticeMoved,
		Title: "待办 To do · 审核 review：申请增加办公用房", Body: "调配调剂 allocation · 审核 review（bureau_admin）"}
}

// TestWebhook: the webhook receives the notice as JSON with a valid signature; a server error is tried
// once more; a refusal (4xx) is not.
func TestWebhook(t *testing.T) {
	var calls atomic.Int32
	var got notify.WebhookBody
	fail := atomic.Int32{}
	fail.Store(1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if sig := r.Header.Get(notify.SignatureHeader); sig != notify.Sign("s3cret", body) {
			t.Errorf("signature %q does not match the body", sig)
		}
		if fail.Add(-1) >= 0 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/refuse" {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
	}))
	defer ts.Close()
	n := notice()
	w := &notify.Webhook{URL: ts.URL + "/hook", Secret: "s3cret"}
	if err := w.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2: one failed, one retried", calls.Load())
	}
	if got.Kind != n.Kind || got.Title != n.Title || got.Body != n.Body || got.ApplicationID != n.ApplicationID ||
		got.Role != n.Role || got.AgencyID != n.AgencyID || !got.At.Equal(n.CreatedAt) {
		t.Errorf("received %+v, want the notice %+v", got, n)
	}
	calls.Store(0)
	if err := (&notify.Webhook{URL: ts.URL + "/refuse", Secret: "s3cret"}).Notify(context.Background(), n); err == nil || calls.Load() != 1 {
		t.Errorf("refused: %v after %d calls, want an error after 1", err, calls.Load())
	}
}

// fakeSMTP is a minimal SMTP server: it accepts one session at a time and keeps each mail's recipients and data.
type fakeSMTP struct {
	ln    net.Listener
	mu    sync.Mutex
	mails []fakeMail
}

type fakeMail struct {
	from string
	to   []string
	data string
}

func startSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.session(conn)
		}
	}()
	return s
}

func (s *fakeSMTP) session(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(line string) { io.WriteString(conn, line+"\r\n") }
	say("220 fake ESMTP")
	var m fakeMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m.from = strings.Trim(strings.TrimSpace(line)[10:], "<>")
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(strings.TrimSpace(line)[8:], "<>"))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.data = b.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			m = fakeMail{}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// TestSMTP: a notice to a role with addresses is mailed to them, its title the subject and its body the
// text; a role without addresses gets no mail.
func TestSMTP(t *testing.T) {
	srv := startSMTP(t)
	env := map[string]string{notify.EnvSMTPAddr: srv.ln.Addr().String(), notify.EnvSMTPFrom: "officemap@example.gov.cn",
		notify.EnvSMTPToPrefix + "BUREAU_ADMIN": "a@example.gov.cn, b@example.gov.cn"}
	nf, err := notify.FromEnv(func(k string) string { return env[k] })
	if err != nil || nf == nil {
		t.Fatalf("FromEnv: %v, %v", nf, err)
	}
	n := notice()
	if err := nf.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	other := notice()
	other.Role = "planner"
	if err := nf.Notify(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.mails) != 1 {
		t.Fatalf("%d mails, want 1 (the planner has no addresses)", len(srv.mails))
	}
	m := srv.mails[0]
	if m.from != "officemap@example.gov.cn" || strings.Join(m.to, ",") != "a@example.gov.cn,b@example.gov.cn" {
		t.Errorf("mail from %s to %v", m.from, m.to)
	}
	msg, err := mail.ReadMessage(strings.NewReader(m.data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != n.Title {
		t.Errorf("subject %q (%v), want %q", subject, err, n.Title)
	}
	raw, _ := io.ReadAll(msg.Body)
	text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil || !strings.Contains(string(text), n.Body) || !strings.Contains(string(text), n.ApplicationID.String()) {
		t.Errorf("text %q (%v), want the body and the application", text, err)
	}
}

// TestFromEnv: nothing set is no notifier; a bad setting is an error naming it.
func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // in the error; "" for none
	}{
		{"none", map[string]string{}, ""},
		{"bad addr", map[string]string{notify.EnvSMTPAddr: "mail.example", notify.EnvSMTPFrom: "a@b.cn"}, notify.EnvSMTPAddr},
		{"no from", map[string]string{notify.EnvSMTPAddr: "mail.example:25"}, notify.EnvSMTPFrom},
		{"bad to", map[string]string{notify.EnvSMTPAddr: "mail.example:25", notify.EnvSMTPFrom: "a@b.cn",
			notify.EnvSMTPToPrefix + "PLANNER": "not an address"}, "OFFICEMAP_SMTP_TO_PLANNER"},
		{"bad webhook", map[string]string{notify.EnvWebhook: "ftp://x"}, notify.EnvWebhook},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := notify.FromEnv(func(k string) string { return tc.env[k] })
			if tc.want == "" {
				if err != nil || n != nil {
					t.Errorf("%v, %v; want no notifier", n, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

// TestKeepNoticesSent: the register's loop hands a notice left by a filing to the webhook, asynchronously,
// once, though two servers run it over the same register; and once when the only server's first claim of
// it fails (the next poll claims it again).
func TestKeepNoticesSent(t *testing.T) {
	for name, servers := range map[string]func(s *gpkg.Store) []*floorplan.Register{
		"two servers": func(s *gpkg.Store) []*floorplan.Register {
			return []*floorplan.Register{floorplan.NewRegister(s), floorplan.NewRegister(s)}
		},
		"a claim that fails": func(s *gpkg.Store) []*floorplan.Register {
			return []*floorplan.Register{floorplan.NewRegister(&claimFailsOnce{Store: s})}
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := deliveredByLoops(t, servers)
			if len(got) != 1 || got[0].Kind != floorplan.NoticeFiled || got[0].Role != "agency_manager" {
				t.Errorf("the webhook received %+v, want the one filing notice to the agency manager", got)
			}
		})
	}
}

// claimFailsOnce is a store whose first claim of a notice's delivery fails, as a database that is away for a
// moment.
type claimFailsOnce struct {
	*gpkg.Store
	failed atomic.Bool
}

func (s *claimFailsOnce) ClaimDelivery(ctx context.Context, id uuid.UUID, at time.Time) (bool, error) {
	if s.failed.CompareAndSwap(false, true) {
		return false, errors.New("the database is away")
	}
	return s.Store.ClaimDelivery(ctx, id, at)
}

// deliveredByLoops files an application in a new register and returns what a webhook received from the
// KeepNoticesSent loops of the registers servers gives over it, from the filing to a few polls after the
// first delivery.
func deliveredByLoops(t *testing.T, servers func(s *gpkg.Store) []*floorplan.Register) []notify.WebhookBody {
	var mu sync.Mutex
	var got []notify.WebhookBody
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b notify.WebhookBody
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
	}))
	defer ts.Close()
	ctx, cancel := context.WithCancel(floorplan.WithActor(context.Background(), "test"))
	defer cancel()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "n.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	agency := floorplan.Agency{Name: "常州市统计局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, Headcount: 10}
	if err := s.CreateAgency(ctx, &agency); err != nil {
		t.Fatal(err)
	}
	var loops sync.WaitGroup
	for _, reg := range servers(s) {
		loops.Go(func() { reg.KeepNoticesSent(ctx, &notify.Webhook{URL: ts.URL}, 20*time.Millisecond) })
	}
	time.Sleep(50 * time.Millisecond)
	a := floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: agency.ID, Title: "申请增加办公用房",
		Fields: floorplan.ApplicationFields{AreaM2: 40, Reason: "新增编制"}}
	if _, err := floorplan.NewRegister(s).FileApplication(ctx, &a); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a few more polls: nothing is sent twice
	cancel()
	loops.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, b := range got {
		if b.ApplicationID != a.ID {
			t.Errorf("a notice of application %s, want %s", b.ApplicationID, a.ID)
		}
	}
	return got
}
