package slsd

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

func TestAuthFailures(t *testing.T) {
	sts := Key{ID: "STS.tmpkey", Secret: "sts-secret", SecurityToken: "token-123"}
	s := startServer(t, Config{Keys: []Key{testKey, sts}})
	put := func(k Key) error {
		return newClient(t, s, k).PutLogs(testProject, testLogstore, numberedGroup(0, 1))
	}
	if err := put(testKey); err != nil {
		t.Fatalf("valid key: %v", err)
	}
	if err := put(sts); err != nil {
		t.Fatalf("valid STS key and token: %v", err)
	}
	// Unknown key id: the SDK's e2e test wants this exact text.
	err := put(Key{ID: "nobody", Secret: "x"})
	wantError(t, err, 401, "Unauthorized")
	if msg := err.(*sls.Error).Message; msg != "AccessKeyId not found: nobody" {
		t.Errorf("message %q", msg)
	}
	// Right id, wrong secret: the signature does not match.
	wantError(t, put(Key{ID: testKey.ID, Secret: "wrong"}), 401, "SignatureNotMatch")
	// STS key with a wrong token, and without one.
	wantError(t, put(Key{ID: sts.ID, Secret: sts.Secret, SecurityToken: "forged"}), 401, "Unauthorized")
	wantError(t, put(Key{ID: sts.ID, Secret: sts.Secret}), 401, "Unauthorized")
	// The consumer-group path (no SDK retries) is guarded as well.
	_, err = newClient(t, s, Key{ID: testKey.ID, Secret: "wrong"}).ListConsumerGroup(testProject, testLogstore)
	wantError(t, err, 401, "SignatureNotMatch")
}

// rawCall sends req and decodes SLS's error envelope.
func rawCall(t *testing.T, s *Server, req *http.Request) (int, string, string) {
	t.Helper()
	hc := NewHTTPClient(s.Endpoint())
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e struct{ ErrorCode, ErrorMessage string }
	json.Unmarshal(body, &e)
	if resp.Header.Get("x-log-requestid") == "" {
		t.Errorf("no x-log-requestid")
	}
	return resp.StatusCode, e.ErrorCode, string(body)
}

func TestSignedRequestChecks(t *testing.T) {
	s := startServer(t, Config{})
	uri := "/logstores/" + testLogstore + "/shards"
	if code, _, body := rawCall(t, s, signedRequest(t, s, testKey, "GET", uri, time.Now())); code != 200 {
		t.Fatalf("good request: %d %s", code, body)
	}
	// A clock 20 minutes off.
	if code, ec, _ := rawCall(t, s, signedRequest(t, s, testKey, "GET", uri, time.Now().Add(-20*time.Minute))); code != 400 || ec != "RequestTimeExpired" {
		t.Errorf("skewed date: %d %s", code, ec)
	}
	// A signature for another resource (tampered query).
	req := signedRequest(t, s, testKey, "GET", uri, time.Now())
	req.URL.RawQuery = "offset=1"
	if code, ec, _ := rawCall(t, s, req); code != 401 || ec != "SignatureNotMatch" {
		t.Errorf("tampered request: %d %s", code, ec)
	}
	// No Authorization at all.
	req = signedRequest(t, s, testKey, "GET", uri, time.Now())
	req.Header.Del("Authorization")
	if code, ec, _ := rawCall(t, s, req); code != 400 || ec != "MissingParameter" {
		t.Errorf("unsigned request: %d %s", code, ec)
	}
}

func TestSignatureV4(t *testing.T) {
	s := startServer(t, Config{Region: "cn-hangzhou"})
	c := newClient(t, s, testKey)
	c.SetAuthVersion(sls.AuthV4)
	c.SetRegion("cn-hangzhou")
	if err := c.PutLogs(testProject, testLogstore, numberedGroup(0, 5)); err != nil {
		t.Fatalf("v4 put: %v", err)
	}
	cur, err := c.GetCursor(testProject, testLogstore, 0, "begin")
	if err != nil {
		t.Fatalf("v4 get cursor: %v", err)
	}
	if _, _, err := c.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore, Cursor: cur, LogGroupMaxCount: 10, Query: "*"}); err != nil {
		t.Fatalf("v4 pull with query: %v", err)
	}
	bad := newClient(t, s, Key{ID: testKey.ID, Secret: "wrong"})
	bad.SetAuthVersion(sls.AuthV4)
	bad.SetRegion("cn-hangzhou")
	wantError(t, bad.PutLogs(testProject, testLogstore, numberedGroup(0, 1)), 401, "SignatureNotMatch")
	other := newClient(t, s, testKey)
	other.SetAuthVersion(sls.AuthV4)
	other.SetRegion("cn-beijing")
	wantError(t, other.PutLogs(testProject, testLogstore, numberedGroup(0, 1)), 401, "SignatureNotMatch")
}

func TestNotFoundErrors(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)

	err := c.PutLogs("no-such-project", testLogstore, numberedGroup(0, 1))
	wantError(t, err, 404, "ProjectNotExist")
	if msg := err.(*sls.Error).Message; msg != "The Project does not exist: no-such-project" {
		t.Errorf("message %q", msg)
	}
	wantError(t, c.PutLogs(testProject, "no-such-logstore", numberedGroup(0, 1)), 404, "LogStoreNotExist")
	if ok, err := c.CheckProjectExist("no-such-project"); ok || err != nil {
		t.Errorf("CheckProjectExist: %v %v", ok, err)
	}
	if ok, err := c.CheckLogstoreExist(testProject, "no-such-logstore"); ok || err != nil {
		t.Errorf("CheckLogstoreExist: %v %v", ok, err)
	}
	_, err = c.GetCursor(testProject, testLogstore, 1000, "begin")
	wantError(t, err, 400, "ShardNotExist")
	_, _, err = c.PullLogs(testProject, testLogstore, 1000, "MTIz", "", 10)
	wantError(t, err, 400, "ShardNotExist")
	_, err = c.GetCursor(testProject, testLogstore, 0, "yesterday")
	wantError(t, err, 400, "ParameterInvalid")

	// A cursor that is not base64 of a number, and one outside the shard.
	_, _, err = c.PullLogs(testProject, testLogstore, 0, "not a cursor!", "", 10)
	wantError(t, err, 400, "ParameterInvalid")
	_, _, err = c.PullLogs(testProject, testLogstore, 0, encodeCursor(12345), "", 10)
	wantError(t, err, 400, "InvalidCursor")
	_, err = c.GetCursorTime(testProject, testLogstore, 0, encodeCursor(12345))
	wantError(t, err, 400, "InvalidCursor")

	cur, _ := c.GetCursor(testProject, testLogstore, 0, "begin")
	_, _, err = c.PullLogs(testProject, testLogstore, 0, cur, "", 1001)
	wantError(t, err, 400, "ParameterInvalid")

	_, err = c.GetCheckpoint(testProject, testLogstore, "no-such-group")
	wantError(t, err, 404, "ConsumerGroupNotExist")

	// Server-side processors (stored SPL) do not exist here.
	wantError(t, c.PostLogStoreLogsV2(testProject, testLogstore, &sls.PostLogStoreLogsRequest{
		LogGroup: numberedGroup(0, 1), Processor: "enrich"}), 400, "ParameterInvalid")
	_, _, err = c.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
		Cursor: cur, LogGroupMaxCount: 10, Processor: "enrich"})
	wantError(t, err, 404, "ConsumeProcessorNotExist")

	// APIs slsd does not have get SLS's answer for an unknown route, in
	// SLS's envelope (not a decoding failure in the SDK).
	_, err = c.GetHistograms(testProject, testLogstore, "", 0, time.Now().Unix(), "*")
	wantError(t, err, 405, "InvalidMethod")
}

func TestProxyRequests(t *testing.T) {
	// An unmodified client with HTTP_PROXY pointing at slsd sends
	// absolute-form requests; they must work as if addressed directly.
	s := startServer(t, Config{})
	proxy, _ := url.Parse("http://" + s.Endpoint())
	tr := &http.Transport{Proxy: http.ProxyURL(proxy)}
	defer tr.CloseIdleConnections()
	c := sls.CreateNormalInterface(s.Endpoint(), testKey.ID, testKey.Secret, "")
	c.SetHTTPClient(&http.Client{Transport: tr})
	if err := c.PutLogs(testProject, testLogstore, numberedGroup(0, 3)); err != nil {
		t.Fatal(err)
	}
	shards, err := c.ListShards(testProject, testLogstore)
	if err != nil || len(shards) != 4 {
		t.Fatalf("list shards via proxy: %v %v", shards, err)
	}
}

func TestProjectAndLogstoreAPI(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	if _, err := c.CreateProject("second-project", "for tests"); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateProject("second-project", "again")
	wantError(t, err, 400, "ProjectAlreadyExist")
	p, err := c.GetProject("second-project")
	if err != nil || p.Description != "for tests" || p.Status != "Normal" || p.CreateTime == "" {
		t.Fatalf("get project: %+v %v", p, err)
	}
	if _, err := c.CreateProjectV2("zrs-project", "", "ZRS"); err != nil {
		t.Fatal(err)
	}
	if p, err := c.GetProject("zrs-project"); err != nil || p.DataRedundancyType != "ZRS" {
		t.Fatalf("redundancy type not echoed: %+v %v", p, err)
	}
	if names, err := c.ListProject(); err != nil || strings.Join(names, ",") != "demo-project,second-project,zrs-project" {
		t.Fatalf("list projects: %v %v", names, err)
	}
	if _, err := c.UpdateProject("zrs-project", "described"); err != nil {
		t.Fatal(err)
	}
	if p, err := c.GetProject("zrs-project"); err != nil || p.Description != "described" {
		t.Fatalf("update project: %+v %v", p, err)
	}
	if err := c.CreateLogStore("second-project", "app-log", 7, 2, false, 0); err != nil {
		t.Fatal(err)
	}
	wantError(t, c.CreateLogStore("second-project", "app-log", 7, 2, false, 0), 400, "LogStoreAlreadyExist")
	ls, err := c.GetLogStore("second-project", "app-log")
	if err != nil || ls.TTL != 7 || ls.ShardCount != 2 || ls.Mode != "standard" {
		t.Fatalf("get logstore: %+v %v", ls, err)
	}
	names, err := c.ListLogStore("second-project")
	if err != nil || strings.Join(names, ",") != "app-log" {
		t.Fatalf("list logstores: %v %v", names, err)
	}
	shards, err := c.ListShards("second-project", "app-log")
	if err != nil || len(shards) != 2 || shards[1].InclusiveBeginKey != "80000000000000000000000000000000" {
		t.Fatalf("shards: %v %v", shards, err)
	}
	if err := c.DeleteLogStore("second-project", "app-log"); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetLogStore("second-project", "app-log")
	wantError(t, err, 404, "LogStoreNotExist")
	if err := c.DeleteProject("second-project"); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.CheckProjectExist("second-project"); ok || err != nil {
		t.Fatalf("deleted project still exists: %v %v", ok, err)
	}
}
