package spl

// CheckResult is what an editor needs to validate and highlight a query.
type CheckResult struct {
	Err    *Error  // nil for a valid query
	Tokens []Token // the whole input as far as it lexes, comments included
}

// Check parses and checks a query without data, for editors: Err is nil for a
// valid query; Tokens always covers the whole input (as far as it lexes) so a
// highlighter can colour it even when the query is invalid.
func Check(query string) CheckResult {
	return CheckWith(query, Options{})
}

// CheckWith is Check with compile options.
func CheckWith(query string, opts Options) CheckResult {
	_, toks, err := compile(query, opts)
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		if t.kind == tokEOF {
			continue
		}
		out = append(out, Token{Kind: t.kind, Start: t.start, End: t.end})
	}
	return CheckResult{Err: err, Tokens: out}
}
