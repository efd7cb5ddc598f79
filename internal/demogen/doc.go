// Package demogen generates a realistic nginx/CDN access-log stream for
// slstail's demo, benchmarks and tests.
//
// The stream looks like what an on-call engineer tails: a mix of browsers,
// mobile apps, scripts and crawlers hitting pages, static assets and a JSON
// API through a fleet of CDN edge nodes and origin ingress gateways. It is
// mostly healthy, which is what makes filtering worth doing, and it has
// incidents on a fixed schedule:
//
//   - error bursts: one upstream backend fails and answers most of its
//     requests with 502/503/504;
//   - latency spikes: one upstream pool slows down by an order of magnitude,
//     so request_time and upstream_response_time jump and some requests time
//     out with 504;
//   - a noisy bot: an aggressive crawler takes a third of the traffic and is
//     rate limited with 429s, while the edge nodes' bandwidth gauges
//     (cdn_in, cdn_out) rise.
//
// Everything is deterministic given a seed: a Generator owns its random
// source, and the incident schedule is a pure function of the seed and the
// log time, so generators with the same seed agree on when incidents happen.
package demogen
