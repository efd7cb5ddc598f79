package demogen

import (
	"math/rand/v2"
	"strconv"
)

// The tables below are the fixed shape of the simulated site: its nodes,
// upstream pools, endpoints and user agents. They are read-only.

// node is a machine that writes access logs: a CDN edge node or an origin
// ingress gateway. A log group always comes from one node.
type node struct {
	topic    string // "cdn" or "nginx"
	source   string // the node's IP, the log group's source
	hostname string
	pod      string
	region   string
	pop      string
	cdn      bool    // edge nodes cache; origin gateways do not
	baseIn   float64 // typical ingress bandwidth, Mbit/s
	outRatio float64 // egress/ingress
}

var nodes = [...]node{
	{"cdn", "10.128.1.11", "cdn-hgh1-edge-01", "edge-nginx-6f7c9d8b5-kq2vx", "cn-hangzhou", "HGH1", true, 58, 4.2},
	{"cdn", "10.128.1.12", "cdn-hgh1-edge-02", "edge-nginx-6f7c9d8b5-p7m4t", "cn-hangzhou", "HGH1", true, 64, 4.0},
	{"cdn", "10.128.2.21", "cdn-sha2-edge-01", "edge-nginx-6f7c9d8b5-z9w2c", "cn-shanghai", "SHA2", true, 71, 3.6},
	{"cdn", "10.128.3.31", "cdn-pek3-edge-01", "edge-nginx-6f7c9d8b5-hx8ld", "cn-beijing", "PEK3", true, 49, 4.5},
	{"cdn", "10.128.4.41", "cdn-szx1-edge-01", "edge-nginx-6f7c9d8b5-r2b6n", "cn-shenzhen", "SZX1", true, 44, 4.8},
	{"cdn", "10.128.5.51", "cdn-sin1-edge-01", "edge-nginx-6f7c9d8b5-f5j3s", "ap-southeast-1", "SIN1", true, 36, 5.1},
	{"nginx", "10.0.0.21", "ingress-hz-01", "ingress-nginx-controller-7c8b6d5f9-2xq7p", "cn-hangzhou", "origin-hz", false, 40, 2.6},
	{"nginx", "10.0.0.22", "ingress-hz-02", "ingress-nginx-controller-7c8b6d5f9-v4n8k", "cn-hangzhou", "origin-hz", false, 33, 2.8},
}

const accessLogPath = "/var/log/nginx/access.log"

// Upstream pools. Error bursts take down one backend; latency spikes slow a
// whole pool.
const (
	poolWeb = iota
	poolAPI
	poolSearch
	poolReco
	poolOrders
	poolAuth
	poolStatic
	poolIngest
	numPools
	poolNone = -1 // answered by nginx itself
)

var pools = [numPools][]string{
	poolWeb:    {"10.0.1.11:3000", "10.0.1.12:3000", "10.0.1.13:3000"},
	poolAPI:    {"10.0.2.21:8080", "10.0.2.22:8080", "10.0.2.23:8080", "10.0.2.24:8080"},
	poolSearch: {"10.0.3.31:9000", "10.0.3.32:9000"},
	poolReco:   {"10.0.4.41:8000", "10.0.4.42:8000"},
	poolOrders: {"10.0.5.51:8080", "10.0.5.52:8080"},
	poolAuth:   {"10.0.6.61:8080", "10.0.6.62:8080"},
	poolStatic: {"10.0.7.71:80"},
	poolIngest: {"10.0.8.81:8080", "10.0.8.82:8080"},
}

// incidentPools are the pools that error bursts and latency spikes pick
// from: the dynamic services, not the object store or the beacon sink.
var incidentPools = [...]int{poolWeb, poolAPI, poolSearch, poolReco, poolOrders, poolAuth}

// Virtual hosts.
const (
	hostWWW    = "www.example-shop.com"
	hostMobile = "m.example-shop.com"
	hostAPI    = "api.example-shop.com"
	hostStatic = "static.example-cdn.net"
)

type category uint8

const (
	catPage category = iota
	catStatic
	catAPI
	catHealth
	catRobots
	catScan
	numCategories
)

type statusP struct {
	status int
	p      float64
}

// endpoint is one route of the site with its traffic and response shape.
type endpoint struct {
	cat       category
	weight    float64 // share within its category
	method    string
	host      string
	path      func(b []byte, r *rand.Rand) []byte // appends path and query
	pool      int
	latencyMs float64   // median upstream time
	bytes     float64   // median body size
	hitRatio  float64   // CDN cache hit ratio; 0 is never cached
	ok        int       // the status of a normal answer
	alt       []statusP // other answers and their odds, e.g. 304, 404
}

func lit(s string) func([]byte, *rand.Rand) []byte {
	return func(b []byte, _ *rand.Rand) []byte { return append(b, s...) }
}

var (
	categories = [...]string{"electronics", "home-kitchen", "fashion", "sports-outdoors", "beauty", "books", "toys", "grocery"}
	sorts      = [...]string{"popular", "newest", "price_asc", "price_desc"}
	terms      = [...]string{"iphone+15", "running+shoes", "coffee", "usb-c+cable", "laptop+stand",
		"mechanical+keyboard", "yoga+mat", "headphones", "air+fryer", "%E6%89%8B%E6%9C%BA", "%E8%BF%9E%E8%A1%A3%E8%A3%99"}
	assetHashes = [...]string{"3f9a1c2e", "b71d04aa", "9e2c6f13"}
	imageWidths = [...]string{"200", "400", "800"}
)

// productID favours a few hot products, as real shops do.
func productID(r *rand.Rand) int {
	if r.IntN(10) < 3 {
		return 10010 + 37*r.IntN(20)
	}
	return 10000 + r.IntN(90000)
}

// page is 1 most of the time, deep pages rarely.
func page(r *rand.Rand) int {
	n := 1
	for n < 50 && r.IntN(3) == 0 {
		n++
	}
	return n
}

func appendProduct(b []byte, r *rand.Rand) []byte {
	return strconv.AppendInt(b, int64(productID(r)), 10)
}

var endpoints = [...]endpoint{
	// Pages, server-side rendered.
	{cat: catPage, weight: 6, method: "GET", host: hostWWW, path: lit("/"), pool: poolWeb, latencyMs: 35, bytes: 28000, hitRatio: 0.2, ok: 200},
	{cat: catPage, weight: 10, method: "GET", host: hostWWW, pool: poolWeb, latencyMs: 60, bytes: 45000, hitRatio: 0.3, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			return appendProduct(append(b, "/products/"...), r)
		}, alt: []statusP{{404, 0.02}}},
	{cat: catPage, weight: 5, method: "GET", host: hostWWW, pool: poolWeb, latencyMs: 80, bytes: 52000, hitRatio: 0.25, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = append(b, "/category/"...)
			b = append(b, categories[r.IntN(len(categories))]...)
			b = strconv.AppendInt(append(b, "?page="...), int64(page(r)), 10)
			return append(append(b, "&sort="...), sorts[r.IntN(len(sorts))]...)
		}},
	{cat: catPage, weight: 4, method: "GET", host: hostWWW, pool: poolSearch, latencyMs: 120, bytes: 38000, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = append(append(b, "/search?q="...), terms[r.IntN(len(terms))]...)
			return strconv.AppendInt(append(b, "&page="...), int64(page(r)), 10)
		}},
	{cat: catPage, weight: 2, method: "GET", host: hostWWW, path: lit("/cart"), pool: poolWeb, latencyMs: 50, bytes: 21000, ok: 200},
	{cat: catPage, weight: 1, method: "GET", host: hostWWW, path: lit("/checkout"), pool: poolWeb, latencyMs: 90, bytes: 24000, ok: 200,
		alt: []statusP{{302, 0.3}}},

	// Static assets.
	{cat: catStatic, weight: 8, method: "GET", host: hostStatic, pool: poolStatic, latencyMs: 6, bytes: 312000, hitRatio: 0.96, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			return append(append(append(b, "/static/js/app."...), assetHashes[r.IntN(len(assetHashes))]...), ".js"...)
		}, alt: []statusP{{304, 0.25}}},
	{cat: catStatic, weight: 6, method: "GET", host: hostStatic, pool: poolStatic, latencyMs: 5, bytes: 48000, hitRatio: 0.96, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			return append(append(append(b, "/static/css/main."...), assetHashes[r.IntN(len(assetHashes))]...), ".css"...)
		}, alt: []statusP{{304, 0.25}}},
	{cat: catStatic, weight: 20, method: "GET", host: hostStatic, pool: poolStatic, latencyMs: 9, bytes: 36000, hitRatio: 0.85, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = appendProduct(append(b, "/images/products/"...), r)
			b = strconv.AppendInt(append(b, '_'), int64(1+r.IntN(6)), 10)
			return append(append(b, ".webp?w="...), imageWidths[r.IntN(len(imageWidths))]...)
		}, alt: []statusP{{304, 0.1}, {404, 0.01}}},
	{cat: catStatic, weight: 2, method: "GET", host: hostStatic, path: lit("/fonts/inter-var.woff2"), pool: poolStatic, latencyMs: 5, bytes: 98000, hitRatio: 0.98, ok: 200,
		alt: []statusP{{304, 0.4}}},
	{cat: catStatic, weight: 2, method: "GET", host: hostWWW, path: lit("/favicon.ico"), pool: poolStatic, latencyMs: 2, bytes: 4286, hitRatio: 0.99, ok: 200},

	// The JSON API.
	{cat: catAPI, weight: 10, method: "GET", host: hostAPI, pool: poolAPI, latencyMs: 35, bytes: 8200, hitRatio: 0.3, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = append(append(b, "/api/v1/products?category="...), categories[r.IntN(len(categories))]...)
			return append(strconv.AppendInt(append(b, "&page="...), int64(page(r)), 10), "&size=20"...)
		}},
	{cat: catAPI, weight: 8, method: "GET", host: hostAPI, pool: poolAPI, latencyMs: 18, bytes: 3100, hitRatio: 0.4, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			return appendProduct(append(b, "/api/v1/products/"...), r)
		}, alt: []statusP{{404, 0.02}}},
	{cat: catAPI, weight: 6, method: "GET", host: hostAPI, pool: poolSearch, latencyMs: 90, bytes: 12000, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = append(append(b, "/api/v1/search?q="...), terms[r.IntN(len(terms))]...)
			return append(strconv.AppendInt(append(b, "&page="...), int64(page(r)), 10), "&size=20"...)
		}, alt: []statusP{{400, 0.01}}},
	{cat: catAPI, weight: 5, method: "GET", host: hostAPI, pool: poolReco, latencyMs: 140, bytes: 6400, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = strconv.AppendInt(append(b, "/api/v2/recommendations?user_id="...), int64(100000+r.IntN(900000)), 10)
			return append(b, "&limit=12"...)
		}},
	{cat: catAPI, weight: 4, method: "GET", host: hostAPI, path: lit("/api/v1/cart"), pool: poolAPI, latencyMs: 22, bytes: 1500, ok: 200,
		alt: []statusP{{401, 0.02}}},
	{cat: catAPI, weight: 2, method: "POST", host: hostAPI, path: lit("/api/v1/cart/items"), pool: poolAPI, latencyMs: 30, bytes: 420, ok: 201,
		alt: []statusP{{401, 0.02}, {422, 0.02}}},
	{cat: catAPI, weight: 1, method: "PUT", host: hostAPI, pool: poolAPI, latencyMs: 28, bytes: 410, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			b = appendProduct(append(b, "/api/v1/cart/items/"...), r)
			return strconv.AppendInt(append(b, "?qty="...), int64(1+r.IntN(4)), 10)
		}, alt: []statusP{{404, 0.03}}},
	{cat: catAPI, weight: 1, method: "DELETE", host: hostAPI, pool: poolAPI, latencyMs: 20, bytes: 0, ok: 204,
		path: func(b []byte, r *rand.Rand) []byte {
			return appendProduct(append(b, "/api/v1/cart/items/"...), r)
		}, alt: []statusP{{404, 0.05}}},
	{cat: catAPI, weight: 1, method: "POST", host: hostAPI, path: lit("/api/v1/orders"), pool: poolOrders, latencyMs: 210, bytes: 900, ok: 201,
		alt: []statusP{{409, 0.01}, {422, 0.03}}},
	{cat: catAPI, weight: 1, method: "GET", host: hostAPI, pool: poolOrders, latencyMs: 40, bytes: 2300, ok: 200,
		path: func(b []byte, r *rand.Rand) []byte {
			return strconv.AppendInt(append(b, "/api/v1/orders/"...), int64(2024000000+r.IntN(999999)), 10)
		}, alt: []statusP{{403, 0.01}, {404, 0.02}}},
	{cat: catAPI, weight: 1, method: "POST", host: hostAPI, path: lit("/api/v1/auth/login"), pool: poolAuth, latencyMs: 170, bytes: 310, ok: 200,
		alt: []statusP{{401, 0.1}, {429, 0.01}}},
	{cat: catAPI, weight: 2, method: "POST", host: hostAPI, path: lit("/api/v1/auth/refresh"), pool: poolAuth, latencyMs: 15, bytes: 260, ok: 200,
		alt: []statusP{{401, 0.04}}},
	{cat: catAPI, weight: 3, method: "GET", host: hostAPI, path: lit("/api/v1/users/me"), pool: poolAuth, latencyMs: 20, bytes: 780, ok: 200,
		alt: []statusP{{401, 0.03}}},
	{cat: catAPI, weight: 6, method: "POST", host: hostAPI, path: lit("/api/v1/events"), pool: poolIngest, latencyMs: 4, bytes: 0, ok: 204},

	// Health checks, answered by nginx itself.
	{cat: catHealth, weight: 1, method: "GET", host: hostAPI, path: lit("/healthz"), pool: poolNone, latencyMs: 0, bytes: 2, ok: 200},

	// Crawler housekeeping.
	{cat: catRobots, weight: 2, method: "GET", host: hostWWW, path: lit("/robots.txt"), pool: poolStatic, latencyMs: 2, bytes: 310, hitRatio: 0.98, ok: 200},
	{cat: catRobots, weight: 1, method: "GET", host: hostWWW, path: lit("/sitemap.xml"), pool: poolWeb, latencyMs: 240, bytes: 184000, hitRatio: 0.9, ok: 200},

	// Vulnerability scanners probing for things this site does not have.
	{cat: catScan, weight: 3, method: "GET", host: hostWWW, path: lit("/wp-login.php"), pool: poolNone, bytes: 153, ok: 404},
	{cat: catScan, weight: 3, method: "GET", host: hostWWW, path: lit("/.env"), pool: poolNone, bytes: 153, ok: 404},
	{cat: catScan, weight: 2, method: "GET", host: hostWWW, path: lit("/.git/config"), pool: poolNone, bytes: 153, ok: 404},
	{cat: catScan, weight: 1, method: "GET", host: hostWWW, path: lit("/phpmyadmin/index.php"), pool: poolNone, bytes: 153, ok: 404},
	{cat: catScan, weight: 1, method: "POST", host: hostWWW, path: lit("/xmlrpc.php"), pool: poolNone, bytes: 153, ok: 403},
	{cat: catScan, weight: 1, method: "GET", host: hostWWW, path: lit("/cgi-bin/luci/;stok=/locale?form=country&operation=write"), pool: poolNone, bytes: 153, ok: 404},
}

// Client kinds, each with its user agents and its taste in endpoints.
const (
	kindDesktop = iota
	kindMobile
	kindApp
	kindScript
	kindProbe
	kindCrawler
	kindScanner
	kindNoisyBot
	numKinds
)

type clientKind struct {
	share  float64 // of distinct clients
	agents []string
	mix    [numCategories]float64
	h2     bool // speaks HTTP/2
}

var kinds = [numKinds]clientKind{
	kindDesktop: {share: 0.40, h2: true, mix: [numCategories]float64{catPage: 22, catStatic: 48, catAPI: 30}, agents: []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
	}},
	kindMobile: {share: 0.22, h2: true, mix: [numCategories]float64{catPage: 22, catStatic: 48, catAPI: 30}, agents: []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN",
		"Mozilla/5.0 (Linux; U; Android 12; zh-CN; V2154A Build/SP1A.210812.003) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.3.8.1300 Mobile Safari/537.36",
	}},
	kindApp: {share: 0.22, h2: true, mix: [numCategories]float64{catStatic: 15, catAPI: 85}, agents: []string{
		"ExampleShop/5.12.0 (iPhone; iOS 17.4.1; Scale/3.00)",
		"ExampleShop/5.11.2 (iPhone; iOS 16.7.7; Scale/2.00)",
		"ExampleShop/5.12.0 (Linux; Android 14; SM-S9180) okhttp/4.12.0",
		"okhttp/4.12.0",
		"Dalvik/2.1.0 (Linux; U; Android 13; M2012K11AC Build/TKQ1.220829.002)",
	}},
	kindScript: {share: 0.05, mix: [numCategories]float64{catAPI: 90, catHealth: 10}, agents: []string{
		"curl/8.5.0",
		"curl/7.81.0",
		"python-requests/2.31.0",
		"Go-http-client/1.1",
		"Apache-HttpClient/4.5.14 (Java/17.0.10)",
		"PostmanRuntime/7.37.3",
	}},
	kindProbe: {share: 0.01, mix: [numCategories]float64{catHealth: 100}, agents: []string{
		"kube-probe/1.29",
		"Blackbox Exporter/0.25.0",
	}},
	kindCrawler: {share: 0.07, mix: [numCategories]float64{catPage: 75, catStatic: 10, catRobots: 15}, agents: []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
		"Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
		"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
	}},
	kindScanner: {share: 0.03, mix: [numCategories]float64{catScan: 100}, agents: []string{
		"Mozilla/5.0 zgrab/0.x",
		"Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
		"python-requests/2.25.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36",
	}},
	// The noisy bot is no share of the client population: it appears only
	// during its windows, from its own few addresses.
	kindNoisyBot: {mix: [numCategories]float64{catPage: 55, catAPI: 45}, agents: []string{
		"Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
	}},
}

// First octets of the simulated public client addresses: mostly Chinese
// carriers, some elsewhere. Private and reserved ranges are never used.
var publicOctets = [...]int{1, 14, 27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115,
	116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 171, 175, 180, 182, 183, 202, 203, 210, 211, 218, 219,
	220, 221, 222, 223, 24, 73, 81, 86, 94, 151, 178, 188}

// crawlerNets are where the named crawlers really come from, so that the
// addresses look right next to their user agents.
var crawlerNets = [...]string{"66.249.66.", "40.77.167.", "220.181.108.", "123.126.113.", "5.255.231."}
