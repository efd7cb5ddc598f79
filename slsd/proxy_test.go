package slsd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// rawExchange writes a raw HTTP/1.1 request to the server and reads the
// answer: the request line and headers go out exactly as given.
func rawExchange(t *testing.T, s *Server, head string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestSignatureV4ThroughProxyAsPython signs a request the way the Python
// SDK does (v4, Host "<project>.<host>" without the port) and sends it the
// way Python's HTTP stack does through HTTP_PROXY: the same Host header,
// and an absolute-form request line that carries the port.
func TestSignatureV4ThroughProxyAsPython(t *testing.T) {
	s := startServer(t, Config{Region: "cn-hangzhou"})
	_, port, _ := net.SplitHostPort(s.Endpoint())
	uri := "/logstores/" + testLogstore + "/shards"
	sign := func(host string) map[string]string {
		h := map[string]string{
			"Host":              host,
			"x-log-apiversion":  "0.6.0",
			"x-log-bodyrawsize": "0",
			"x-log-date":        time.Now().UTC().Format("20060102T150405Z"),
		}
		if err := sls.NewSignerV4(testKey.ID, testKey.Secret, "cn-hangzhou").Sign("GET", uri, h, nil); err != nil {
			t.Fatal(err)
		}
		return h
	}
	send := func(requestLine string, h map[string]string) (*http.Response, string) {
		var b strings.Builder
		b.WriteString(requestLine + "\r\n")
		for k, v := range h {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
		b.WriteString("Connection: close\r\n\r\n")
		return rawExchange(t, s, b.String())
	}
	absolute := "GET http://" + testProject + ".127.0.0.1:" + port + uri + " HTTP/1.1"

	// Python: Host without the port, proxy request line with it.
	resp, body := send(absolute, sign(testProject+".127.0.0.1"))
	if resp.StatusCode != 200 {
		t.Fatalf("v4 signed with Host %s.127.0.0.1, sent through a proxy: %d %s", testProject, resp.StatusCode, body)
	}
	var shards []ShardInfo
	if err := json.Unmarshal([]byte(body), &shards); err != nil || len(shards) != 4 {
		t.Fatalf("ListShards answer %s: %v", body, err)
	}
	// Go: Host with the port, in both forms.
	withPort := testProject + ".127.0.0.1:" + port
	if resp, body := send(absolute, sign(withPort)); resp.StatusCode != 200 {
		t.Fatalf("v4 signed with Host %s, through a proxy: %d %s", withPort, resp.StatusCode, body)
	}
	if resp, body := send("GET "+uri+" HTTP/1.1", sign(withPort)); resp.StatusCode != 200 {
		t.Fatalf("v4 signed with Host %s, direct: %d %s", withPort, resp.StatusCode, body)
	}
	// A direct request is checked against its Host header as sent: Python
	// on port 80 signs and sends the host without a port.
	h := sign(testProject + ".127.0.0.1")
	if resp, body := send("GET "+uri+" HTTP/1.1", h); resp.StatusCode != 200 {
		t.Fatalf("v4 signed and sent with Host %s.127.0.0.1, direct: %d %s", testProject, resp.StatusCode, body)
	}
	// ...so a Host header other than the one signed fails.
	h["Host"] = "other-project.127.0.0.1"
	if resp, body := send("GET "+uri+" HTTP/1.1", h); resp.StatusCode != 401 || !strings.Contains(body, "SignatureNotMatch") {
		t.Fatalf("v4 sent with a Host other than the signed one: %d %s", resp.StatusCode, body)
	}
	// Through a proxy, a signature for another host fails too.
	if resp, body := send(absolute, sign("other-project.127.0.0.1")); resp.StatusCode != 401 || !strings.Contains(body, "SignatureNotMatch") {
		t.Fatalf("v4 signed for another host, through a proxy: %d %s", resp.StatusCode, body)
	}
}

// TestProxyForeignHosts: with HTTP_PROXY pointing at slsd, a program's
// other HTTP calls reach slsd too; they get a 502 that names the host, not
// an SLS authentication error.
func TestProxyForeignHosts(t *testing.T) {
	s := startServer(t, Config{})
	proxy, _ := url.Parse("http://" + s.Endpoint())
	tr := &http.Transport{Proxy: http.ProxyURL(proxy)}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	_, port, _ := net.SplitHostPort(s.Endpoint())
	for _, target := range []string{
		"http://api.example.com/v1/things",
		"http://169.254.169.254/latest/meta-data/",
		"http://" + testProject + ".127.0.0.1:1/logstores", // another port: another server
		"http://" + testProject + ".example.com:" + port + "/logstores",
	} {
		resp, err := hc.Get(target)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		u, _ := url.Parse(target)
		if resp.StatusCode != 502 || !strings.Contains(string(body), `"BadGateway"`) || !strings.Contains(string(body), u.Host) {
			t.Errorf("%s through slsd: %d %s", target, resp.StatusCode, body)
		}
	}
	// HTTPS through the same proxy asks to CONNECT: refused the same way.
	resp, body := rawExchange(t, s, "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n")
	if resp.StatusCode != 502 || !strings.Contains(body, "api.example.com:443") {
		t.Errorf("CONNECT through slsd: %d %s", resp.StatusCode, body)
	}
	// slsd's own names still work through the proxy, with and without a
	// project, by IP or localhost.
	for _, endpoint := range []string{s.Endpoint(), "localhost:" + port} {
		c := sls.CreateNormalInterface(endpoint, testKey.ID, testKey.Secret, "")
		c.SetHTTPClient(hc)
		if _, err := c.ListShards(testProject, testLogstore); err != nil {
			t.Errorf("ListShards through the proxy at %s: %v", endpoint, err)
		}
		if _, err := c.ListProject(); err != nil {
			t.Errorf("ListProject through the proxy at %s: %v", endpoint, err)
		}
	}
	// Direct requests are not checked: a connection that reached slsd was
	// meant for it, whatever name the client used (port mapping, /etc/hosts).
	req := signedRequest(t, s, testKey, "GET", "/logstores/"+testLogstore+"/shards", time.Now())
	req.Host = testProject + ".slsd.internal:17000"
	if code, _, body := rawCall(t, s, req); code != 200 {
		t.Errorf("direct request for another name: %d %s", code, body)
	}
}

// TestNotImplementedSaysSo: an API slsd lacks is refused with a code no
// SDK retries and a message that names what is missing.
func TestNotImplementedSaysSo(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	_, err := c.GetLogs(testProject, testLogstore, "", 0, time.Now().Unix(), "*", 10, 0, false)
	wantError(t, err, 405, "InvalidMethod")
	if msg := err.(*sls.Error).Message; msg != "slsd does not implement GetLogs (index queries): POST /logstores/"+testLogstore+"/logs; see slstail serve --help" {
		t.Errorf("GetLogs: %q", msg)
	}
	_, err = c.GetHistograms(testProject, testLogstore, "", 0, time.Now().Unix(), "*")
	wantError(t, err, 405, "InvalidMethod")
	if msg := err.(*sls.Error).Message; !strings.Contains(msg, "GetHistograms") {
		t.Errorf("GetHistograms: %q", msg)
	}
	_, _, _, err = c.ListDashboard(testProject, "", 0, 10)
	if err == nil || !strings.Contains(err.Error(), "slsd does not implement dashboards") {
		t.Errorf("ListDashboard: %v", err)
	}
}

// TestIndexConfig: index configurations are kept and echoed (programs set
// one up before they write), though nothing is indexed.
func TestIndexConfig(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	_, err := c.GetIndex(testProject, testLogstore)
	wantError(t, err, 404, "IndexConfigNotExist") // CheckIndexExist's "no index"
	idx := sls.Index{Keys: map[string]sls.IndexKey{"status": {Token: []string{" "}, Type: "long", DocValue: true}}}
	if err := c.CreateIndex(testProject, testLogstore, idx); err != nil {
		t.Fatal(err)
	}
	wantError(t, c.CreateIndex(testProject, testLogstore, idx), 400, "IndexAlreadyExist")
	got, err := c.GetIndex(testProject, testLogstore)
	if err != nil || got.Keys["status"].Type != "long" || !got.Keys["status"].DocValue {
		t.Fatalf("GetIndex: %+v %v", got, err)
	}
	idx.Keys["status"] = sls.IndexKey{Token: []string{" "}, Type: "text"}
	if err := c.UpdateIndex(testProject, testLogstore, idx); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetIndex(testProject, testLogstore); err != nil || got.Keys["status"].Type != "text" {
		t.Fatalf("GetIndex after UpdateIndex: %+v %v", got, err)
	}
	if err := c.DeleteIndex(testProject, testLogstore); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetIndex(testProject, testLogstore)
	wantError(t, err, 404, "IndexConfigNotExist")
	wantError(t, c.DeleteIndex(testProject, testLogstore), 404, "IndexConfigNotExist")
}
