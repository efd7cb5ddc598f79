package spl

import (
	"fmt"
	"strings"
)

// SQL expression grammar, lowest precedence first:
//
//	or > and > not > predicate (comparison, [not] between/like/in, is [not] null)
//	> additive (+ - ||) > multiplicative (* / %) > unary (- +) > postfix ([i]) > primary

// maxExprDepth bounds recursion so that a hostile query cannot blow the stack.
const maxExprDepth = 200

func (p *parser) parseExpr() Expr {
	return p.parseOr(0)
}

func (p *parser) enter(depth int) int {
	if depth > maxExprDepth {
		p.failf("expression nested too deeply (more than %d levels)", maxExprDepth)
	}
	return depth + 1
}

func (p *parser) parseOr(depth int) Expr {
	depth = p.enter(depth)
	l := p.parseAnd(depth)
	for p.isKeyword("or") {
		op := p.next()
		r := p.parseAnd(depth)
		l = &Binary{Span: Span{l.span().Start, r.span().End}, Op: "or", OpAt: op.start, L: l, R: r}
	}
	return l
}

func (p *parser) parseAnd(depth int) Expr {
	l := p.parseNot(depth)
	for p.isKeyword("and") {
		op := p.next()
		r := p.parseNot(depth)
		l = &Binary{Span: Span{l.span().Start, r.span().End}, Op: "and", OpAt: op.start, L: l, R: r}
	}
	return l
}

func (p *parser) parseNot(depth int) Expr {
	if p.isKeyword("not") {
		depth = p.enter(depth)
		t := p.next()
		x := p.parseNot(depth)
		return &Unary{Span: Span{t.start, x.span().End}, Op: "not", X: x}
	}
	return p.parsePredicate(depth)
}

var comparisonOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true}

func (p *parser) parsePredicate(depth int) Expr {
	l := p.parseAdditive(depth)
	for {
		t := p.peek()
		switch {
		case t.kind == TokOperator && comparisonOps[t.val]:
			p.next()
			r := p.parseAdditive(depth)
			op := t.val
			if op == "!=" {
				op = "<>"
			}
			l = &Binary{Span: Span{l.span().Start, r.span().End}, Op: op, OpAt: t.start, L: l, R: r}
		case p.isKeyword("is"):
			p.next()
			not := p.acceptKeyword("not")
			end := p.expectKeyword("null", "after 'is'").end
			l = &IsNull{Span: Span{l.span().Start, end}, Not: not, X: l}
		case p.isKeyword("not") || p.isKeyword("between") || p.isKeyword("like") || p.isKeyword("in"):
			not := false
			if p.isKeyword("not") {
				nt := p.peekN(1)
				if nt.kind != TokKeyword || !(strings.EqualFold(nt.val, "between") || strings.EqualFold(nt.val, "like") || strings.EqualFold(nt.val, "in")) {
					p.failAt(nt.start, nt.end, "expected 'between', 'like' or 'in' after 'not', found %s", p.describe(nt))
				}
				p.next()
				not = true
			}
			kw := strings.ToLower(p.next().val)
			switch kw {
			case "between":
				lo := p.parseAdditive(depth)
				p.expectKeyword("and", "in 'between ... and ...'")
				hi := p.parseAdditive(depth)
				l = &Between{Span: Span{l.span().Start, hi.span().End}, Not: not, X: l, Lo: lo, Hi: hi}
			case "like":
				pat := p.parseAdditive(depth)
				lk := &Like{Span: Span{l.span().Start, pat.span().End}, Not: not, X: l, Pattern: pat}
				if p.acceptKeyword("escape") {
					lk.Esc = p.parseAdditive(depth)
					lk.End = lk.Esc.span().End
				}
				l = lk
			case "in":
				p.expectOp("(", "after 'in'")
				in := &In{Not: not, X: l}
				for {
					in.List = append(in.List, p.parseOr(depth))
					if !p.acceptOp(",") {
						break
					}
				}
				end := p.expectOp(")", "to close the 'in' list").end
				in.Span = Span{l.span().Start, end}
				l = in
			}
		default:
			return l
		}
	}
}

func (p *parser) parseAdditive(depth int) Expr {
	depth = p.enter(depth)
	l := p.parseMultiplicative(depth)
	for p.isOp("+") || p.isOp("-") || p.isOp("||") {
		op := p.next()
		r := p.parseMultiplicative(depth)
		l = &Binary{Span: Span{l.span().Start, r.span().End}, Op: op.val, OpAt: op.start, L: l, R: r}
	}
	return l
}

func (p *parser) parseMultiplicative(depth int) Expr {
	l := p.parseUnary(depth)
	for p.isOp("*") || p.isOp("/") || p.isOp("%") {
		op := p.next()
		r := p.parseUnary(depth)
		l = &Binary{Span: Span{l.span().Start, r.span().End}, Op: op.val, OpAt: op.start, L: l, R: r}
	}
	return l
}

func (p *parser) parseUnary(depth int) Expr {
	if p.isOp("-") || p.isOp("+") {
		depth = p.enter(depth)
		t := p.next()
		x := p.parseUnary(depth)
		// Fold "-5" into a literal so that -9223372036854775808 is representable.
		if lit, ok := x.(*Literal); ok && t.val == "-" && (lit.Kind == LitInt || lit.Kind == LitDouble) && lit.Start == t.end {
			return &Literal{Span: Span{t.start, lit.End}, Kind: lit.Kind, Text: "-" + lit.Text}
		}
		return &Unary{Span: Span{t.start, x.span().End}, Op: t.val, X: x}
	}
	return p.parsePostfix(depth)
}

func (p *parser) parsePostfix(depth int) Expr {
	x := p.parsePrimary(depth)
	for p.isOp("[") {
		p.next()
		idx := p.parseOr(depth)
		end := p.expectOp("]", "to close the subscript").end
		x = &Subscript{Span: Span{x.span().Start, end}, X: x, Index: idx}
	}
	return x
}

func (p *parser) parsePrimary(depth int) Expr {
	t := p.peek()
	sp := Span{t.start, t.end}
	switch t.kind {
	case TokNumber:
		p.next()
		if strings.ContainsAny(t.val, ".eE") {
			return &Literal{Span: sp, Kind: LitDouble, Text: t.val}
		}
		return &Literal{Span: sp, Kind: LitInt, Text: t.val}
	case TokString:
		p.next()
		return &Literal{Span: sp, Kind: LitString, Text: t.val}
	case TokKeyword:
		switch strings.ToLower(t.val) {
		case "null":
			p.next()
			return &Literal{Span: sp, Kind: LitNull}
		case "true", "false":
			p.next()
			return &Literal{Span: sp, Kind: LitBool, Text: strings.ToLower(t.val)}
		case "case":
			return p.parseCase(depth)
		case "cast", "try_cast":
			return p.parseCast(depth)
		}
		p.failf("expected an expression, found %s", p.describe(t))
	case TokIdent:
		if !t.quoted && p.peekN(1).kind == TokPunct && p.peekN(1).val == "(" {
			return p.parseCall(depth)
		}
		if !t.quoted && strings.EqualFold(t.val, "array") && p.peekN(1).kind == TokPunct && p.peekN(1).val == "[" {
			t.kind = TokKeyword
			p.next()
			p.next()
			arr := &ArrayLit{}
			if !p.isOp("]") {
				for {
					arr.Elems = append(arr.Elems, p.parseOr(depth))
					if !p.acceptOp(",") {
						break
					}
				}
			}
			end := p.expectOp("]", "to close the array").end
			arr.Span = Span{t.start, end}
			return arr
		}
		p.next()
		return &FieldRef{FieldName{Span: sp, Name: t.val, Quoted: t.quoted}}
	case TokPunct:
		if t.val == "(" {
			p.next()
			e := p.parseOr(depth)
			p.expectOp(")", "to close '('")
			return e
		}
	case TokPipe:
		p.failf("expected an expression, found '|'")
	}
	p.failf("expected an expression, found %s", p.describe(t))
	return nil
}

func (p *parser) parseCall(depth int) Expr {
	nameTok := p.next()
	nameTok.kind = TokFunction
	name := strings.ToLower(nameTok.val)
	p.next() // (
	call := &Call{Name: name, NameEnd: nameTok.end}
	if !p.isOp(")") {
		for {
			if p.isOp("*") && name == "count" {
				p.failf("aggregate function count(*) is not available in SPL instructions of real-time consumption")
			}
			call.Args = append(call.Args, p.parseOr(depth))
			if !p.acceptOp(",") {
				break
			}
		}
	}
	end := p.expectOp(")", fmt.Sprintf("to close the arguments of %s()", name)).end
	call.Span = Span{nameTok.start, end}
	// Mark regular-expression arguments for the highlighter.
	if regexpArgFuncs[name] && len(call.Args) >= 2 {
		if lit, ok := call.Args[1].(*Literal); ok && lit.Kind == LitString {
			p.markKind(lit.Start, TokRegexp)
		}
	}
	return call
}

var regexpArgFuncs = map[string]bool{"regexp_like": true, "regexp_extract": true, "regexp_replace": true,
	"regexp_extract_all": true, "regexp_split": true}

func (p *parser) markKind(start int, k TokenKind) {
	for j := p.i - 1; j >= 0; j-- {
		if p.toks[j].start == start {
			p.toks[j].kind = k
			return
		}
		if p.toks[j].start < start {
			return
		}
	}
}

func (p *parser) parseCase(depth int) Expr {
	depth = p.enter(depth)
	t := p.next()
	c := &Case{}
	if !p.isKeyword("when") {
		c.Operand = p.parseOr(depth)
	}
	if !p.isKeyword("when") {
		p.failf("expected 'when' in case expression, found %s", p.describe(p.peek()))
	}
	for p.acceptKeyword("when") {
		cond := p.parseOr(depth)
		p.expectKeyword("then", "after the 'when' condition")
		then := p.parseOr(depth)
		c.Whens = append(c.Whens, When{Cond: cond, Then: then})
	}
	if p.acceptKeyword("else") {
		c.Else = p.parseOr(depth)
	}
	end := p.expectKeyword("end", "to close the case expression").end
	c.Span = Span{t.start, end}
	return c
}

// castTypes maps SQL type names to the evaluator's types.
var castTypes = map[string]Type{
	"bigint": TypeBigint, "integer": TypeBigint, "int": TypeBigint, "smallint": TypeBigint, "tinyint": TypeBigint,
	"double": TypeDouble, "real": TypeDouble, "decimal": TypeDouble,
	"varchar": TypeVarchar, "char": TypeVarchar,
	"boolean":   TypeBoolean,
	"timestamp": TypeTimestamp,
	"json":      TypeJSON, "varbinary": TypeVarbinary,
}

func castTypeNames() string {
	return "bigint, integer, smallint, tinyint, double, real, decimal, varchar, boolean, timestamp, json, varbinary"
}

func (p *parser) parseCast(depth int) Expr {
	depth = p.enter(depth)
	t := p.next()
	name := strings.ToLower(t.val)
	p.expectOp("(", "after "+name)
	x := p.parseOr(depth)
	p.expectKeyword("as", "in "+name+"(<expression> as <type>)")
	tt := p.peek()
	if tt.kind != TokIdent || tt.quoted {
		p.failf("expected a type name after 'as', found %s", p.describe(tt))
	}
	tt.kind = TokType
	typ := strings.ToLower(tt.val)
	p.next()
	if _, ok := castTypes[typ]; !ok {
		if typ == "array" || typ == "map" || typ == "date" || typ == "row" {
			p.failAt(tt.start, tt.end, "cast to %s is not supported by slstail's SPL engine", typ)
		}
		p.failAt(tt.start, tt.end, "unknown type '%s' in %s, expected one of %s", tt.val, name, castTypeNames())
	}
	tn := TypeName{Span: Span{tt.start, tt.end}, Name: typ}
	if p.isOp("(") { // varchar(10), decimal(10, 2)
		p.next()
		for {
			n := p.peek()
			if n.kind != TokNumber {
				p.failf("expected a number in the parameters of type %s, found %s", typ, p.describe(n))
			}
			p.next()
			if !p.acceptOp(",") {
				break
			}
		}
		tn.End = p.expectOp(")", "after the type parameters").end
	}
	end := p.expectOp(")", "after cast type").end
	return &Cast{Span: Span{t.start, end}, Try: name == "try_cast", X: x, Type: tn}
}
