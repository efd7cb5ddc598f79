package config

import (
	"testing"

	"github.com/BurntSushi/toml"
)

func TestLine(t *testing.T) {
	src := `theme = "dark"
  buffer_lines = 5
[keys]
"quoted key" = ["q"]
[profiles.prod]
endpoint = "e"
keys = { pause = ["space"] }
query = """
* | where a > 1
"""
`
	var doc map[string]any
	md, err := toml.Decode(src, &doc)
	if err != nil {
		t.Fatal(err)
	}
	f := &File{md: md, src: src}
	for _, tt := range []struct {
		key  toml.Key
		line int
	}{
		{toml.Key{"theme"}, 1},
		{toml.Key{"buffer_lines"}, 2},
		{toml.Key{"keys"}, 3},
		{toml.Key{"keys", "quoted key"}, 4},
		{toml.Key{"profiles"}, 5}, // implied by [profiles.prod]: its first key
		{toml.Key{"profiles", "prod"}, 5},
		{toml.Key{"profiles", "prod", "endpoint"}, 6},
		{toml.Key{"profiles", "prod", "keys", "pause"}, 7},
		// The toml package records a value's position at its end, so a
		// multi-line string is placed on its closing line.
		{toml.Key{"profiles", "prod", "query"}, 10},
		{toml.Key{"nope"}, 0},
		{toml.Key{"profiles", "nope"}, 0},
	} {
		if got := f.line(tt.key); got != tt.line {
			t.Errorf("line(%s) = %d, want %d", tt.key, got, tt.line)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("testdata/config.toml"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLine measures locating a key for an error message, which parses
// the file again.
func BenchmarkLine(b *testing.B) {
	f, err := Load("testdata/config.toml")
	if err != nil {
		b.Fatal(err)
	}
	key := toml.Key{"profiles", "staging", "theme"}
	for b.Loop() {
		if f.line(key) == 0 {
			b.Fatal("not found")
		}
	}
}
