package demogen

import (
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

const (
	numClients   = 3000
	numBotIPs    = 4
	botShare     = 0.35 // of all requests while the noisy bot crawls
	botLimited   = 0.4  // of its requests answered 429 by nginx's limit_req
	burstFailure = 0.9  // of requests to the failing backend
	spillover    = 0.08 // of requests to the rest of its pool
	baseFailure  = 0.001
	clientClosed = 0.002 // 499s
	upstreamTO   = 5000  // proxy_read_timeout, ms
)

// Generator produces access logs. It is deterministic: the same seed,
// options and sequence of calls give the same logs. A Generator is not safe
// for concurrent use; give each goroutine its own.
type Generator struct {
	rng       *rand.Rand
	zipf      *rand.Zipf
	clients   []client
	bots      []client
	pick      [numKinds][]float64 // cumulative endpoint weights per kind
	incidents incidents
	packIDs   [len(nodes)]string // logtail's per-source pack id prefix
	packSeq   [len(nodes)]uint64

	// Scratch reused across calls: the values of one call's logs are built
	// in buf, then become one string that every value is a slice of.
	buf     []byte
	rows    [][numFields]string
	pending []pending
}

type client struct {
	ip    string
	agent string
	kind  int
}

// pending is a value still in buf: bytes [from, to) of field f of row r.
type pending struct {
	r        int32
	f        int32
	from, to int32
}

// New returns a Generator seeded with seed.
func New(seed uint64, opts Options) *Generator {
	rng := rand.New(rand.NewPCG(seed, 0x736c737461696c)) // "slstail"
	g := &Generator{
		rng:       rng,
		zipf:      rand.NewZipf(rng, 1.05, 8, numClients-1),
		incidents: newIncidents(seed, opts),
	}
	g.clients = make([]client, numClients)
	for i := range g.clients {
		g.clients[i] = g.newClient(i)
	}
	for i := range numBotIPs {
		g.bots = append(g.bots, client{
			ip:    "110.249.201." + strconv.Itoa(17+i*23),
			agent: kinds[kindNoisyBot].agents[0],
			kind:  kindNoisyBot,
		})
	}
	var catTotal [numCategories]float64
	for _, ep := range endpoints {
		catTotal[ep.cat] += ep.weight
	}
	for k := range g.pick {
		cum, sum := make([]float64, len(endpoints)), 0.0
		for i, ep := range endpoints {
			sum += kinds[k].mix[ep.cat] * ep.weight / catTotal[ep.cat]
			cum[i] = sum
		}
		g.pick[k] = cum
	}
	for i := range g.packIDs {
		g.packIDs[i] = hex.EncodeToString(binaryBE(rng.Uint64()))
	}
	return g
}

// newClient makes the client of popularity rank i. The busiest addresses
// are people behind carrier NAT, never scanners or scripts.
func (g *Generator) newClient(i int) client {
	r := g.rng
	kind := kindDesktop
	if i < 50 {
		kind = r.IntN(kindApp + 1)
	} else {
		x := r.Float64()
		for k := range kindNoisyBot {
			if x < kinds[k].share {
				kind = k
				break
			}
			x -= kinds[k].share
		}
	}
	agents := kinds[kind].agents
	ai := r.IntN(len(agents))
	var ip []byte
	switch kind {
	case kindCrawler:
		ip = append(ip, crawlerNets[ai%len(crawlerNets)]...)
		ip = strconv.AppendInt(ip, int64(1+r.IntN(254)), 10)
	case kindProbe:
		// Alibaba Cloud load balancers health-check from 100.64.0.0/10.
		ip = strconv.AppendInt(append(ip, "100.116."...), int64(r.IntN(256)), 10)
		ip = strconv.AppendInt(append(ip, '.'), int64(1+r.IntN(254)), 10)
	default:
		ip = strconv.AppendInt(ip, int64(publicOctets[r.IntN(len(publicOctets))]), 10)
		ip = strconv.AppendInt(append(ip, '.'), int64(r.IntN(256)), 10)
		ip = strconv.AppendInt(append(ip, '.'), int64(r.IntN(256)), 10)
		ip = strconv.AppendInt(append(ip, '.'), int64(1+r.IntN(254)), 10)
	}
	return client{ip: string(ip), agent: agents[ai], kind: kind}
}

func binaryBE(x uint64) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(x >> (56 - 8*i))
	}
	return b
}

// Next returns one log at time t from a random node of the fleet. Its
// values share one backing string.
func (g *Generator) Next(t time.Time) Log {
	row := g.next(t)
	fields := make([]Field, numFields)
	for i := range fields {
		fields[i] = Field{Key: fieldNames[i], Value: row[i]}
	}
	return Log{Time: t, Fields: fields}
}

// next is Next without the Log: the row is valid until the next call.
func (g *Generator) next(t time.Time) *[numFields]string {
	return &g.generate(t, g.rng.IntN(len(nodes)), 1)[0]
}

// LogGroup returns n logs at time t, all from one node of the fleet, as
// the node's log agent would ship them: with the node's topic ("cdn" for
// edge nodes, "nginx" for origin gateways), its IP as source, and the tags
// __hostname__, __path__, __pack_id__ and pod (which SLS shows as
// __tag__:__hostname__ and so on). The group's values share one backing
// string, and the keys of all its logs point at the same strings.
func (g *Generator) LogGroup(t time.Time, n int) *sls.LogGroup {
	ni := g.rng.IntN(len(nodes))
	nd := &nodes[ni]
	n = max(n, 0)
	rows := g.generate(t, ni, n)

	// One allocation per kind of object rather than per log: a group of
	// 100 logs would otherwise cost thousands.
	keys := fieldNames // a copy the group owns, so *Key never aliases shared memory
	vals := make([]string, n*numFields)
	contents := make([]sls.LogContent, n*numFields)
	cptrs := make([]*sls.LogContent, n*numFields)
	logs := make([]sls.Log, n)
	lptrs := make([]*sls.Log, n)
	times := make([]uint32, 2*n)
	sec, ns := uint32(t.Unix()), uint32(t.Nanosecond())
	for i := range n {
		for f := range numFields {
			j := i*numFields + f
			vals[j] = rows[i][f]
			contents[j].Key, contents[j].Value = &keys[f], &vals[j]
			cptrs[j] = &contents[j]
		}
		times[2*i], times[2*i+1] = sec, ns
		logs[i] = sls.Log{Time: &times[2*i], TimeNs: &times[2*i+1], Contents: cptrs[i*numFields : (i+1)*numFields : (i+1)*numFields]}
		lptrs[i] = &logs[i]
	}

	g.packSeq[ni]++
	tagv := [...]string{
		"__hostname__", nd.hostname,
		"__path__", accessLogPath,
		"__pack_id__", g.packIDs[ni] + "-" + strconv.FormatUint(g.packSeq[ni], 16),
		"pod", nd.pod,
	}
	tags := make([]sls.LogTag, len(tagv)/2)
	tptrs := make([]*sls.LogTag, len(tags))
	for i := range tags {
		tags[i].Key, tags[i].Value = &tagv[2*i], &tagv[2*i+1]
		tptrs[i] = &tags[i]
	}
	topic, source := nd.topic, nd.source
	return &sls.LogGroup{Logs: lptrs, Topic: &topic, Source: &source, LogTags: tptrs}
}

// generate fills g.rows[:n] with n logs at t from node ni.
func (g *Generator) generate(t time.Time, ni, n int) [][numFields]string {
	if cap(g.rows) < n {
		g.rows = make([][numFields]string, n)
	}
	rows := g.rows[:n]
	g.buf, g.pending = g.buf[:0], g.pending[:0]
	cur := g.incidents.at(t)
	for i := range rows {
		g.fill(&rows[i], int32(i), &nodes[ni], cur)
	}
	s := string(g.buf)
	for _, p := range g.pending {
		rows[p.r][p.f] = s[p.from:p.to]
	}
	return rows
}

// begin and end bracket a value appended to g.buf.
func (g *Generator) end(ri int32, f int, from int) {
	g.pending = append(g.pending, pending{r: ri, f: int32(f), from: int32(from), to: int32(len(g.buf))})
}

func (g *Generator) appendInt(ri int32, f int, v int64) {
	from := len(g.buf)
	g.buf = strconv.AppendInt(g.buf, v, 10)
	g.end(ri, f, from)
}

// appendSeconds appends ms as seconds with three decimals, as nginx logs
// $request_time.
func (g *Generator) appendSeconds(ri int32, f int, ms int64) {
	from := len(g.buf)
	g.buf = strconv.AppendInt(g.buf, ms/1000, 10)
	frac := ms % 1000
	g.buf = append(g.buf, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	g.end(ri, f, from)
}

func (g *Generator) lognormal(median, sigma float64) float64 {
	return median * math.Exp(g.rng.NormFloat64()*sigma)
}

func (g *Generator) endpointFor(kind int) *endpoint {
	cum := g.pick[kind]
	x := g.rng.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return &endpoints[lo]
}

// errorPage is the size of nginx's built-in error pages.
func errorPage(status int) int64 {
	switch status {
	case 403:
		return 146
	case 404:
		return 153
	case 429:
		return 169
	case 500:
		return 177
	case 502:
		return 157
	case 503:
		return 197
	case 504:
		return 167
	}
	return 150
}

// fill generates one log into row.
func (g *Generator) fill(row *[numFields]string, ri int32, nd *node, cur incident) {
	r := g.rng
	var cl *client
	if cur.bot && r.Float64() < botShare {
		cl = &g.bots[r.IntN(len(g.bots))]
	} else {
		cl = &g.clients[g.zipf.Uint64()]
	}
	ep := g.endpointFor(cl.kind)

	row[fClientIP] = cl.ip
	row[fMethod] = ep.method
	row[fHost] = ep.host
	if ep.host == hostWWW && cl.kind == kindMobile {
		row[fHost] = hostMobile
	}
	from := len(g.buf)
	g.buf = ep.path(g.buf, r)
	g.end(ri, fURI, from)
	row[fProtocol] = "HTTP/1.1"
	if kinds[cl.kind].h2 && r.IntN(10) < 8 {
		row[fProtocol] = "HTTP/2.0"
	}

	status := ep.ok
	if x := r.Float64(); len(ep.alt) > 0 {
		for _, a := range ep.alt {
			if x < a.p {
				status = a.status
				break
			}
			x -= a.p
		}
	}

	// nginx rate-limits the bot before proxying; the CDN answers hits
	// itself; everything else goes upstream.
	limited := cl.kind == kindNoisyBot && r.Float64() < botLimited
	cache := "-"
	hit := false
	if nd.cdn {
		switch {
		case limited:
		case ep.hitRatio == 0 || ep.method != "GET":
			cache = "BYPASS"
		case r.Float64() < ep.hitRatio:
			cache, hit = "HIT", true
		case r.IntN(10) == 0:
			cache = "EXPIRED"
		default:
			cache = "MISS"
		}
	}
	row[fCacheStatus] = cache

	upstream, upMs := "-", int64(-1)
	var reqMs int64
	switch {
	case limited:
		status = 429
		reqMs = 0
	case hit || ep.pool == poolNone:
		reqMs = int64(r.IntN(3))
	default:
		backend := pools[ep.pool]
		upstream = backend[r.IntN(len(backend))]
		up := g.lognormal(ep.latencyMs, 0.5)
		if ep.pool == cur.slowPool {
			up *= cur.slowFactor
		}
		switch {
		case upstream == cur.failing && r.Float64() < burstFailure:
			status = [...]int{502, 502, 503, 504}[r.IntN(4)]
			up = 1 + r.Float64()*4 // refused or reset
			if status == 504 {
				up = upstreamTO
			}
		case cur.failing != "" && ep.pool == cur.failingPool && r.Float64() < spillover:
			status = 503 // the survivors shed the failed backend's load
		case up >= upstreamTO:
			status, up = 504, upstreamTO
		case r.Float64() < baseFailure:
			status = [...]int{500, 500, 502, 503}[r.IntN(4)]
		case r.Float64() < clientClosed:
			status = 499
		}
		upMs = int64(up)
		reqMs = upMs + int64(r.IntN(3))
	}
	row[fUpstreamAddr] = upstream

	var body int64
	switch {
	case status == 204 || status == 304 || status == 499 || status == 302:
	case status >= 500 || status == 429 || ep.pool == poolNone && status >= 400:
		body = errorPage(status)
	case status >= 400:
		body = 40 + int64(r.IntN(90)) // a JSON error
	case ep.bytes > 0:
		body = int64(g.lognormal(ep.bytes, 0.35))
		// Sending a large body takes time on a mobile network.
		reqMs += body / int64(1000+r.IntN(9000))
	}
	g.appendInt(ri, fStatus, int64(status))
	g.appendInt(ri, fBodyBytes, body)
	g.appendSeconds(ri, fRequestTime, reqMs)
	if upMs < 0 {
		row[fUpstreamTime] = "-"
	} else {
		g.appendSeconds(ri, fUpstreamTime, upMs)
	}

	row[fReferer] = "-"
	if cl.kind == kindDesktop || cl.kind == kindMobile {
		g.referer(row, ri, ep)
	}
	row[fUserAgent] = cl.agent

	// The node's bandwidth gauges: mostly its baseline, higher while the
	// bot crawls.
	in := nd.baseIn + r.NormFloat64()*11
	if cur.bot {
		in += 22
	}
	in = max(in, 1)
	g.appendInt(ri, fCDNIn, int64(in))
	g.appendInt(ri, fCDNOut, int64(in*nd.outRatio*(1+r.NormFloat64()*0.08)))

	row[fLevel] = levelFor(status, reqMs)
	from = len(g.buf)
	var id [16]byte
	for i, x := range [2]uint64{r.Uint64(), r.Uint64()} {
		for j := range 8 {
			id[i*8+j] = byte(x >> (8 * j))
		}
	}
	g.buf = hex.AppendEncode(g.buf, id[:])
	g.end(ri, fRequestID, from)
	row[fRegion] = nd.region
	row[fPOP] = nd.pop
}

// referer is where a browser came from: a search engine or nothing for a
// landing page, the site itself for everything a page loads.
func (g *Generator) referer(row *[numFields]string, ri int32, ep *endpoint) {
	r := g.rng
	site := "https://www.example-shop.com/"
	if row[fHost] == hostMobile {
		site = "https://m.example-shop.com/"
	}
	if ep.cat == catPage {
		switch x := r.IntN(10); {
		case x < 4:
		case x < 7:
			row[fReferer] = "https://www.google.com/"
		case x < 8:
			row[fReferer] = "https://www.baidu.com/"
		default:
			row[fReferer] = site
		}
		return
	}
	if r.IntN(2) == 0 {
		row[fReferer] = site
		return
	}
	from := len(g.buf)
	g.buf = appendProduct(append(append(g.buf, site...), "products/"...), r)
	g.end(ri, fReferer, from)
}
