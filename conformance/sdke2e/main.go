// Command sdke2e runs the Go SDK's own e2e tests (build tag e2e) against
// `slstail serve`, as the conformance suite of slsd: the tests the
// allow-list (../sdk-e2e.txt) says to run must pass, and every e2e test of
// the SDK must be listed, with a reason when it is left out.
//
// It copies the SDK module from the module cache (which is read-only) to a
// temporary directory, shortens the sleeps that wait for real SLS to settle
// (the patches below; no assertion is touched), starts `slstail serve`
// with a generator, and runs each package's test binary with LOG_TEST_* set
// and HTTP_PROXY pointing at slsd, which is how an unmodified SDK reaches a
// server at 127.0.0.1.
//
//	go run ./conformance/sdke2e [-slstail path] [-list ../sdk-e2e.txt] [-v]
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

const sdkModule = "github.com/aliyun/aliyun-log-go-sdk"

// patch is an edit of the copied SDK's test files. Each one must match
// exactly count times, so that a new SDK version that changes the tests
// stops the run instead of being edited blindly.
type patch struct {
	file, old, new string
	count          int
	why            string
}

var patches = []patch{
	{"logstore_e2e_test.go", "time.Sleep(10 * time.Second)", "time.Sleep(100 * time.Millisecond)", 3,
		"waits for real SLS to create the project and logstores; slsd creates them at once"},
	{"logstore_e2e_test.go", "time.Sleep(60 * time.Second)", "time.Sleep(100 * time.Millisecond)", 2,
		"waits for real SLS to open the logstore and build an index"},
	{"logstore_e2e_test.go", "time.Sleep(5 * time.Second)", "time.Sleep(100 * time.Millisecond)", 3,
		"waits for real SLS to delete a logstore and index logs"},
	{"project_e2e_test.go", "time.Sleep(10 * time.Second)", "time.Sleep(100 * time.Millisecond)", 1,
		"waits for real SLS to create the projects"},
	{"client_store_e2e_test.go", "time.Sleep(60 * time.Second)", "time.Sleep(100 * time.Millisecond)", 2,
		"waits for real SLS to finish a split"},
	{"token_auto_update_client_e2e_test.go", "time.Sleep(5 * time.Second)", "time.Sleep(100 * time.Millisecond)", 1,
		"waits for real SLS to create the project"},
	{"consumer/worker_e2e_test.go", "time.Sleep(time.Second * 2000)", "time.Sleep(time.Second * 5)", 3,
		"how long the consumer runs before it is stopped: 33 minutes, for a human watching"},
	{"consumer/worker_e2e_test.go", "time.Sleep(time.Second * 20)", "time.Sleep(time.Second * 5)", 1,
		"how long the consumer runs before it is stopped"},
	// Upstream leaves the options empty for the tester to fill in.
	{"consumer/consumer_client_e2e_test.go", "import (\n\t\"fmt\"\n", "import (\n\t\"fmt\"\n\t\"os\"\n", 1,
		"the options below read the environment"},
	{"consumer/consumer_client_e2e_test.go", `		Endpoint:                  "",
		AccessKeyID:               "",
		AccessKeySecret:           "",
		Project:                   "",
		Logstore:                  "",
		ConsumerGroupName:         "",
		ConsumerName:              "",`, `		Endpoint:                  os.Getenv("LOG_TEST_ENDPOINT"),
		AccessKeyID:               os.Getenv("LOG_TEST_ACCESS_KEY_ID"),
		AccessKeySecret:           os.Getenv("LOG_TEST_ACCESS_KEY_SECRET"),
		Project:                   os.Getenv("LOG_TEST_PROJECT"),
		Logstore:                  os.Getenv("LOG_TEST_LOGSTORE"),
		ConsumerGroupName:         "e2e-consumer-client",
		ConsumerName:              "e2e-consumer-client-1",`, 1,
		"InitOption is left empty upstream, to be filled in by hand"},
}

// entry is one line of the allow-list.
type entry struct {
	pkg, test string
	run       bool
	reason    string         // why a test is skipped
	expect    *regexp.Regexp // run: the test's output must match
	reject    *regexp.Regexp // run: the test's output must not match
	allow     *regexp.Regexp // run: log lines at warn level that are the test's own doing
	line      int
}

func main() {
	slstail := flag.String("slstail", "", "slstail binary to serve with (default: build one)")
	list := flag.String("list", "", "allow-list (default: sdk-e2e.txt beside this command)")
	verbose := flag.Bool("v", false, "print every test's output")
	flag.Parse()
	if err := run(*slstail, *list, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "sdke2e:", err)
		os.Exit(1)
	}
}

func run(slstail, list string, verbose bool) error {
	root, err := goOutput("", "list", "-m", "-f", "{{.Dir}}", "github.com/slstail/slstail")
	if err != nil {
		return fmt.Errorf("find the slstail module (run from inside it): %w", err)
	}
	if list == "" {
		list = filepath.Join(root, "conformance", "sdk-e2e.txt")
	}
	entries, err := readList(list)
	if err != nil {
		return err
	}
	sdk, err := goOutput(root, "list", "-m", "-f", "{{.Dir}} {{.Version}}", sdkModule)
	if err != nil {
		return fmt.Errorf("find %s: %w", sdkModule, err)
	}
	sdkDir, version, _ := strings.Cut(sdk, " ")
	work, err := os.MkdirTemp("", "sdke2e-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	copyDir := filepath.Join(work, "sdk")
	if err := os.CopyFS(copyDir, os.DirFS(sdkDir)); err != nil {
		return fmt.Errorf("copy the SDK: %w", err)
	}
	if err := applyPatches(copyDir); err != nil {
		return err
	}
	fmt.Printf("SDK %s %s copied to %s, %d patches (sleeps and empty options; no assertion)\n", sdkModule, version, copyDir, len(patches))

	// Every e2e test of the SDK is listed, and nothing else is.
	byPkg := map[string][]entry{}
	for _, e := range entries {
		byPkg[e.pkg] = append(byPkg[e.pkg], e)
	}
	for _, pkg := range []string{".", "consumer", "producer"} {
		if err := checkCoverage(filepath.Join(copyDir, pkg), pkg, byPkg[pkg]); err != nil {
			return err
		}
	}
	for pkg := range byPkg {
		if pkg != "." && pkg != "consumer" && pkg != "producer" {
			return fmt.Errorf("%s: unknown package %q", list, pkg)
		}
	}

	if slstail == "" {
		slstail = filepath.Join(work, "slstail")
		fmt.Println("building slstail")
		if out, err := goCmd(root, "build", "-o", slstail, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("build slstail: %v\n%s", err, out)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, endpoint, err := startServe(ctx, slstail)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("slstail serve on %s\n", endpoint)

	env := testEnv(endpoint)
	var failed []string
	passed, skipped := 0, 0
	for _, pkg := range []string{".", "consumer", "producer"} {
		var runs []entry
		for _, e := range byPkg[pkg] {
			if e.run {
				runs = append(runs, e)
			} else {
				skipped++
			}
		}
		if len(runs) == 0 {
			continue
		}
		bin := filepath.Join(work, strings.ReplaceAll("pkg-"+pkg, ".", "root")+".test")
		fmt.Printf("compiling %s e2e tests\n", pkg)
		if out, err := goCmd(filepath.Join(copyDir, pkg), "test", "-c", "-tags", "e2e", "-o", bin, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("compile %s e2e tests: %v\n%s", pkg, err, out)
		}
		for _, group := range groupRuns(runs) {
			start := time.Now()
			out, _ := runTests(ctx, bin, filepath.Join(copyDir, pkg), env, group)
			results := parseResults(out)
			groupFailed := false
			for _, e := range group {
				verdict := results[e.test]
				problem := ""
				switch {
				case verdict == "":
					problem = "did not run"
				case verdict != "PASS":
					problem = verdict
				default:
					problem = checkOutput(e, testOutput(out, e.test), pkg)
				}
				if problem != "" {
					groupFailed = true
					failed = append(failed, fmt.Sprintf("%s %s: %s", pkg, e.test, problem))
					fmt.Printf("FAIL  %-10s %s (%s)\n", pkg, e.test, problem)
				} else {
					passed++
					fmt.Printf("ok    %-10s %s\n", pkg, e.test)
				}
			}
			if verbose || groupFailed {
				fmt.Printf("----- output of %s (%s) -----\n%s\n-----\n", groupName(group), time.Since(start).Round(time.Second), tail(out, 200))
			}
		}
	}
	fmt.Printf("\n%d passed, %d left out with a reason (see %s)\n", passed, skipped, list)
	if len(failed) > 0 {
		return fmt.Errorf("%d of the allowed SDK e2e tests failed against slsd:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	return nil
}

// readList parses the allow-list: "<package> <test> run [expect <re>] [; reject <re>] [; allow <re>]"
// or "<package> <test> skip <reason>"; # starts a comment.
func readList(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []entry
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			return nil, fmt.Errorf("%s:%d: want <package> <test> run|skip ...", path, n)
		}
		e := entry{pkg: fields[0], test: fields[1], line: n}
		rest := strings.TrimSpace(line[strings.Index(line, fields[2])+len(fields[2]):])
		switch fields[2] {
		case "run":
			e.run = true
			for _, opt := range strings.Split(rest, ";") {
				if opt = strings.TrimSpace(opt); opt == "" {
					continue
				}
				kind, re, _ := strings.Cut(opt, " ")
				rx, err := regexp.Compile(strings.TrimSpace(re))
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %v", path, n, err)
				}
				switch kind {
				case "expect":
					e.expect = rx
				case "reject":
					e.reject = rx
				case "allow":
					e.allow = rx
				default:
					return nil, fmt.Errorf("%s:%d: unknown option %q (want expect, reject or allow)", path, n, kind)
				}
			}
		case "skip":
			if rest == "" {
				return nil, fmt.Errorf("%s:%d: a skipped test needs a reason", path, n)
			}
			e.reason = rest
		default:
			return nil, fmt.Errorf("%s:%d: verdict %q, want run or skip", path, n, fields[2])
		}
		key := e.pkg + " " + e.test
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("%s:%d: %s listed again (first on line %d)", path, n, key, prev)
		}
		seen[key] = n
		out = append(out, e)
	}
	return out, sc.Err()
}

func applyPatches(dir string) error {
	for _, p := range patches {
		path := filepath.Join(dir, p.file)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := strings.Count(string(b), p.old); n != p.count {
			return fmt.Errorf("patch of %s (%s): %q found %d times, want %d: has the SDK changed?", p.file, p.why, p.old, n, p.count)
		}
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), p.old, p.new)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// e2eTests lists the e2e tests of a package directory: top-level Test
// functions of its *_e2e_test.go files, and for a testify suite
// (suite.Run(t, new(S))) each of S's Test methods as "TestTop/TestMethod".
func e2eTests(dir string) (tops []string, methods map[string][]string, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_e2e_test.go"))
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	suiteOf := map[string]string{} // suite type -> top-level test
	byType := map[string][]string{}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !strings.HasPrefix(fn.Name.Name, "Test") {
				continue
			}
			if fn.Recv == nil {
				tops = append(tops, fn.Name.Name)
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok && isSuiteRun(call) && len(call.Args) == 2 {
						if t := typeName(call.Args[1]); t != "" {
							suiteOf[t] = fn.Name.Name
						}
					}
					return true
				})
				continue
			}
			if t := typeName(fn.Recv.List[0].Type); t != "" {
				byType[t] = append(byType[t], fn.Name.Name)
			}
		}
	}
	methods = map[string][]string{}
	for t, top := range suiteOf {
		methods[top] = byType[t]
	}
	sort.Strings(tops)
	return tops, methods, nil
}

func isSuiteRun(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "suite" && sel.Sel.Name == "Run"
}

// typeName returns T of new(T), &T{}, *T or T.
func typeName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "new" && len(v.Args) == 1 {
			return typeName(v.Args[0])
		}
	case *ast.UnaryExpr:
		return typeName(v.X)
	case *ast.CompositeLit:
		return typeName(v.Type)
	case *ast.StarExpr:
		return typeName(v.X)
	case *ast.Ident:
		return v.Name
	}
	return ""
}

// checkCoverage requires every e2e test of pkg to be listed, or its suite
// skipped as a whole, and every listed test to exist.
func checkCoverage(dir, pkg string, listed []entry) error {
	tops, methods, err := e2eTests(dir)
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, top := range tops {
		exists[top] = true
		for _, m := range methods[top] {
			exists[top+"/"+m] = true
		}
	}
	have := map[string]entry{}
	for _, e := range listed {
		if !exists[e.test] {
			return fmt.Errorf("allow-list line %d: %s %s is not an e2e test of the SDK", e.line, pkg, e.test)
		}
		have[e.test] = e
	}
	var missing []string
	for _, top := range tops {
		if len(methods[top]) == 0 {
			if _, ok := have[top]; !ok {
				missing = append(missing, top)
			}
			continue
		}
		whole, ok := have[top]
		if ok && whole.run {
			return fmt.Errorf("allow-list line %d: %s is a suite: list its tests to run one by one", whole.line, top)
		}
		for _, m := range methods[top] {
			if _, listed := have[top+"/"+m]; !listed && !ok {
				missing = append(missing, top+"/"+m)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("e2e tests of %s in no allow-list line (run them or say why not): %s", pkg, strings.Join(missing, ", "))
	}
	return nil
}

type server struct {
	cmd  *exec.Cmd
	done chan error
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

const (
	keyID     = "LTAIconformance"
	keySecret = "conformance-secret-0123456789"
	project   = "conformance"
	logstore  = "e2e-logs"
)

// startServe runs `slstail serve` on a free port with a generator, and
// returns once it prints its endpoint.
func startServe(ctx context.Context, slstail string) (*server, string, error) {
	cmd := exec.CommandContext(ctx, slstail, "serve", "--addr", "127.0.0.1:0", "--project", project,
		"--logstore", logstore, "--generate", "50")
	cmd.Env = append(os.Environ(), "SLSD_ACCESS_KEY_ID="+keyID, "SLSD_ACCESS_KEY_SECRET="+keySecret)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start %s serve: %w", slstail, err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`slsd listening on (\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	select {
	case ep := <-found:
		return s, ep, nil
	case err := <-s.done:
		return nil, "", fmt.Errorf("slstail serve exited before it listened: %v", err)
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, "", errors.New("slstail serve printed no endpoint in 30 s")
	}
}

// testEnv is the environment of the test binaries: LOG_TEST_* for slsd,
// and HTTP_PROXY so that <project>.127.0.0.1:port reaches it.
func testEnv(endpoint string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY":
			continue
		}
		if strings.HasPrefix(name, "LOG_TEST_") || strings.HasPrefix(name, "LOG_STS_TEST_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HTTP_PROXY=http://"+endpoint,
		"LOG_TEST_ENDPOINT="+endpoint,
		"LOG_TEST_ACCESS_KEY_ID="+keyID,
		"LOG_TEST_ACCESS_KEY_SECRET="+keySecret,
		"LOG_TEST_PROJECT="+project,
		"LOG_TEST_LOGSTORE="+logstore,
		"LOG_TEST_REGION=cn-hangzhou",
	)
}

// groupRuns splits a package's tests into runs of one test binary: the
// top-level tests together, each suite's methods together.
func groupRuns(runs []entry) [][]entry {
	var plain []entry
	suites := map[string][]entry{}
	var order []string
	for _, e := range runs {
		top, _, isMethod := strings.Cut(e.test, "/")
		if !isMethod {
			plain = append(plain, e)
			continue
		}
		if suites[top] == nil {
			order = append(order, top)
		}
		suites[top] = append(suites[top], e)
	}
	var groups [][]entry
	if len(plain) > 0 {
		groups = append(groups, plain)
	}
	for _, top := range order {
		groups = append(groups, suites[top])
	}
	return groups
}

func groupName(group []entry) string {
	top, _, _ := strings.Cut(group[0].test, "/")
	if len(group) == 1 || !strings.Contains(group[0].test, "/") {
		names := make([]string, len(group))
		for i, e := range group {
			names[i] = e.test
		}
		return strings.Join(names, ", ")
	}
	return top
}

// runTests runs the tests of group with -test.v and returns the output.
func runTests(ctx context.Context, bin, dir string, env []string, group []entry) (string, error) {
	var pattern string
	top, _, isSuite := strings.Cut(group[0].test, "/")
	if isSuite {
		var ms []string
		for _, e := range group {
			_, m, _ := strings.Cut(e.test, "/")
			ms = append(ms, regexp.QuoteMeta(m))
		}
		pattern = "^" + regexp.QuoteMeta(top) + "$/^(" + strings.Join(ms, "|") + ")$"
	} else {
		var ts []string
		for _, e := range group {
			ts = append(ts, regexp.QuoteMeta(e.test))
		}
		pattern = "^(" + strings.Join(ts, "|") + ")$"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run", pattern, "-test.v", "-test.count", "1", "-test.timeout", "4m")
	cmd.Dir = dir // tests read files relative to their package
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

var resultRe = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+)`)

func parseResults(out string) map[string]string {
	res := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if m := resultRe.FindStringSubmatch(line); m != nil {
			res[m[2]] = m[1]
		}
	}
	return res
}

// testOutput returns what a test printed: from its "=== RUN" line to its
// result line.
func testOutput(out, test string) string {
	start := strings.Index(out, "=== RUN   "+test+"\n")
	if start < 0 {
		return ""
	}
	rest := out[start:]
	if end := regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): ` + regexp.QuoteMeta(test) + ` `).FindStringIndex(rest); end != nil {
		return rest[:end[1]]
	}
	return rest
}

// logProblem matches what the consumer library and the producer log when
// a call fails: these tests report errors only in their logs.
var logProblem = regexp.MustCompile(`(?m)^level=(warn|error)\b.*$`)

func checkOutput(e entry, out, pkg string) string {
	if pkg != "." {
		for _, m := range logProblem.FindAllString(out, -1) {
			if e.allow == nil || strings.HasPrefix(m, "level=error") || !e.allow.MatchString(m) {
				return "logged: " + m
			}
		}
	}
	if e.expect != nil && !e.expect.MatchString(out) {
		return fmt.Sprintf("output lacks %q", e.expect)
	}
	if e.reject != nil {
		if m := e.reject.FindString(out); m != "" {
			return fmt.Sprintf("output has %q", m)
		}
	}
	return ""
}

func tail(s string, lines int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > lines {
		ls = append([]string{fmt.Sprintf("[... %d lines]", len(ls)-lines)}, ls[len(ls)-lines:]...)
	}
	return strings.Join(ls, "\n")
}

func goCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	return cmd
}

func goOutput(dir string, args ...string) (string, error) {
	out, err := goCmd(dir, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, ee.Stderr)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
