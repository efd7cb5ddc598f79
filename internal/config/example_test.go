package config_test

import (
	"fmt"

	"github.com/slstail/slstail/internal/config"
)

func ExampleResolve() {
	// In main: f, err := config.Open(configFlag, os.Getenv), and flags from
	// cmd.Flags().Visit, which yields only the flags the user set.
	f, err := config.Load("testdata/config.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	flags := map[string]string{"from": "-15m"}
	getenv := func(k string) string { return map[string]string{"SLSTAIL_PROFILE": "staging"}[k] }

	s, err := config.Resolve(f, flags, getenv)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range []string{"profile", "project", "from", "theme"} {
		fmt.Printf("%-8s from %s\n", k, s.Sources[k])
	}
	fmt.Println(s.Project, s.From, s.Theme, s.BufferLines)
	// Output:
	// profile  from env SLSTAIL_PROFILE
	// project  from profile staging
	// from     from flag --from
	// theme    from profile staging
	// my-project-staging -15m light 100000
}

func ExampleSettings_Invalid() {
	f, _ := config.Load("testdata/config.toml")
	s, _ := config.Resolve(f, map[string]string{"profile": "staging"}, func(string) string { return "" })
	// The CLI checks --from's syntax itself, and reports a bad value where
	// the user wrote it.
	fmt.Println(s.Invalid("from", fmt.Errorf("want end, begin, checkpoint, a time or -DURATION")))
	// Output:
	// config testdata/config.toml:33: profiles.staging.from: want end, begin, checkpoint, a time or -DURATION
}
