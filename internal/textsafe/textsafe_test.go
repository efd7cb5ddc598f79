package textsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "GET /index.html 200", "GET /index.html 200"},
		{"empty", "", ""},
		{"unicode kept", "héllo 世界 ✓ \ufffd", "héllo 世界 ✓ \ufffd"},
		{"csi colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"osc title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"osc 52 clipboard", "\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]52;c;ZXZpbA==\x1b\`},
		{"newline tab cr", "a\nb\tc\rd", `a\nb\tc\rd`},
		{"nul and del", "a\x00b\x7f", `a\x00b\x7f`},
		{"c1 csi", "a\u009b31mb", `a\u009b31mb`},
		{"bidi override", "user\u202eexe.txt", `user\u202eexe.txt`},
		{"bidi isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"invalid utf8", "a\xffb\xc3", `a\xffb\xc3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if IsSafe(tt.in) != (tt.in == tt.want) {
				t.Errorf("IsSafe(%q) = %v", tt.in, IsSafe(tt.in))
			}
			if !IsSafe(got) {
				t.Errorf("Sanitize(%q) = %q is not safe", tt.in, got)
			}
			if b := AppendSanitized([]byte("x"), tt.in); string(b) != "x"+tt.want {
				t.Errorf("AppendSanitized = %q", b)
			}
		})
	}
}

func TestSanitizeMultiline(t *testing.T) {
	got := SanitizeMultiline("{\r\n\t\"a\": \"\x1b[2J\"\n}")
	want := "{\n    \"a\": \"\\x1b[2J\"\n}"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSanitizeNoAllocWhenSafe(t *testing.T) {
	s := strings.Repeat("status=200 uri=/a ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); n != 0 {
		t.Errorf("Sanitize of a safe string allocates %v times", n)
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add("\x1b[31mred")
	f.Add("a\u202eb\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !IsSafe(out) {
			t.Fatalf("Sanitize(%q) = %q still unsafe", s, out)
		}
		if strings.ContainsAny(out, "\x1b\n\r\x07") {
			t.Fatalf("control byte survived in %q", out)
		}
	})
}

func TestAppendJSONStringEscapesEveryControl(t *testing.T) {
	in := "a\"\\\n\x1b[2J\x7f\u009b31m\xffé\u202egnp.exe"
	got := string(AppendJSONString(nil, in))
	want := `"a\"\\\n\u001b[2J\u007f\u009b31m\ufffdé\u202egnp.exe"`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != strings.ToValidUTF8(in, "\ufffd") {
		t.Errorf("decodes to %q, %v", back, err)
	}
}

func TestAppendQuoted(t *testing.T) {
	for in, want := range map[string]string{
		"":              `""`,
		"plain":         `plain`,
		"two words":     `"two words"`,
		"a=b":           `"a=b"`,
		"\x1b]52;c;x\a": `"\x1b]52;c;x\a"`,
		"\u202egnp.exe": `"\u202egnp.exe"`,
		"\u009b2J":      `"\u009b2J"`,
		"bad\xff":       `"bad\xff"`,
		"héllo":         `héllo`,
	} {
		if got := string(AppendQuoted(nil, in)); got != want {
			t.Errorf("AppendQuoted(%q) = %s, want %s", in, got, want)
		}
	}
}
