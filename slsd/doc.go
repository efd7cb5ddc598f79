// Package slsd is an SLS-compatible HTTP server for 127.0.0.1: the subset of
// the Alibaba Cloud Simple Log Service API that the unmodified
// aliyun-log-go-sdk client and its consumerLibrary use to produce and
// consume logs — projects, logstores, shards, cursors, PullLogs with SPL,
// PutLogs, consumer groups with heartbeats and checkpoints — with signature
// v1 and v4 verification.
//
// Logs are kept in memory, per shard in arrival order: each log group as the
// encoded protobuf bytes it arrived as, stamped with its receive time, and
// bounded per logstore by Retention (and the logstore's ttl).
//
// # Reaching it
//
// The SDK addresses a project through the host name:
// http://<project>.<endpoint>/logstores/..., which does not resolve for an IP
// endpoint. slsd takes the project from the Host header (the first label of
// a host that is not an IP literal or "localhost"), and clients reach it in
// one of two ways:
//
//   - an http.Client whose dialer sends <project>.<endpoint> to the endpoint:
//     NewHTTPClient, given to the SDK with Client.SetHTTPClient or
//     LogHubConfig.HTTPClient;
//   - any unmodified client with HTTP_PROXY=http://<endpoint>: slsd accepts
//     absolute-form proxy requests and answers them itself. (NO_PROXY must not
//     cover the endpoint.)
//
// # Choices where SLS's behaviour is not documented
//
// The wire contract is in ../shared/sls-protocol.md; these are the open
// points of its §14 and how slsd settles them.
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
//     stopped at it. Compression follows Accept-Encoding: lz4 (raw block),
//     zstd, deflate (zlib), else none.
//   - With a query, log groups whose logs are all filtered out are left out
//     of the answer but their cursors are consumed; a row's __time__ becomes
//     the log's time, while topic, source and tags stay those of its group.
//     The five query-metadata headers are always sent and count what was
//     scanned. An invalid query is 400 ParameterInvalid "invalid query: line
//     L:C msg", the shape real SLS answers.
//   - Hash keys are compared as lower-case hex strings with the shards'
//     [begin, end) ranges; shorter keys are right-padded with zeros.
//   - UpdateCheckpoint with forceSuccess stores unconditionally (what the Go
//     and Python consumers send); without it the consumer must be alive
//     (ConsumerNotExist) and own the shard (ConsumerNotMatch), both 400.
//     Checkpoint values are stored verbatim.
//   - GetCheckpoint lists every shard, "" and updateTime 0 for shards never
//     committed; updateTime is in microseconds, as SLS's examples show.
//   - ConsumerGroupNotExist is 404; ShardNotExist is 400 (per the GetCursor
//     docs).
//   - Authentication is checked before anything else: key id, then STS token,
//     then the request time (±15 min, 400 RequestTimeExpired), then the
//     signature (401 SignatureNotMatch). Content-MD5 (v1) and
//     x-log-content-sha256 (v4) are checked against the body, so the
//     signature covers it.
//   - Unsupported APIs (indexes, GetLogs, shipper, ...) get 405 InvalidMethod.
package slsd
