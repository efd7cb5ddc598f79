package cli

import "github.com/spf13/pflag"

// connFlags are the connection flags shared by tail, lag and groups.
type connFlags struct {
	endpoint, project, logstore, query, group, from, profile string
	aliyunProfile, keyID, keySecret, token                   string
	consumer                                                 string
}

// register adds the flags to f; groupHelp describes --group for the command.
// withQuery adds what only a tail uses: --query, --from and --consumer.
func (c *connFlags) register(f *pflag.FlagSet, withQuery bool, groupHelp string) {
	c.registerStore(f)
	f.StringVar(&c.group, "group", "", groupHelp+" (env SLSTAIL_GROUP)")
	if withQuery {
		f.StringVarP(&c.query, "query", "q", "", "SPL query evaluated server-side, e.g. '* | where cast(status as bigint) >= 500' (env SLSTAIL_QUERY)")
		f.StringVar(&c.from, "from", "", "where to start: end, begin, checkpoint, RFC3339 time, or -15m (env SLSTAIL_FROM; default end)")
		f.StringVar(&c.consumer, "consumer", "", "this slstail's name in a named --group (env SLSTAIL_CONSUMER; default user@host, the same for every run on this machine)")
	}
}

// registerStore adds the flags that name a logstore and the credentials to
// read it with.
func (c *connFlags) registerStore(f *pflag.FlagSet) {
	f.StringVar(&c.endpoint, "endpoint", "", "SLS endpoint, e.g. cn-hangzhou.log.aliyuncs.com (env SLSTAIL_ENDPOINT)")
	f.StringVar(&c.project, "project", "", "SLS project (env SLSTAIL_PROJECT)")
	f.StringVar(&c.logstore, "logstore", "", "logstore (env SLSTAIL_LOGSTORE)")
	f.StringVar(&c.profile, "profile", "", "slstail config profile (env SLSTAIL_PROFILE)")
	f.StringVar(&c.aliyunProfile, "aliyun-profile", "", "profile in ~/.aliyun/config.json to take credentials from (env ALIBABA_CLOUD_PROFILE)")
	f.StringVar(&c.keyID, "access-key-id", "", "access key ID (prefer env ALIBABA_CLOUD_ACCESS_KEY_ID)")
	f.StringVar(&c.keySecret, "access-key-secret", "", "access key secret (prefer env ALIBABA_CLOUD_ACCESS_KEY_SECRET: flags show in ps)")
	f.StringVar(&c.token, "security-token", "", "STS security token (prefer env ALIBABA_CLOUD_SECURITY_TOKEN)")
}
