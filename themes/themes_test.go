package themes

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestByName(t *testing.T) {
	for _, name := range Names() {
		th, err := ByName(name)
		if err != nil {
			t.Fatalf("ByName(%q): %v", name, err)
		}
		if th.Name != name {
			t.Errorf("ByName(%q).Name = %q", name, th.Name)
		}
		if len(th.Shards) == 0 {
			t.Errorf("%s: empty shard palette", name)
		}
	}
	if _, err := ByName("solarized"); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("unknown theme error = %v, want the list of names", err)
	}
}

func TestDefaultHonoursNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if got := Default().Name; got != "mono" {
		t.Errorf("Default() with NO_COLOR = %q, want mono", got)
	}
	t.Setenv("NO_COLOR", "")
	if got := Default().Name; got != "auto" {
		t.Errorf("Default() = %q, want auto", got)
	}
}

// Shards must stay distinguishable for at least 16 shards: distinct rendered
// styles for 0..53 in the colour themes.
func TestShardStylesDistinct(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	for _, th := range []Theme{Dark(), Light(), Auto()} {
		seen := map[string]int{}
		for i := 0; i < 54; i++ {
			out := th.Shard(i).Renderer(r).Render("x")
			if j, dup := seen[out]; dup {
				t.Fatalf("%s: shard %d renders like shard %d (%q)", th.Name, i, j, out)
			}
			seen[out] = i
		}
	}
	hc := HighContrast()
	seen := map[string]bool{}
	for i := 0; i < 16; i++ {
		out := hc.Shard(i).Renderer(r).Render("x")
		if seen[out] {
			t.Fatalf("high-contrast: shard %d repeats", i)
		}
		seen[out] = true
	}
}

func TestAdaptiveFollowsBackground(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	th := Auto()
	r.SetHasDarkBackground(true)
	dark := th.Shard(0).Renderer(r).Render("x")
	r.SetHasDarkBackground(false)
	light := th.Shard(0).Renderer(r).Render("x")
	if dark == light {
		t.Errorf("auto theme renders shard 0 the same on dark and light backgrounds: %q", dark)
	}
}

// "auto" is what the config resolves an unset theme to: under NO_COLOR it
// must be the mono design, not the adaptive one with its colours dropped.
func TestAutoHonoursNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if th, err := ByName("auto"); err != nil || th.Name != "mono" {
		t.Errorf("ByName(auto) with NO_COLOR = %q, %v; want mono", th.Name, err)
	}
	t.Setenv("NO_COLOR", "")
	if th, _ := ByName("auto"); th.Name != "auto" {
		t.Errorf("ByName(auto) without NO_COLOR = %q; want auto", th.Name)
	}
}

// WithRenderer must reach every style: one left on the default renderer
// would render with another colour profile than the rest.
func TestWithRendererReachesEveryStyle(t *testing.T) {
	th := Mono()
	want := map[*lipgloss.Style]bool{}
	for _, st := range th.styles() {
		want[st] = true
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := 0; i < v.NumField(); i++ {
			f, name := v.Field(i), path+v.Type().Field(i).Name
			switch f.Type() {
			case reflect.TypeOf(lipgloss.Style{}):
				if !want[f.Addr().Interface().(*lipgloss.Style)] {
					t.Errorf("%s is not in styles(): WithRenderer misses it", name)
				}
			case reflect.TypeOf(Syntax{}):
				walk(f, name+".")
			}
		}
	}
	walk(reflect.ValueOf(&th).Elem(), "")

	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI)
	got := th.WithRenderer(r)
	if out := got.Badge.Render("x"); !strings.Contains(out, "\x1b[") {
		t.Errorf("Badge through an ANSI renderer = %q, want bold reverse video", out)
	}
	if out := got.Shard(0).Underline(true).Render("x"); !strings.Contains(out, "\x1b[") {
		t.Errorf("a shard style through an ANSI renderer = %q", out)
	}
}
