package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"

	"github.com/slstail/slstail/slsd"
)

// serve takes its key pair from the environment without echoing the
// secret, warns when it listens beyond loopback, and --split-every
// reshards the logstore and says so.
func TestServeEnvKeyExposureAndSplitEvery(t *testing.T) {
	cleanEnv(t)
	t.Setenv(slsd.EnvAccessKeyID, "LTAIfromenv")
	t.Setenv(slsd.EnvAccessKeySecret, "env-secret-0123456789")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "0.0.0.0:0", "--split-every", "20ms"},
			testEnv(&out, &errb))
	}()
	endpointRe := regexp.MustCompile(`slsd listening on (127\.0\.0\.1:\d+)`)
	var endpoint string
	for deadline := time.Now().Add(30 * time.Second); endpoint == "" || !strings.Contains(errb.String(), "slsd split shard"); time.Sleep(20 * time.Millisecond) {
		if m := endpointRe.FindStringSubmatch(out.String()); m != nil {
			endpoint = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no endpoint or no split; stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
	}
	if strings.Contains(out.String(), "env-secret-0123456789") || !strings.Contains(out.String(), "ALIBABA_CLOUD_ACCESS_KEY_SECRET=$SLSD_ACCESS_KEY_SECRET") {
		t.Errorf("banner with a key from the environment:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "warning: slsd listens on every interface") {
		t.Errorf("no warning for 0.0.0.0 on stderr:\n%s", errb.String())
	}
	c := sls.CreateNormalInterface(endpoint, "LTAIfromenv", "env-secret-0123456789", "")
	c.SetHTTPClient(slsd.NewHTTPClient(endpoint))
	if shards, err := c.ListShards("demo", "access"); err != nil || len(shards) < 6 {
		t.Fatalf("ListShards with the environment's key: %d shards (want a split's 6 or more), %v", len(shards), err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, stderr:\n%s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}
