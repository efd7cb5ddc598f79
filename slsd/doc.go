// Package slsd is an SLS-compatible HTTP server for 127.0.0.1: the subset of
// the Alibaba Cloud Simple Log Service API that the unmodified
// aliyun-log-go-sdk client and its consumerLibrary use to produce and
// consume logs — projects, logstores, shards (with split and merge),
// cursors, PullLogs with SPL, PutLogs, consumer groups with heartbeats and
// checkpoints — with signature v1 and v4 verification. The Go SDK's own e2e
// tests that cover this subset pass against it (see conformance/ at the top
// of the repository).
//
// Logs are kept in memory, per shard in arrival order: each log group as the
// encoded protobuf bytes it arrived as, stamped with its receive time, and
// bounded per logstore by Retention (and the logstore's ttl).
//
// # Reaching it
//
// The SDKs address a project through the host name:
// http://<project>.<endpoint>/logstores/..., which does not resolve for an IP
// endpoint. slsd takes the project from the Host header (the first label of
// a host that is not an IP literal or "localhost"), and clients reach it in
// one of these ways (ClientHelp says the same to users):
//
//   - an http.Client whose dialer sends <project>.<endpoint> to the endpoint:
//     NewHTTPClient, given to the Go SDK with Client.SetHTTPClient or
//     LogHubConfig.HTTPClient;
//   - any client that honours HTTP_PROXY=http://<endpoint> (the Go and Python
//     SDKs): slsd accepts absolute-form proxy requests and answers them
//     itself. NO_PROXY must not cover the endpoint;
//   - a name that resolves to the endpoint: an /etc/hosts line, or an
//     http.Agent with a fixed lookup for the Node client, which ignores
//     HTTP_PROXY; or, for the Python SDK, slsd on port 80 and the bare IP as
//     the endpoint.
//
// # Sources
//
// Wire shapes come from the Go SDK v0.1.127 (client_store.go for SplitShard,
// SplitNumShard, MergeShards and ListShards; log_store.go for PullLogs and
// the Shard struct; client_consumer.go and consumer/ for consumer groups;
// signature.go and signature_v4.go), checked against the SLS API reference
// (SplitShard, MergeShards, ListShards, the Shard and ConsumerGroup
// structures, PullLogs, GetCursor, GetCursorTime, ConsumerGroupHeartBeat,
// ConsumerGroupUpdateCheckPoint, GetCheckPoint, the error code tables) and
// the official Java consumer's README (its shard state machine).
//
// # Choices where SLS's behaviour is not documented
//
//   - Cursors are base64 of base+index, base being the shard's creation time
//     in nanoseconds. A cursor that does not decode is 400 ParameterInvalid; a
//     decodable one outside [begin, end] is 400 InvalidCursor, on PullLogs and
//     GetCursorTime alike (so data dropped by retention is answered as SLS
//     answers data past its TTL).
//   - GetCursorTime of the end cursor is the receive time of the shard's last
//     log group (its creation time when empty). x-log-cursor-time is that of
//     the last group returned.
//   - PullLogs returns whole log groups, at most count (1..1000, else
//     ParameterInvalid) and at most 8 MiB raw (at least one group); end_cursor
//     (or endCursor) is exclusive; x-log-end-of-cursor is 1 when the pull
//     stopped at it, or at the fixed end of a readonly shard. Compression
//     follows Accept-Encoding: lz4 (raw block), zstd, deflate (zlib), else
//     none.
//   - With a query, log groups whose logs are all filtered out are left out
//     of the answer but their cursors are consumed; a row's __time__ becomes
//     the log's time, while topic, source and tags stay those of its group.
//     The five query-metadata headers are always sent and count what was
//     scanned. An invalid query is 400 ParameterInvalid "invalid query: line
//     L:C msg", the shape real SLS answers.
//   - Hash keys are compared as lower-case hex strings with the readwrite
//     shards' [begin, end) ranges; shorter keys are right-padded with zeros; a
//     key at or past ffff…f goes to the last shard. Puts without a key take
//     the readwrite shards in turn.
//   - Split: the children get the next unused IDs (one more than the highest
//     ever given, as in SLS's examples: 33 → 163, 164); a key cuts
//     [begin, key) and [key, end) and must lie strictly inside the range; a
//     key shorter than 32 hex digits is padded as hash keys are; shardCount
//     cuts the range into that many even parts (2 to 256; with a key only 2);
//     neither cuts it in the middle (the Python SDK documents an empty key as
//     an even split). The answer is the parent, now readonly, then the
//     children. Merge takes the given readwrite shard and the readwrite shard
//     that starts where it ends; the answer is the new shard, then the two
//     parents. A missing shard is 400 ParameterInvalid "invalid shard id" (the
//     SplitShard error table); splitting or merging a readonly shard,
//     merging the shard that ends the key space, and a key outside the range
//     are 400 ParameterInvalid with a message saying which. At most 256
//     readwrite shards and 1024 in all.
//   - A readonly shard keeps its data and serves reads; its end cursor never
//     moves again: a put racing a split either lands before the parent is
//     sealed or is routed to a child. GetLogStore's shardCount counts the
//     readwrite shards.
//   - A readonly shard is deleted once retention has dropped all of its data,
//     or, if it never held any, once it has been readonly for longer than the
//     age bound (SLS's readonly shards expire with their data; when exactly
//     is not documented). It then leaves ListShards, GetCheckPoint and the
//     consumer groups; data calls on it answer ShardNotExist.
//   - Consumer groups follow the Java consumer's state machine: a readonly
//     shard whose checkpoint has reached its end cursor is over and is
//     assigned to no one (the remaining shards are spread again), and an
//     empty readonly shard is over only once such a checkpoint is committed
//     (the Python SDK's issue #126 and the Go SDK's PR #98 show SLS keeping
//     an empty readonly shard assigned until then). With order=true a
//     shard waits, unassigned, until every shard it was split or merged from
//     is over or deleted (the ConsumerGroup structure documents that the
//     parent is consumed first); with order=false new shards are assigned at
//     once. A heartbeat answers only the shards assigned to that consumer.
//   - UpdateCheckpoint with forceSuccess stores unconditionally (what the Go
//     and Python consumers send); without it the consumer must be alive
//     (ConsumerNotExist) and own the shard (ConsumerNotMatch), both 400.
//     Checkpoint values are stored verbatim.
//   - GetCheckpoint lists every shard, readonly ones included, "" and
//     updateTime 0 for shards never committed; updateTime is in
//     microseconds, as SLS's examples show.
//   - ConsumerGroupNotExist is 404; ShardNotExist is 400 (per the GetCursor
//     docs).
//   - Authentication is checked before anything else: key id, then STS token,
//     then the request time (±15 min, 400 RequestTimeExpired), then the
//     signature (401 SignatureNotMatch). Content-MD5 (v1) and
//     x-log-content-sha256 (v4) are checked against the body, so the
//     signature covers it.
//   - Signature v4 signs the Host header. A direct request is checked against
//     the Host header as sent. For an absolute-form (proxy) request Go's
//     server keeps only the request target, so the signature is checked
//     against the target with its port (what the Go SDK signs and sends) and
//     without it (what the Python SDK signs and sends as Host while its
//     request line carries the port).
//   - A request that came through HTTP_PROXY (absolute-form, or CONNECT) for
//     anything but <project>.<ip-or-localhost> or <ip-or-localhost> on slsd's
//     own port is a program's other HTTP call: 502 BadGateway naming the
//     host, in SLS's envelope. Direct requests are not checked (they reached
//     slsd, whatever name the client used).
//   - The claimed x-log-bodyrawsize and Content-Length are only claims:
//     request bodies grow as bytes arrive; an LZ4 body's sequences are
//     walked to learn its real size before anything is allocated; a zstd
//     body's block headers bound what it can decode to, and a claim beyond
//     that is refused. A mismatch is 400 InvalidBodyRawSize.
//   - Index configurations are kept and echoed (404 IndexConfigNotExist when
//     none, 400 IndexAlreadyExist on a second create), so that programs
//     which create one before writing run; nothing is indexed.
//   - Unsupported APIs (GetLogs, GetHistograms, shippers, dashboards, jobs,
//     ...) keep the answer SLS gives a route it has no handler for, 405
//     InvalidMethod, which no SDK retries, with the message "slsd does not
//     implement <API>: <method> <path>; see slstail serve --help".
//   - Config.SplitEvery reshards one logstore for demos: it splits the widest
//     readwrite shard in the middle, and the next time merges the two halves
//     back.
package slsd
