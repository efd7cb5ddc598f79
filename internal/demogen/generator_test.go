package demogen

import (
	"bytes"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

var epoch = time.Date(2025, 11, 24, 18, 0, 0, 0, time.UTC)

// stream returns n logs from a generator seeded with seed, one every step.
func stream(seed uint64, opts Options, n int, step time.Duration) []Log {
	g := New(seed, opts)
	logs := make([]Log, n)
	for i := range logs {
		logs[i] = g.Next(epoch.Add(time.Duration(i) * step))
	}
	return logs
}

func TestDeterministic(t *testing.T) {
	a := stream(7, Options{}, 2000, 100*time.Millisecond)
	b := stream(7, Options{}, 2000, 100*time.Millisecond)
	c := stream(8, Options{}, 2000, 100*time.Millisecond)
	same := 0
	for i := range a {
		if !slices.Equal(a[i].Fields, b[i].Fields) || !a[i].Time.Equal(b[i].Time) {
			t.Fatalf("log %d differs with the same seed:\n%v\n%v", i, a[i], b[i])
		}
		if slices.Equal(a[i].Fields, c[i].Fields) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 7 and 8 gave %d identical logs of %d", same, len(a))
	}

	g1, g2 := New(7, Options{}), New(7, Options{})
	for i := range 50 {
		at := epoch.Add(time.Duration(i) * time.Second)
		m1, err := g1.LogGroup(at, 20).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, _ := g2.LogGroup(at, 20).Marshal()
		if !bytes.Equal(m1, m2) {
			t.Fatalf("log group %d differs with the same seed", i)
		}
	}
}

var (
	secondsRE   = regexp.MustCompile(`^[0-9]+\.[0-9]{3}$`)
	requestIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)
	hosts       = []string{hostWWW, hostMobile, hostAPI, hostStatic}
)

func atoi(t *testing.T, l Log, key string) int {
	t.Helper()
	v, _ := l.Get(key)
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s = %q is not an integer in %v", key, v, l)
	}
	return n
}

func seconds(t *testing.T, l Log, key string) int {
	t.Helper()
	v, _ := l.Get(key)
	if !secondsRE.MatchString(v) {
		t.Fatalf("%s = %q is not seconds with 3 decimals in %v", key, v, l)
	}
	ms, _ := strconv.Atoi(strings.Replace(v, ".", "", 1))
	return ms
}

func TestFieldShape(t *testing.T) {
	logs := stream(1, Options{}, 50000, 20*time.Millisecond) // 1000 s: every incident
	names := FieldNames()
	over70 := 0
	agents, ips := map[string]bool{}, map[string]bool{}
	for _, l := range logs {
		if len(l.Fields) != len(names) {
			t.Fatalf("%d fields, want %d: %v", len(l.Fields), len(names), l)
		}
		for i, f := range l.Fields {
			if f.Key != names[i] {
				t.Fatalf("field %d is %q, want %q", i, f.Key, names[i])
			}
			if f.Value == "" {
				t.Fatalf("%s is empty in %v", f.Key, l)
			}
		}
		get := func(k string) string { v, _ := l.Get(k); return v }

		status := atoi(t, l, "status")
		if status < 200 || status > 599 {
			t.Fatalf("status %d in %v", status, l)
		}
		if atoi(t, l, "body_bytes_sent") < 0 || atoi(t, l, "cdn_out") < 0 {
			t.Fatalf("negative size in %v", l)
		}
		if atoi(t, l, "cdn_in") > 70 {
			over70++
		}
		reqMs := seconds(t, l, "request_time")
		if (get("upstream_addr") == "-") != (get("upstream_response_time") == "-") {
			t.Fatalf("upstream_addr and upstream_response_time disagree in %v", l)
		}
		if get("upstream_addr") != "-" {
			if _, err := netip.ParseAddrPort(get("upstream_addr")); err != nil {
				t.Fatalf("upstream_addr: %v", err)
			}
			if up := seconds(t, l, "upstream_response_time"); up > reqMs {
				t.Fatalf("upstream_response_time %d ms > request_time %d ms in %v", up, reqMs, l)
			}
		}
		if get("cache_status") == "HIT" && get("upstream_addr") != "-" {
			t.Fatalf("a cache hit went upstream: %v", l)
		}
		want := "info"
		switch {
		case status >= 500:
			want = "error"
		case status >= 400 || reqMs >= 1000:
			want = "warn"
		}
		if get("level") != want {
			t.Fatalf("level %q, want %q for status %d in %.3f s", get("level"), want, status, float64(reqMs)/1000)
		}
		if !requestIDRE.MatchString(get("request_id")) {
			t.Fatalf("request_id %q", get("request_id"))
		}
		if ip, err := netip.ParseAddr(get("client_ip")); err != nil || !ip.Is4() || ip.IsPrivate() {
			t.Fatalf("client_ip %q: not a public IPv4 address (%v)", get("client_ip"), err)
		}
		if !slices.Contains(hosts, get("host")) {
			t.Fatalf("host %q", get("host"))
		}
		if u := get("uri"); !strings.HasPrefix(u, "/") || strings.ContainsAny(u, " \"") {
			t.Fatalf("uri %q", u)
		}
		if r := get("referer"); r != "-" && !strings.HasPrefix(r, "https://") {
			t.Fatalf("referer %q", r)
		}
		agents[get("http_user_agent")] = true
		ips[get("client_ip")] = true
	}
	frac := float64(over70) / float64(len(logs))
	t.Logf("cdn_in > 70: %.1f%%; %d user agents, %d client addresses", 100*frac, len(agents), len(ips))
	if frac < 0.05 || frac > 0.4 {
		t.Errorf("cdn_in > 70 in %.1f%% of logs, want a minority of 5–40%%", 100*frac)
	}
	for _, want := range []string{"curl/", "Googlebot", "Bytespider", "ExampleShop/", "iPhone", "kube-probe"} {
		if !slices.ContainsFunc(slices.Collect(mapKeys(agents)), func(a string) bool { return strings.Contains(a, want) }) {
			t.Errorf("no user agent with %q among %d", want, len(agents))
		}
	}
	if len(ips) < 500 {
		t.Errorf("only %d client addresses", len(ips))
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestIncidents checks each incident against its schedule: what it does
// must show inside its windows and not outside.
func TestIncidents(t *testing.T) {
	const seed = 3
	g := New(seed, Options{})
	var in, out struct{ n, errs int }
	var botN, botHits int     // logs in the bot's windows, and the bot's
	var slowIn, slowOut []int // request_time of requests to the slow pool
	// 2 hours at 60 logs/s.
	for i := range 120000 {
		at := epoch.Add(time.Duration(i) * 60 * time.Millisecond)
		cur := g.incidents.at(at)
		l := g.Next(at)
		status, _ := l.Get("status")
		agent, _ := l.Get("http_user_agent")
		upstream, _ := l.Get("upstream_addr")

		c := &out
		if cur.failing != "" {
			c = &in
		}
		c.n++
		if status[0] == '5' {
			c.errs++
		}
		if cur.bot {
			botN++
		}
		if strings.Contains(agent, "Bytespider") {
			if !cur.bot {
				t.Fatalf("the noisy bot outside its window at %v", at)
			}
			botHits++
		}
		if cur.slowPool != poolNone && slices.Contains(pools[cur.slowPool], upstream) && status != "504" {
			slowIn = append(slowIn, seconds(t, l, "upstream_response_time"))
		} else if cur.slowPool == poolNone && upstream != "-" && status == "200" {
			slowOut = append(slowOut, seconds(t, l, "upstream_response_time"))
		}
	}
	inRate, outRate := float64(in.errs)/float64(in.n), float64(out.errs)/float64(out.n)
	t.Logf("5xx: %.2f%% in error bursts (%d logs), %.2f%% outside (%d logs)", 100*inRate, in.n, 100*outRate, out.n)
	if in.n == 0 || out.n == 0 {
		t.Fatal("no logs on one side of the error schedule")
	}
	if inRate < 5*outRate {
		t.Errorf("5xx rate in bursts %.3f is not 5× the rate outside %.3f", inRate, outRate)
	}
	if share := float64(botHits) / float64(botN); share < 0.25 || share > 0.45 {
		t.Errorf("the noisy bot made %.1f%% of the logs in its windows, want about %.0f%%", 100*share, 100*botShare)
	}
	slices.Sort(slowIn)
	slices.Sort(slowOut)
	if len(slowIn) < 100 {
		t.Fatalf("only %d requests to a slow pool", len(slowIn))
	}
	medIn, medOut := slowIn[len(slowIn)/2], slowOut[len(slowOut)/2]
	t.Logf("median upstream time: %d ms to a slow pool, %d ms normally", medIn, medOut)
	if medIn < 5*medOut {
		t.Errorf("latency spikes: median %d ms is not 5× the usual %d ms", medIn, medOut)
	}
}

func TestIncidentsOff(t *testing.T) {
	off := Schedule{Every: -1}
	g := New(3, Options{ErrorBursts: off, LatencySpikes: off, NoisyBot: off})
	for i := range 2000 {
		at := epoch.Add(time.Duration(i) * 2 * time.Second)
		if cur := g.incidents.at(at); cur != (incident{slowPool: poolNone}) {
			t.Fatalf("incident %+v at %v with every incident off", cur, at)
		}
		if a, _ := g.Next(at).Get("http_user_agent"); strings.Contains(a, "Bytespider") {
			t.Fatal("the noisy bot crawls although it is off")
		}
	}
}

func TestScheduleWindows(t *testing.T) {
	for _, tc := range []struct {
		s        Schedule
		wantFrac float64
	}{
		{Schedule{}, 12.0 / 60},
		{Schedule{Every: 10 * time.Second, For: 3 * time.Second}, 0.3},
		{Schedule{Every: 10 * time.Second}, 0.2},
		{Schedule{Every: 10 * time.Second, For: time.Minute}, 1},
	} {
		w := newWindow(tc.s, defaultErrorBursts, 9, 1)
		in := 0
		const n = 36000
		for i := range n { // 1 hour, every 100 ms
			if _, ok := w.at(epoch.Add(time.Duration(i) * 100 * time.Millisecond)); ok {
				in++
			}
		}
		if got := float64(in) / n; got < tc.wantFrac-0.01 || got > tc.wantFrac+0.01 {
			t.Errorf("%+v: in a window %.3f of the time, want %.3f", tc.s, got, tc.wantFrac)
		}
	}
}

func TestLogGroup(t *testing.T) {
	g := New(5, Options{})
	at := time.Unix(1764000000, 123456789)
	seen := map[string]bool{}
	for range 40 {
		lg := g.LogGroup(at, 25)
		if len(lg.Logs) != 25 {
			t.Fatalf("%d logs, want 25", len(lg.Logs))
		}
		tags := map[string]string{}
		for _, tag := range lg.LogTags {
			tags[tag.GetKey()] = tag.GetValue()
		}
		var nd *node
		for i := range nodes {
			if nodes[i].source == lg.GetSource() {
				nd = &nodes[i]
			}
		}
		if nd == nil || lg.GetTopic() != nd.topic || tags["__hostname__"] != nd.hostname || tags["pod"] != nd.pod ||
			tags["__path__"] != accessLogPath || !regexp.MustCompile(`^[0-9a-f]{16}-[0-9a-f]+$`).MatchString(tags["__pack_id__"]) {
			t.Fatalf("topic %q source %q tags %v: not one node's", lg.GetTopic(), lg.GetSource(), tags)
		}
		if seen[tags["__pack_id__"]] {
			t.Fatalf("pack id %s repeated", tags["__pack_id__"])
		}
		seen[tags["__pack_id__"]] = true

		// What goes over the wire must decode to the same logs.
		raw, err := lg.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var back sls.LogGroup
		if err := back.Unmarshal(raw); err != nil {
			t.Fatal(err)
		}
		for i, l := range back.Logs {
			if l.GetTime() != 1764000000 || l.GetTimeNs() != 123456789 {
				t.Fatalf("time %d.%09d", l.GetTime(), l.GetTimeNs())
			}
			if len(l.Contents) != int(numFields) {
				t.Fatalf("%d contents", len(l.Contents))
			}
			for f, c := range l.Contents {
				if c.GetKey() != fieldNames[f] || c.GetValue() != lg.Logs[i].Contents[f].GetValue() {
					t.Fatalf("content %d: %s=%q after a round trip", f, c.GetKey(), c.GetValue())
				}
			}
			if pop := l.Contents[fPOP].GetValue(); pop != nd.pop {
				t.Fatalf("pop %s in a group from %s", pop, nd.hostname)
			}
		}
	}
	if lg := g.LogGroup(at, 0); len(lg.Logs) != 0 {
		t.Errorf("LogGroup(0) has %d logs", len(lg.Logs))
	}
}

func ExampleGenerator_Next() {
	g := New(1, Options{})
	l := g.Next(time.Date(2025, 11, 24, 18, 0, 0, 0, time.UTC))
	for _, f := range l.Fields[:6] {
		fmt.Printf("%s=%s\n", f.Key, f.Value)
	}
	// Output:
	// client_ip=123.126.113.247
	// method=GET
	// host=www.example-shop.com
	// uri=/products/37857
	// protocol=HTTP/1.1
	// status=200
}

// FailingBackend names the backend whose 5xx make the burst.
func TestFailingBackend(t *testing.T) {
	g := New(7, Options{})
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	found := 0
	for s := range 180 {
		at := start.Add(time.Duration(s) * time.Second)
		backend := g.FailingBackend(at)
		if backend == "" {
			continue
		}
		found++
		fails, total := 0, 0
		for i := range 400 {
			l := g.Next(at.Add(time.Duration(i) * time.Millisecond))
			if up, _ := l.Get("upstream_addr"); up == backend {
				total++
				if st, _ := l.Get("status"); st >= "500" {
					fails++
				}
			}
		}
		if total == 0 || fails*2 < total {
			t.Fatalf("at %v backend %s failed %d of %d requests", at, backend, fails, total)
		}
	}
	if found == 0 {
		t.Fatal("no error burst in three minutes")
	}
}
