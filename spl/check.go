package spl

// CheckResult is what an editor needs to validate and highlight a query.
type CheckResult struct {
	Err    *Error  // nil for a valid query
	Tokens []Token // the whole input as far as it lexes, comments included
	// Warnings point at constructs slstail accepts but the SLS service may
	// not (see the package README); only set for a valid query.
	Warnings []*Error
}

// Check parses and checks a query without data, for editors: Err is nil for a
// valid query; Tokens always covers the whole input (as far as it lexes) so a
// highlighter can colour it even when the query is invalid.
func Check(query string) CheckResult {
	return CheckWith(query, Options{})
}

// CheckWith is Check with compile options.
func CheckWith(query string, opts Options) CheckResult {
	prog, toks, err := compile(query, opts)
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		if t.kind == tokEOF {
			continue
		}
		out = append(out, Token{Kind: t.kind, Start: t.start, End: t.end})
	}
	res := CheckResult{Err: err, Tokens: out}
	if err == nil {
		res.Warnings = warnings(query, prog.ast, toks)
	}
	return res
}

// warnings flags what the SLS documentation leaves unconfirmed for
// real-time consumption.
func warnings(q string, ast *Query, toks []token) []*Error {
	var ws []*Error
	warn := func(sp Span, format string, args ...any) {
		ws = append(ws, errorf(q, sp.Start, sp.End, format, args...))
	}
	for _, t := range toks {
		if t.kind == TokIdent && !t.quoted && len(t.val) > 8 && t.val[:8] == "__tag__:" {
			warn(Span{t.start, t.end}, "quote this field name: \"%s\" (SLS documents only the quoted form)", t.val)
		}
	}
	for _, st := range ast.Stages {
		sp := st.span()
		switch st.(type) {
		case *ExpandValuesStage, *PackFieldsStage:
			warn(Span{sp.Start, sp.Start + len(st.Name())}, "SLS documents %s for data transformation; real-time consumption may refuse it", st.Name())
		}
		forEachExpr(st, func(e Expr) {
			if b, ok := e.(*Binary); ok && b.Op == "||" {
				warn(Span{b.OpAt, b.OpAt + 2}, "SLS does not document '||' in SPL; concat(a, b) is the documented form")
			}
		})
	}
	return ws
}

// forEachExpr calls fn for every expression node of a stage.
func forEachExpr(st Stage, fn func(Expr)) {
	var walk func(e Expr)
	walk = func(e Expr) {
		if e == nil {
			return
		}
		fn(e)
		switch e := e.(type) {
		case *Unary:
			walk(e.X)
		case *Binary:
			walk(e.L)
			walk(e.R)
		case *Between:
			walk(e.X)
			walk(e.Lo)
			walk(e.Hi)
		case *Like:
			walk(e.X)
			walk(e.Pattern)
			walk(e.Esc)
		case *In:
			walk(e.X)
			for _, x := range e.List {
				walk(x)
			}
		case *IsNull:
			walk(e.X)
		case *Case:
			walk(e.Operand)
			for _, w := range e.Whens {
				walk(w.Cond)
				walk(w.Then)
			}
			walk(e.Else)
		case *Cast:
			walk(e.X)
		case *Call:
			for _, x := range e.Args {
				walk(x)
			}
		case *Subscript:
			walk(e.X)
			walk(e.Index)
		case *ArrayLit:
			for _, x := range e.Elems {
				walk(x)
			}
		}
	}
	switch st := st.(type) {
	case *WhereStage:
		walk(st.Cond)
	case *ExtendStage:
		for _, a := range st.Assigns {
			walk(a.Value)
		}
	}
}
