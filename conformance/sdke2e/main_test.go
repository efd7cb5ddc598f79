package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadList(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "list.txt")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	entries, err := readList(write(`# comment
.  TestA                run
.  TestS/TestM          run expect logGroupSize: [1-9] ; reject level=error ; allow timeout closes
consumer TestB          skip  not implemented here
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || !entries[0].run || entries[1].expect.String() != "logGroupSize: [1-9]" ||
		entries[1].reject.String() != "level=error" || entries[1].allow.String() != "timeout closes" || entries[2].reason != "not implemented here" {
		t.Fatalf("entries: %+v", entries)
	}
	for _, bad := range []string{
		". TestA skip\n",             // no reason
		". TestA maybe\n",            // no verdict
		". TestA run\n. TestA run\n", // twice
		". TestA run frobnicate x\n",
	} {
		if _, err := readList(write(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestCoverage(t *testing.T) {
	dir := t.TempDir()
	src := `//go:build e2e

package sls

func TestPlain(t *testing.T) {}

func TestSuite(t *testing.T) { suite.Run(t, new(mySuite)) }

func (s *mySuite) TestOne()    {}
func (s *mySuite) TestTwo()    {}
func (s *mySuite) helper()     {}
`
	if err := os.WriteFile(filepath.Join(dir, "x_e2e_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tops, methods, err := e2eTests(dir)
	if err != nil || !slices.Equal(tops, []string{"TestPlain", "TestSuite"}) || !slices.Equal(methods["TestSuite"], []string{"TestOne", "TestTwo"}) {
		t.Fatalf("e2eTests: %v %v %v", tops, methods, err)
	}
	e := func(test string, run bool) entry { return entry{pkg: ".", test: test, run: run, reason: "x"} }
	if err := checkCoverage(dir, ".", []entry{e("TestPlain", true), e("TestSuite/TestOne", true), e("TestSuite/TestTwo", false)}); err != nil {
		t.Fatal(err)
	}
	if err := checkCoverage(dir, ".", []entry{e("TestPlain", true), e("TestSuite", false)}); err != nil {
		t.Fatalf("a suite skipped whole: %v", err)
	}
	if err := checkCoverage(dir, ".", []entry{e("TestPlain", true), e("TestSuite/TestOne", true)}); err == nil || !strings.Contains(err.Error(), "TestSuite/TestTwo") {
		t.Fatalf("an unlisted test: %v", err)
	}
	if err := checkCoverage(dir, ".", []entry{e("TestPlain", true), e("TestSuite", false), e("TestGone", false)}); err == nil {
		t.Fatal("a line for a test that does not exist was accepted")
	}
}

func TestTestOutput(t *testing.T) {
	out := "=== RUN   TestA\nhello\n--- PASS: TestA (0.00s)\n=== RUN   TestB\nlevel=warn x\n--- PASS: TestB (0.01s)\n"
	if got := testOutput(out, "TestB"); !strings.HasPrefix(got, "=== RUN   TestB") || !strings.Contains(got, "level=warn") || strings.Contains(got, "hello") {
		t.Fatalf("testOutput: %q", got)
	}
	if got := parseResults(out); got["TestA"] != "PASS" || got["TestB"] != "PASS" {
		t.Fatalf("parseResults: %v", got)
	}
	if p := checkOutput(entry{}, testOutput(out, "TestB"), "consumer"); !strings.Contains(p, "level=warn") {
		t.Fatalf("a warning in a consumer test passed: %q", p)
	}
	if p := checkOutput(entry{}, testOutput(out, "TestB"), "."); p != "" {
		t.Fatalf("a warning in a root test failed it: %q", p)
	}
}
