package spl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Limits of the real-time consumption scenario (SLS "SPL overview and limits").
const (
	MaxQueryBytes = 10 * 1024 // script length
	MaxStages     = 16        // pipeline levels (instructions after '*')
)

// parser is a recursive-descent parser over the token slice. It stops at the
// first error by panicking with bailout; Parse recovers it. Token kinds are
// refined in place as their roles become known, for Check's highlighter.
type parser struct {
	q    string
	toks []token
	i    int // index of the current significant (non-comment) token
}

type bailout struct{ err *Error }

// Parse parses a consumption query into its AST without checking names,
// types or functions. Most callers want Compile or Check.
func Parse(query string) (*Query, error) {
	q, _, err := parse(query)
	if err != nil {
		return nil, err
	}
	return q, nil
}

func parse(query string) (q *Query, toks []token, err *Error) {
	toks, lexErr := lex(query)
	p := &parser{q: query, toks: toks}
	p.skipComments()
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			q, err = nil, b.err
			if lexErr != nil && lexErr.Offset <= b.err.Offset {
				// The parser tripped over the lexer's invalid token: the
				// lexer's message says what is really wrong.
				err = lexErr
			}
		}
	}()
	if len(query) > MaxQueryBytes {
		p.failAt(MaxQueryBytes, len(query), "SPL script too long: %d bytes exceeds the %d-byte (10 KB) limit of real-time consumption", len(query), MaxQueryBytes)
	}
	q = p.parseQuery()
	if lexErr != nil {
		return nil, toks, lexErr
	}
	return q, toks, nil
}

// --- token plumbing ---

func (p *parser) skipComments() {
	for p.toks[p.i].kind == TokComment {
		p.i++
	}
}

func (p *parser) peek() *token { return &p.toks[p.i] }

// peekN returns the n-th significant token after the current one.
func (p *parser) peekN(n int) *token {
	j := p.i
	for ; n > 0; n-- {
		if p.toks[j].kind == tokEOF {
			return &p.toks[j]
		}
		j++
		for p.toks[j].kind == TokComment {
			j++
		}
	}
	return &p.toks[j]
}

func (p *parser) next() *token {
	t := &p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
		p.skipComments()
	}
	return t
}

func (p *parser) isOp(val string) bool {
	t := p.peek()
	return (t.kind == TokOperator || t.kind == TokPunct || t.kind == TokPipe) && t.val == val
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == TokKeyword && strings.EqualFold(t.val, kw)
}

// isWord reports whether the current token is the bare word w (any case).
func (p *parser) isWord(w string) bool {
	t := p.peek()
	return (t.kind == TokIdent || t.kind == TokKeyword) && !t.quoted && strings.EqualFold(t.val, w)
}

func (p *parser) acceptOp(val string) bool {
	if p.isOp(val) {
		p.next()
		return true
	}
	return false
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.isKeyword(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectOp(val, context string) *token {
	if !p.isOp(val) {
		p.failf("expected '%s' %s, found %s", val, context, p.describe(p.peek()))
	}
	return p.next()
}

func (p *parser) expectKeyword(kw, context string) *token {
	if !p.isKeyword(kw) {
		p.failf("expected '%s' %s, found %s", kw, context, p.describe(p.peek()))
	}
	return p.next()
}

// describe names a token for an error message.
func (p *parser) describe(t *token) string {
	switch t.kind {
	case tokEOF:
		return "end of query"
	case TokString:
		return "string " + quoteForMsg(p.q[t.start:t.end])
	case TokKeyword:
		return "keyword '" + strings.ToLower(t.val) + "'"
	}
	return quoteForMsg(p.q[t.start:t.end])
}

func quoteForMsg(s string) string {
	const max = 40
	if len(s) > max {
		s = s[:max] + "..."
	}
	if strings.HasPrefix(s, "'") {
		return s
	}
	return "'" + s + "'"
}

func (p *parser) failf(format string, args ...any) {
	t := p.peek()
	p.failAt(t.start, t.end, format, args...)
}

func (p *parser) failAt(start, end int, format string, args ...any) {
	panic(bailout{errorf(p.q, start, end, format, args...)})
}

// atStageEnd reports whether the current token ends an instruction.
func (p *parser) atStageEnd() bool {
	t := p.peek()
	return t.kind == tokEOF || t.kind == TokPipe || (t.kind == TokPunct && t.val == ";")
}

// --- statement ---

func (p *parser) parseQuery() *Query {
	t := p.peek()
	switch {
	case t.kind == tokEOF:
		p.failf("empty query: expected '*'")
	case t.kind == TokOperator && t.val == "*":
		t.kind = TokSource
		p.next()
	case t.kind == TokPunct && t.val == "." && p.adjacentWord(p.i, "let"):
		t.kind = TokSource
		p.toks[p.i+1].kind = TokSource
		p.failAt(t.start, p.toks[p.i+1].end, "instruction '.let' is not supported in real-time consumption: named datasets are unavailable in PullLogs queries")
	case t.kind == TokPunct && t.val == "$":
		t.kind = TokSource
		p.failf("dataset reference '$' is not supported in real-time consumption: the query must start with '*'")
	default:
		if t.kind == TokIdent && instructionSet[strings.ToLower(t.val)] {
			p.failf("expected '*' at the start of the query, found %s (write '* | %s ...')", p.describe(t), strings.ToLower(t.val))
		}
		p.failf("expected '*' at the start of the query, found %s: real-time consumption accepts no search statement, only '*'", p.describe(t))
	}
	q := &Query{Span: Span{t.start, t.end}}
	for {
		t := p.peek()
		switch {
		case t.kind == tokEOF:
			q.End = t.start
			return q
		case t.kind == TokPipe:
			p.next()
			if len(q.Stages) == MaxStages {
				p.failAt(t.start, t.end, "too many pipeline levels: at most %d instructions are allowed in real-time consumption", MaxStages)
			}
			q.Stages = append(q.Stages, p.parseStage(t))
		case t.kind == TokPunct && t.val == ";":
			p.next()
			if p.peek().kind != tokEOF {
				p.failf("only one statement is allowed in real-time consumption, found %s after ';'", p.describe(p.peek()))
			}
		default:
			if len(q.Stages) == 0 {
				p.failf("expected '|' after '*', found %s", p.describe(t))
			}
			p.failf("expected '|' or end of query after %s instruction, found %s", q.Stages[len(q.Stages)-1].Name(), p.describe(t))
		}
	}
}

// adjacentWord reports whether toks[i+1] is the bare word w written right
// after toks[i] with no space.
func (p *parser) adjacentWord(i int, w string) bool {
	n := &p.toks[i+1]
	return n.start == p.toks[i].end && (n.kind == TokIdent || n.kind == TokKeyword) && !n.quoted && strings.EqualFold(n.val, w)
}

// Instructions of the consumption scenario, and those SLS knows but refuses there.
var (
	instructionList = []string{"where", "extend", "project", "project-away", "project-rename",
		"parse-regexp", "parse-csv", "parse-json", "parse-kv", "expand-values", "pack-fields"}
	instructionSet = func() map[string]bool {
		m := map[string]bool{}
		for _, n := range instructionList {
			m[n] = true
		}
		return m
	}()
	refusedInstructions = map[string]string{
		"stats":            "it is available only in Logstore queries",
		"sort":             "it is available only in Logstore queries",
		"limit":            "it is available only in Logstore queries",
		"log-to-metric":    "it is available only in data transformation",
		"metric-to-metric": "it is available only in data transformation",
		"make-series":      "it is available only in Logstore queries",
		"unnest":           "it is available only in Logstore queries",
		"join":             "it is available only in Logstore queries",
		"lookup":           "it is available only in Logstore queries",
		"http-call":        "it is unavailable in consumption",
		"render":           "it is available only in Logstore queries",
		"sample":           "it is available only in Logstore queries",
	}
)

// parseStage parses one instruction after the pipe token.
func (p *parser) parseStage(pipe *token) Stage {
	t := p.peek()
	if t.kind != TokIdent || t.quoted {
		if p.atStageEnd() {
			p.failf("expected an instruction after '|', found %s", p.describe(t))
		}
		p.failf("expected an instruction after '|', found %s; expected one of %s", p.describe(t), strings.Join(instructionList, ", "))
	}
	// Hyphenated names (project-away, parse-kv) arrive as word '-' word with no spaces.
	first := p.i
	name := strings.ToLower(t.val)
	end := t.end
	p.next()
	for p.isOp("-") && p.peek().start == end && p.toks[p.i+1].start == p.peek().end &&
		(p.toks[p.i+1].kind == TokIdent || p.toks[p.i+1].kind == TokKeyword) {
		p.next()
		w := p.next()
		name += "-" + strings.ToLower(w.val)
		end = w.end
	}
	for j := first; j < p.i; j++ {
		if p.toks[j].kind != TokComment {
			p.toks[j].kind = TokInstruction
		}
	}
	start := p.toks[first].start
	if why, ok := refusedInstructions[name]; ok {
		p.failAt(start, end, "instruction '%s' is not supported in real-time consumption: %s", name, why)
	}
	if !instructionSet[name] {
		if strings.HasPrefix(name, "series-") {
			p.failAt(start, end, "instruction '%s' is not supported in real-time consumption: it is available only in Logstore queries", name)
		}
		if strings.HasPrefix(name, "e_") {
			p.failAt(start, end, "unknown instruction '%s': e_* functions belong to the old data-transformation DSL, not SPL; expected one of %s", name, strings.Join(instructionList, ", "))
		}
		p.failAt(start, end, "unknown instruction '%s', expected one of %s", name, strings.Join(instructionList, ", "))
	}
	sp := Span{start, end}
	var st Stage
	switch name {
	case "where":
		st = p.parseWhere(sp)
	case "extend":
		st = p.parseExtend(sp)
	case "project":
		st = p.parseProject(sp)
	case "project-away":
		st = p.parseProjectAway(sp)
	case "project-rename":
		st = p.parseProjectRename(sp)
	case "parse-regexp":
		st = p.parseParseRegexp(sp)
	case "parse-csv":
		st = p.parseParseCSV(sp)
	case "parse-json":
		st = p.parseParseJSON(sp)
	case "parse-kv":
		st = p.parseParseKV(sp)
	case "expand-values":
		st = p.parseExpandValues(sp)
	case "pack-fields":
		st = p.parsePackFields(sp)
	}
	if !p.atStageEnd() {
		p.failf("expected '|' or end of query after %s instruction, found %s", name, p.describe(p.peek()))
	}
	return st
}

// --- options ---

type optKind uint8

const (
	optSwitch optKind = iota
	optString
	optChar // one character (or a few for -delim), escapes allowed
	optInt
)

type optSpec map[string]optKind

func (s optSpec) names() string {
	var ns []string
	for n := range s {
		ns = append(ns, "-"+n)
	}
	sort.Strings(ns)
	return strings.Join(ns, ", ")
}

// parseOptions reads "-name[=value]" options, which come before positional
// arguments in any order.
func (p *parser) parseOptions(instr string, spec optSpec) map[string]*Option {
	opts := map[string]*Option{}
	for p.isOp("-") {
		dash, dashIdx := p.peek(), p.i
		nt := &p.toks[p.i+1]
		if nt.start != dash.end || (nt.kind != TokIdent && nt.kind != TokKeyword) || nt.quoted {
			break
		}
		p.next()
		name := strings.ToLower(p.next().val)
		end := nt.end
		for p.isOp("-") && p.peek().start == end && p.toks[p.i+1].start == p.peek().end && p.toks[p.i+1].kind == TokIdent {
			p.next()
			w := p.next()
			name += "-" + strings.ToLower(w.val)
			end = w.end
		}
		for j := dashIdx; j < p.i; j++ {
			if p.toks[j].kind != TokComment {
				p.toks[j].kind = TokOption
			}
		}
		o := &Option{Span: Span{dash.start, end}, Name: name}
		kind, ok := spec[name]
		if !ok {
			if len(spec) == 0 {
				p.failAt(dash.start, end, "unknown option '-%s': %s takes no options", name, instr)
			}
			p.failAt(dash.start, end, "unknown option '-%s' for %s, expected one of %s", name, instr, spec.names())
		}
		if _, dup := opts[name]; dup {
			p.failAt(dash.start, end, "option '-%s' given twice", name)
		}
		if p.isOp("=") {
			if kind == optSwitch {
				p.failf("option '-%s' is a switch and takes no value", name)
			}
			p.next()
			v := p.peek()
			switch {
			case v.kind == TokString && kind != optInt:
				o.Value = &Literal{Span: Span{v.start, v.end}, Kind: LitString, Text: v.val}
			case v.kind == TokIdent && v.quoted && kind == optString:
				// Some SLS articles write String options in double quotes.
				o.Value = &Literal{Span: Span{v.start, v.end}, Kind: LitString, Text: v.val}
				v.kind = TokString
			case v.kind == TokNumber && kind == optInt:
				o.Value = &Literal{Span: Span{v.start, v.end}, Kind: LitInt, Text: v.val}
			default:
				if kind == optInt {
					p.failf("option '-%s' needs an integer value, found %s", name, p.describe(v))
				}
				p.failf("option '-%s' needs a value in single quotes, found %s", name, p.describe(v))
			}
			p.next()
			o.End = v.end
		} else if kind != optSwitch {
			p.failAt(dash.start, end, "option '-%s' needs a value: -%s='...'", name, name)
		}
		opts[name] = o
	}
	return opts
}

// decodeChar interprets SLS's escapes in Char parameters: \t \n \r \\ \'
// \ooo (octal) \xhh (hex). A backslash that starts no escape is literal.
func decodeChar(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		n := s[i+1]
		switch {
		case n == 't':
			b.WriteByte('\t')
			i++
		case n == 'n':
			b.WriteByte('\n')
			i++
		case n == 'r':
			b.WriteByte('\r')
			i++
		case n == '\\':
			b.WriteByte('\\')
			i++
		case n == '\'':
			b.WriteByte('\'')
			i++
		case n == 'x' && i+3 < len(s) && isHex(s[i+2]) && isHex(s[i+3]):
			v, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
			b.WriteByte(byte(v))
			i += 3
		case '0' <= n && n <= '7':
			j := i + 1
			for j < len(s) && j < i+4 && '0' <= s[j] && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i+1:j], 8, 16)
			if v > 255 {
				b.WriteByte(c)
				continue
			}
			b.WriteByte(byte(v))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool { return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

func optValue(opts map[string]*Option, name, def string) string {
	if o := opts[name]; o != nil && o.Value != nil {
		return o.Value.Text
	}
	return def
}

// --- fields ---

func (p *parser) parseField(context string) FieldName {
	t := p.peek()
	switch {
	case t.kind == TokIdent:
		p.next()
		return FieldName{Span: Span{t.start, t.end}, Name: t.val, Quoted: t.quoted}
	case t.kind == TokKeyword:
		p.failf("expected a field name %s, found keyword '%s' (quote it as \"%s\" to use it as a field name)", context, strings.ToLower(t.val), t.val)
	case t.kind == TokString:
		p.failf("expected a field name %s, found string %s (field names take double quotes)", context, p.describe(t))
	}
	p.failf("expected a field name %s, found %s", context, p.describe(t))
	return FieldName{}
}

func (p *parser) parsePattern(context string) FieldPattern {
	return FieldPattern{p.parseField(context)}
}

func (p *parser) expectString(what string) *Literal {
	t := p.peek()
	if t.kind != TokString {
		p.failf("expected %s in single quotes, found %s", what, p.describe(t))
	}
	p.next()
	return &Literal{Span: Span{t.start, t.end}, Kind: LitString, Text: t.val}
}

// --- instructions ---

func (p *parser) parseWhere(sp Span) Stage {
	if p.atStageEnd() {
		p.failf("expected an expression after 'where', found %s", p.describe(p.peek()))
	}
	e := p.parseExpr()
	return &WhereStage{Span: Span{sp.Start, e.span().End}, Cond: e}
}

func (p *parser) parseExtend(sp Span) Stage {
	st := &ExtendStage{Span: sp}
	for {
		to := p.parseField("to assign in extend (extend <output>=<expression>)")
		p.expectOp("=", fmt.Sprintf("after output field %s in extend", quoteForMsg(to.Name)))
		if p.atStageEnd() || p.isOp(",") {
			p.failf("expected an expression after '=', found %s", p.describe(p.peek()))
		}
		e := p.parseExpr()
		st.Assigns = append(st.Assigns, Assign{Span: Span{to.Start, e.span().End}, To: to, Value: e})
		st.End = e.span().End
		if !p.acceptOp(",") {
			return st
		}
	}
}

func (p *parser) parseProject(sp Span) Stage {
	opts := p.parseOptions("project", optSpec{"wildcard": optSwitch})
	st := &ProjectStage{Span: sp, Wildcard: opts["wildcard"] != nil}
	if p.atStageEnd() {
		p.failf("expected a field after 'project', found %s", p.describe(p.peek()))
	}
	for {
		f := p.parseField("in project")
		if p.acceptOp("=") {
			from := p.parseField("to rename after '='")
			st.Renames = append(st.Renames, Rename{Span: Span{f.Start, from.End}, To: f, From: from})
			st.Order = append(st.Order, -len(st.Renames))
			st.End = from.End
		} else {
			st.Keeps = append(st.Keeps, FieldPattern{f})
			st.Order = append(st.Order, len(st.Keeps)-1)
			st.End = f.End
		}
		if !p.acceptOp(",") {
			return st
		}
	}
}

func (p *parser) parseProjectAway(sp Span) Stage {
	opts := p.parseOptions("project-away", optSpec{"wildcard": optSwitch})
	st := &ProjectAwayStage{Span: sp, Wildcard: opts["wildcard"] != nil}
	if p.atStageEnd() {
		p.failf("expected a field after 'project-away', found %s", p.describe(p.peek()))
	}
	for {
		f := p.parsePattern("in project-away")
		st.Fields = append(st.Fields, f)
		st.End = f.End
		if !p.acceptOp(",") {
			return st
		}
	}
}

func (p *parser) parseProjectRename(sp Span) Stage {
	p.parseOptions("project-rename", nil)
	st := &ProjectRenameStage{Span: sp}
	if p.atStageEnd() {
		p.failf("expected <output>=<field> after 'project-rename', found %s", p.describe(p.peek()))
	}
	for {
		to := p.parseField("in project-rename (project-rename <output>=<field>)")
		p.expectOp("=", fmt.Sprintf("after %s in project-rename (project-rename <output>=<field>)", quoteForMsg(to.Name)))
		from := p.parseField("to rename after '='")
		st.Renames = append(st.Renames, Rename{Span: Span{to.Start, from.End}, To: to, From: from})
		st.End = from.End
		if !p.acceptOp(",") {
			return st
		}
	}
}

func (p *parser) parseOutputs(instr string) []FieldName {
	var outs []FieldName
	for {
		outs = append(outs, p.parseField("after 'as' in "+instr))
		if !p.acceptOp(",") {
			return outs
		}
	}
}

func (p *parser) parseParseRegexp(sp Span) Stage {
	p.parseOptions("parse-regexp", nil)
	f := p.parseField("after 'parse-regexp' (parse-regexp <field>, '<regexp>' as <output>, ...)")
	p.expectOp(",", "after the field of parse-regexp (parse-regexp <field>, '<regexp>' ...)")
	pat := p.expectString("a regular expression")
	p.toks[p.i-1].kind = TokRegexp
	st := &ParseRegexpStage{Span: Span{sp.Start, pat.End}, Field: f, Pattern: pat}
	if p.acceptKeyword("as") {
		st.Outputs = p.parseOutputs("parse-regexp")
		st.End = st.Outputs[len(st.Outputs)-1].End
	}
	return st
}

func (p *parser) parseParseCSV(sp Span) Stage {
	opts := p.parseOptions("parse-csv", optSpec{"delim": optChar, "quote": optChar, "strict": optSwitch})
	st := &ParseCSVStage{Span: sp, Strict: opts["strict"] != nil}
	st.Delim = decodeChar(optValue(opts, "delim", ","))
	if o := opts["delim"]; o != nil {
		if n := len([]rune(st.Delim)); n < 1 || n > 3 {
			p.failAt(o.Value.Start, o.Value.End, "-delim must be 1 to 3 characters, got %d", n)
		}
	}
	if o := opts["quote"]; o != nil {
		st.Quote = decodeChar(o.Value.Text)
		if len([]rune(st.Quote)) != 1 {
			p.failAt(o.Value.Start, o.Value.End, "-quote must be exactly one character")
		}
		if len([]rune(st.Delim)) != 1 {
			p.failAt(o.Start, o.End, "-quote can only be used with a one-character -delim")
		}
		if st.Quote == st.Delim {
			p.failAt(o.Value.Start, o.Value.End, "-quote must differ from -delim")
		}
	}
	st.Field = p.parseField("after 'parse-csv' (parse-csv <field> as <output>, ...)")
	p.expectKeyword("as", "after the field of parse-csv (parse-csv <field> as <output>, ...)")
	st.Outputs = p.parseOutputs("parse-csv")
	st.End = st.Outputs[len(st.Outputs)-1].End
	return st
}

func (p *parser) parseParseJSON(sp Span) Stage {
	opts := p.parseOptions("parse-json", optSpec{"mode": optString, "path": optString, "prefix": optString})
	st := &ParseJSONStage{Span: sp, Mode: strings.ToLower(optValue(opts, "mode", "overwrite")),
		Path: optValue(opts, "path", ""), Prefix: optValue(opts, "prefix", "")}
	if o := opts["mode"]; o != nil && !validMode(st.Mode) {
		p.failAt(o.Value.Start, o.Value.End, "-mode must be 'overwrite' or 'preserve', got %s", quoteForMsg(o.Value.Text))
	}
	if o := opts["path"]; o != nil {
		if _, err := parseJSONPath(st.Path); err != nil {
			p.failAt(o.Value.Start, o.Value.End, "invalid -path: %v", err)
		}
	}
	st.Field = p.parseField("after 'parse-json'")
	st.End = st.Field.End
	return st
}

func validMode(m string) bool { return m == "overwrite" || m == "preserve" }

func (p *parser) parseParseKV(sp Span) Stage {
	opts := p.parseOptions("parse-kv", optSpec{"delims": optChar, "kv-sep": optChar, "prefix": optString,
		"mode": optString, "greedy": optSwitch, "regexp": optSwitch})
	st := &ParseKVStage{Span: sp,
		Delims: decodeChar(optValue(opts, "delims", "&")), KVSep: decodeChar(optValue(opts, "kv-sep", "=")),
		Prefix: optValue(opts, "prefix", ""), Mode: strings.ToLower(optValue(opts, "mode", "overwrite")),
		Greedy: opts["greedy"] != nil, Regexp: opts["regexp"] != nil}
	if o := opts["mode"]; o != nil && !validMode(st.Mode) {
		p.failAt(o.Value.Start, o.Value.End, "-mode must be 'overwrite' or 'preserve', got %s", quoteForMsg(o.Value.Text))
	}
	if o := opts["delims"]; o != nil && st.Delims == "" {
		p.failAt(o.Value.Start, o.Value.End, "-delims must not be empty")
	}
	if o := opts["kv-sep"]; o != nil && st.KVSep == "" {
		p.failAt(o.Value.Start, o.Value.End, "-kv-sep must not be empty")
	}
	if st.Regexp {
		for _, n := range []string{"delims", "kv-sep", "greedy"} {
			if o := opts[n]; o != nil {
				p.failAt(o.Start, o.End, "option '-%s' cannot be combined with -regexp", n)
			}
		}
	}
	st.Field = p.parseField("after 'parse-kv'")
	st.End = st.Field.End
	if st.Regexp {
		p.expectOp(",", "after the field of parse-kv -regexp (parse-kv -regexp <field>, '<regexp>')")
		st.Pattern = p.expectString("a regular expression with two groups (key and value)")
		p.toks[p.i-1].kind = TokRegexp
		st.End = st.Pattern.End
	}
	return st
}

func (p *parser) parseExpandValues(sp Span) Stage {
	opts := p.parseOptions("expand-values", optSpec{"path": optString, "keep": optSwitch, "limit": optInt})
	st := &ExpandValuesStage{Span: sp, Path: optValue(opts, "path", ""), Keep: opts["keep"] != nil}
	if o := opts["path"]; o != nil {
		if _, err := parseJSONPath(st.Path); err != nil {
			p.failAt(o.Value.Start, o.Value.End, "invalid -path: %v", err)
		}
	}
	if o := opts["limit"]; o != nil {
		n, err := strconv.ParseInt(o.Value.Text, 10, 64)
		if err != nil || n < 1 {
			p.failAt(o.Value.Start, o.Value.End, "-limit must be a positive integer")
		}
		st.Limit = n
	}
	st.Field = p.parseField("after 'expand-values'")
	st.End = st.Field.End
	if p.acceptKeyword("as") {
		out := p.parseField("after 'as' in expand-values")
		st.Output = &out
		st.End = out.End
	}
	return st
}

func (p *parser) parsePackFields(sp Span) Stage {
	opts := p.parseOptions("pack-fields", optSpec{"keep": optSwitch, "ltrim": optString, "include": optString, "exclude": optString})
	st := &PackFieldsStage{Span: sp, Keep: opts["keep"] != nil, Ltrim: optValue(opts, "ltrim", ""),
		Include: optValue(opts, "include", ".*"), Exclude: optValue(opts, "exclude", "")}
	if o := opts["include"]; o != nil {
		st.IncludeSpan = o.Value.Span
	}
	if o := opts["exclude"]; o != nil {
		st.ExcludeSpan = o.Value.Span
	}
	p.expectKeyword("as", "in pack-fields (pack-fields [options] as <output>)")
	st.Output = p.parseField("after 'as' in pack-fields")
	st.End = st.Output.End
	return st
}
