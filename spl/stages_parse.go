package spl

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Extraction instructions read a varchar field; a missing, NULL or
// non-varchar source, or text that does not parse, leaves the row as it is
// (SLS: "the row passes unchanged"). They never write the time fields.

func (cc *compiler) regexpLiteral(l *Literal) *regexp.Regexp {
	re, err := compilePattern(l.Text)
	if err != nil {
		cc.failf(l, "invalid regular expression: %v", reErr(err))
	}
	return re
}

func (cc *compiler) parseRegexp(st *ParseRegexpStage) func(execFn) execFn {
	re := cc.regexpLiteral(st.Pattern)
	groups := re.NumSubexp()
	var outs []string
	if len(st.Outputs) > 0 {
		if groups < len(st.Outputs) {
			cc.failf(st.Pattern, "parse-regexp: the pattern has %d capture group(s) but %d output field(s) are named", groups, len(st.Outputs))
		}
		for _, o := range st.Outputs {
			outs = append(outs, o.Name)
		}
	} else {
		for _, n := range re.SubexpNames()[1:] {
			outs = append(outs, n) // "" for unnamed groups: skipped
		}
		named := false
		for _, n := range outs {
			named = named || n != ""
		}
		if !named {
			cc.failf(st.Pattern, "parse-regexp needs output fields: name them with 'as <field>, ...' or use named groups (?P<name>...)")
		}
	}
	seen := map[string]bool{}
	for i, n := range outs {
		if n != "" && seen[n] {
			cc.failSpan(st.Span, "parse-regexp: output field '%s' named twice", n)
		}
		seen[n] = true
		if isTimeField(n) {
			outs[i] = "" // never written
		}
	}
	for _, n := range outs {
		if n != "" {
			cc.env[n] = TypeVarchar
		}
	}
	src := st.Field.Name
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			v := r.get(src)
			if v.t == TypeVarchar {
				if m := re.FindStringSubmatchIndex(v.s); m != nil {
					for i, name := range outs {
						if name == "" || m[2*i+2] < 0 {
							continue
						}
						r.set(name, strV(v.s[m[2*i+2]:m[2*i+3]]))
					}
				}
			}
			next(c, r)
		}
	}
}

func (cc *compiler) parseCSV(st *ParseCSVStage) func(execFn) execFn {
	outs := make([]string, len(st.Outputs))
	for i, o := range st.Outputs {
		outs[i] = o.Name
		if isTimeField(o.Name) {
			outs[i] = ""
		} else {
			cc.env[o.Name] = TypeVarchar
		}
	}
	src, delim, quote, strict := st.Field.Name, st.Delim, st.Quote, st.Strict
	if quote == "" && len(delim) == 1 && delim != `"` {
		quote = `"` // assumed default; SLS documents none
	}
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			v := r.get(src)
			if v.t == TypeVarchar {
				vals := splitCSV(v.s, delim, quote)
				if !strict || len(vals) == len(outs) {
					for i, name := range outs {
						if i >= len(vals) {
							break
						}
						if name != "" {
							r.set(name, strV(vals[i]))
						}
					}
				}
			}
			next(c, r)
		}
	}
}

// splitCSV splits one CSV record. A quote is special only at the start of a
// value; inside quotes the delimiter is literal and a doubled quote is one.
func splitCSV(s, delim, quote string) []string {
	if quote == "" || !strings.Contains(s, quote) {
		return strings.Split(s, delim)
	}
	q := quote[0]
	var vals []string
	for {
		if len(s) > 0 && s[0] == q {
			var b strings.Builder
			i := 1
			closed := false
			for i < len(s) {
				if s[i] == q {
					if i+1 < len(s) && s[i+1] == q {
						b.WriteByte(q)
						i += 2
						continue
					}
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				// Unbalanced quote: keep the text as written.
				vals = append(vals, s)
				return vals
			}
			// Text between the closing quote and the next delimiter is kept.
			rest := s[i:]
			j := strings.Index(rest, delim)
			if j < 0 {
				vals = append(vals, b.String()+rest)
				return vals
			}
			vals = append(vals, b.String()+rest[:j])
			s = rest[j+len(delim):]
			continue
		}
		j := strings.Index(s, delim)
		if j < 0 {
			return append(vals, s)
		}
		vals = append(vals, s[:j])
		s = s[j+len(delim):]
	}
}

func (cc *compiler) parseJSON(st *ParseJSONStage) func(execFn) execFn {
	var path []jsonPathStep
	if st.Path != "" {
		path, _ = parseJSONPath(st.Path) // validated by the parser
	}
	cc.dynamicWrite()
	src, prefix, preserve := st.Field.Name, st.Prefix, st.Mode == "preserve"
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			v := r.get(src)
			if v.t == TypeVarchar || v.t == TypeJSON {
				doc := v.s
				ok := true
				if path != nil {
					doc, ok = jsonExtract(doc, path)
				}
				if ok {
					expandObject(r, doc, prefix, preserve)
				}
			}
			next(c, r)
		}
	}
}

// expandObject writes the first-level members of a JSON object as fields.
// String values lose their quotes; other values keep their JSON text as
// written; null members are skipped.
func expandObject(r *row, doc, prefix string, preserve bool) {
	// Validate before writing anything, so bad JSON leaves the row unchanged.
	if !validJSON(doc) {
		return
	}
	_ = objectEach(doc, func(key, raw string) error {
		name := prefix + key
		if key == "" || isTimeField(name) || raw == "null" {
			return nil
		}
		if preserve && r.index(name) >= 0 {
			return nil
		}
		val := raw
		if raw[0] == '"' {
			val = jsonScalarText(raw)
		}
		r.set(name, strV(val))
		return nil
	})
}

func (cc *compiler) parseKV(st *ParseKVStage) func(execFn) execFn {
	var re *regexp.Regexp
	if st.Regexp {
		re = cc.regexpLiteral(st.Pattern)
		if re.NumSubexp() < 2 {
			cc.failf(st.Pattern, "parse-kv -regexp needs a pattern with two capture groups (key and value), got %d", re.NumSubexp())
		}
	}
	cc.dynamicWrite()
	src, prefix, preserve := st.Field.Name, st.Prefix, st.Mode == "preserve"
	delims, sep, greedy := st.Delims, st.KVSep, st.Greedy
	put := func(r *row, key, val string) {
		if key == "" {
			return
		}
		name := prefix + key
		if isTimeField(name) || (preserve && r.index(name) >= 0) {
			return
		}
		r.set(name, strV(val))
	}
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			v := r.get(src)
			if v.t == TypeVarchar {
				if re != nil {
					for _, m := range re.FindAllStringSubmatch(v.s, -1) {
						put(r, m[1], m[2])
					}
				} else {
					parseKVText(v.s, delims, sep, greedy, func(k, val string) { put(r, k, val) })
				}
			}
			next(c, r)
		}
	}
}

// parseKVText splits s into pairs at any of the delimiter characters, and
// each pair at the first kv separator. Pieces without a separator are
// skipped, or with greedy appended (with their delimiter) to the previous value.
func parseKVText(s, delims, sep string, greedy bool, put func(k, v string)) {
	var key, val string
	has := false
	d := ""
	for len(s) > 0 || d != "" {
		end := strings.IndexAny(s, delims)
		piece := s
		prev := d
		if end >= 0 {
			_, n := utf8.DecodeRuneInString(s[end:])
			piece, d, s = s[:end], s[end:end+n], s[end+n:]
		} else {
			s, d = "", ""
		}
		i := strings.Index(piece, sep)
		if i < 0 {
			if greedy && has {
				val += prev + piece
			}
			continue
		}
		if has {
			put(key, unquoteKV(val))
		}
		key, val, has = strings.TrimSpace(piece[:i]), piece[i+len(sep):], true
	}
	if has {
		put(key, unquoteKV(val))
	}
}

// unquoteKV strips the double quotes SLS removes from k="v".
func unquoteKV(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

func (cc *compiler) expandValues(st *ExpandValuesStage) func(execFn) execFn {
	var path []jsonPathStep
	if st.Path != "" {
		path, _ = parseJSONPath(st.Path)
	}
	src := st.Field.Name
	out := src
	if st.Output != nil {
		out = st.Output.Name
	}
	if isTimeField(out) {
		cc.failf(st.Field, "expand-values cannot write %s", out)
	}
	cc.env[out] = TypeVarchar
	keep, limit := st.Keep, st.Limit
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			v := r.get(src)
			doc := v.s
			ok := v.t == TypeVarchar || v.t == TypeJSON
			if ok && path != nil {
				doc, ok = jsonExtract(doc, path)
			}
			var items []string
			if ok {
				doc = strings.TrimSpace(doc)
				switch {
				case strings.HasPrefix(doc, "["):
					ok = arrayEach(doc, func(raw string) error {
						items = append(items, raw)
						return nil
					}) == nil
				case strings.HasPrefix(doc, "{"):
					ok = objectEach(doc, func(k, raw string) error {
						b := appendJSONString([]byte{'{'}, k)
						b = append(b, ':')
						b = append(b, compactJSON(raw)...)
						items = append(items, string(append(b, '}')))
						return nil
					}) == nil
				default:
					ok = false
				}
			}
			if !ok || len(items) == 0 {
				next(c, r) // nothing to expand: the row passes unchanged
				return
			}
			if limit > 0 && int64(len(items)) > limit {
				items = items[:limit]
			}
			for _, raw := range items {
				br := c.spareRow()
				br.copyFrom(r)
				val := raw
				if raw[0] == '"' {
					val = jsonScalarText(raw)
				}
				if raw == "null" {
					br.set(out, nullValue)
				} else {
					br.set(out, strV(val))
				}
				if out != src && !keep {
					if i := br.index(src); i >= 0 {
						br.removeAt(i)
					}
				}
				next(c, br)
				if c.err != nil {
					return
				}
			}
		}
	}
}

func (cc *compiler) packFields(st *PackFieldsStage) func(execFn) execFn {
	full := func(p string, sp Span) *regexp.Regexp {
		re, err := compilePattern("^(?:" + p + ")$")
		if err != nil {
			cc.failSpan(sp, "invalid regular expression: %v", reErr(err))
		}
		return re
	}
	include := full(st.Include, st.IncludeSpan)
	var exclude *regexp.Regexp
	if st.Exclude != "" {
		exclude = full(st.Exclude, st.ExcludeSpan)
	}
	out := st.Output.Name
	if isTimeField(out) {
		cc.failf(st.Output, "pack-fields cannot write %s", out)
	}
	keep, ltrim := st.Keep, st.Ltrim
	selected := func(f *rfield) bool {
		return f.val.t == TypeVarchar && !isTimeField(f.key) && include.MatchString(f.key) &&
			(exclude == nil || !exclude.MatchString(f.key))
	}
	for name := range cc.env {
		if !keep && include.MatchString(name) && (exclude == nil || !exclude.MatchString(name)) {
			delete(cc.env, name)
		}
	}
	cc.env[out] = TypeVarchar
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			b := append(c.scratch[:0], '{')
			n := 0
			for i := range r.fields {
				f := &r.fields[i]
				if !selected(f) {
					continue
				}
				if n > 0 {
					b = append(b, ", "...)
				}
				b = appendJSONString(b, strings.TrimPrefix(f.key, ltrim))
				b = append(b, ": "...)
				b = appendJSONString(b, f.val.s)
				n++
			}
			b = append(b, '}')
			c.scratch = b
			packed := string(b)
			if !keep {
				for i := 0; i < len(r.fields); {
					if selected(&r.fields[i]) {
						r.removeAt(i)
					} else {
						i++
					}
				}
			}
			r.set(out, strV(packed))
			next(c, r)
		}
	}
}
