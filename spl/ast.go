package spl

// The AST keeps byte offsets on every node so that the checker and the
// evaluator can point at the exact text that is wrong.

// Span is a byte range [Start, End) of the query.
type Span struct{ Start, End int }

func (s Span) span() Span { return s }

// Node is any AST node.
type Node interface{ span() Span }

// Query is a parsed consumption statement: "*" followed by stages.
type Query struct {
	Span
	Stages []Stage
}

// Stage is one instruction of the pipeline.
type Stage interface {
	Node
	Name() string // instruction name in lower case, e.g. "project-away"
}

// FieldName is a field written in the query.
type FieldName struct {
	Span
	Name   string
	Quoted bool
}

// FieldPattern is a field name that may contain '*' wildcards (with -wildcard).
type FieldPattern struct {
	FieldName
}

// Rename is "<output>=<field>".
type Rename struct {
	Span
	To, From FieldName
}

// Assign is "<output>=<expression>" in extend.
type Assign struct {
	Span
	To    FieldName
	Value Expr
}

// Option is "-name" or "-name=<value>".
type Option struct {
	Span
	Name  string // without the dash, lower case
	Value *Literal
}

type (
	WhereStage struct {
		Span
		Cond Expr
	}
	ExtendStage struct {
		Span
		Assigns []Assign
	}
	ProjectStage struct {
		Span
		Wildcard bool
		Keeps    []FieldPattern
		Renames  []Rename
		Order    []int // item order: i >= 0 is Keeps[i], i < 0 is Renames[-i-1]
	}
	ProjectAwayStage struct {
		Span
		Wildcard bool
		Fields   []FieldPattern
	}
	ProjectRenameStage struct {
		Span
		Renames []Rename
	}
	ParseRegexpStage struct {
		Span
		Field   FieldName
		Pattern *Literal
		Outputs []FieldName
	}
	ParseCSVStage struct {
		Span
		Delim, Quote string
		Strict       bool
		Field        FieldName
		Outputs      []FieldName
	}
	ParseJSONStage struct {
		Span
		Mode, Path, Prefix string
		Field              FieldName
	}
	ParseKVStage struct {
		Span
		Delims, KVSep, Prefix, Mode string
		Greedy, Regexp              bool
		Field                       FieldName
		Pattern                     *Literal // with -regexp
	}
	ExpandValuesStage struct {
		Span
		Path   string
		Keep   bool
		Limit  int64
		Field  FieldName
		Output *FieldName // "as <output>"; nil means the field itself
	}
	PackFieldsStage struct {
		Span
		Keep                     bool
		Ltrim, Include, Exclude  string
		IncludeSpan, ExcludeSpan Span
		Output                   FieldName
	}
)

func (*WhereStage) Name() string         { return "where" }
func (*ExtendStage) Name() string        { return "extend" }
func (*ProjectStage) Name() string       { return "project" }
func (*ProjectAwayStage) Name() string   { return "project-away" }
func (*ProjectRenameStage) Name() string { return "project-rename" }
func (*ParseRegexpStage) Name() string   { return "parse-regexp" }
func (*ParseCSVStage) Name() string      { return "parse-csv" }
func (*ParseJSONStage) Name() string     { return "parse-json" }
func (*ParseKVStage) Name() string       { return "parse-kv" }
func (*ExpandValuesStage) Name() string  { return "expand-values" }
func (*PackFieldsStage) Name() string    { return "pack-fields" }

// Expr is a SQL expression.
type Expr interface{ Node }

type (
	// Literal is a string, number, boolean or null constant.
	Literal struct {
		Span
		Kind LitKind
		Text string // decoded string, or number text as written
	}
	// FieldRef reads a field of the current row.
	FieldRef struct {
		FieldName
	}
	Unary struct {
		Span
		Op string // "-", "+", "not"
		X  Expr
	}
	Binary struct {
		Span
		Op   string // lower case: "and", "or", "=", "<>", "<", "+", "||", ...
		OpAt int    // byte offset of the operator
		L, R Expr
	}
	Between struct {
		Span
		Not       bool
		X, Lo, Hi Expr
	}
	Like struct {
		Span
		Not             bool
		X, Pattern, Esc Expr // Esc may be nil
	}
	In struct {
		Span
		Not  bool
		X    Expr
		List []Expr
	}
	IsNull struct {
		Span
		Not bool
		X   Expr
	}
	Case struct {
		Span
		Operand Expr // nil for the searched form
		Whens   []When
		Else    Expr // may be nil
	}
	When struct {
		Cond, Then Expr
	}
	Cast struct {
		Span
		Try  bool
		X    Expr
		Type TypeName
	}
	Call struct {
		Span
		Name    string // lower case
		NameEnd int
		Args    []Expr
	}
	Subscript struct {
		Span
		X, Index Expr
	}
	ArrayLit struct {
		Span
		Elems []Expr
	}
)

// TypeName is a cast target as written: bigint, varchar(10), ...
type TypeName struct {
	Span
	Name string // lower case, without parameters
}

// LitKind is the kind of a Literal.
type LitKind uint8

const (
	LitNull LitKind = iota
	LitString
	LitInt
	LitDouble
	LitBool
)
