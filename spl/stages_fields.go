package spl

import "strings"

// namePattern matches field names: a literal name, or with -wildcard a
// pattern where '*' stands for any run of characters.
type namePattern struct {
	parts []string // literal pieces between '*'; len 1 means no wildcard
}

func newNamePattern(name string, wildcard bool) namePattern {
	if !wildcard {
		return namePattern{parts: []string{name}}
	}
	return namePattern{parts: strings.Split(name, "*")}
}

func (p namePattern) literal() bool { return len(p.parts) == 1 }

func (p namePattern) match(s string) bool {
	if len(p.parts) == 1 {
		return s == p.parts[0]
	}
	if !strings.HasPrefix(s, p.parts[0]) {
		return false
	}
	s = s[len(p.parts[0]):]
	last := p.parts[len(p.parts)-1]
	for _, mid := range p.parts[1 : len(p.parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}

func (cc *compiler) checkRenames(rs []Rename) {
	targets, sources := map[string]bool{}, map[string]bool{}
	for _, r := range rs {
		if isTimeField(r.From.Name) {
			cc.failf(r.From, "%s cannot be renamed", r.From.Name)
		}
		if isTimeField(r.To.Name) {
			cc.failf(r.To, "%s cannot be overwritten by a rename", r.To.Name)
		}
		if sources[r.From.Name] {
			cc.failf(r.From, "field '%s' renamed more than once", r.From.Name)
		}
		if targets[r.To.Name] {
			cc.failf(r.To, "field '%s' is the target of more than one rename", r.To.Name)
		}
		sources[r.From.Name], targets[r.To.Name] = true, true
	}
}

// swapFields installs out as the row's fields and recycles the old slice.
func (c *evalCtx) swapFields(r *row, out []rfield) {
	old := r.fields
	r.fields = out
	clear(old)
	c.tmp = old[:0]
	r.dirty = true
}

func (cc *compiler) project(st *ProjectStage) func(execFn) execFn {
	cc.checkRenames(st.Renames)
	keeps := make([]namePattern, len(st.Keeps))
	for i, k := range st.Keeps {
		keeps[i] = newNamePattern(k.Name, st.Wildcard)
	}
	moved := map[string]bool{}
	for _, r := range st.Renames {
		moved[r.From.Name] = true
	}
	// New static environment: kept fields keep their types.
	env := map[string]Type{}
	for name, t := range cc.env {
		for _, k := range keeps {
			if k.match(name) && !moved[name] {
				env[name] = t
			}
		}
	}
	for _, r := range st.Renames {
		env[r.To.Name] = cc.fieldType(r.From.Name)
	}
	cc.env = env
	renames := st.Renames
	order := st.Order
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			out := c.tmp[:0]
			// The time fields always stay.
			for _, f := range r.fields {
				if isTimeField(f.key) {
					out = append(out, f)
				}
			}
			for _, it := range order {
				if it >= 0 {
					k := keeps[it]
					for _, f := range r.fields {
						if k.match(f.key) && !isTimeField(f.key) && !moved[f.key] && fieldIndex(out, f.key) < 0 {
							out = append(out, f)
						}
					}
					continue
				}
				rn := renames[-it-1]
				if i := r.index(rn.From.Name); i >= 0 {
					f := rfield{key: rn.To.Name, val: r.fields[i].val}
					if j := fieldIndex(out, f.key); j >= 0 {
						out[j] = f
					} else {
						out = append(out, f)
					}
				}
			}
			c.swapFields(r, out)
			next(c, r)
		}
	}
}

func (cc *compiler) projectAway(st *ProjectAwayStage) func(execFn) execFn {
	pats := make([]namePattern, len(st.Fields))
	for i, f := range st.Fields {
		pats[i] = newNamePattern(f.Name, st.Wildcard)
		for name := range cc.env {
			if pats[i].match(name) && !isTimeField(name) {
				delete(cc.env, name)
			}
		}
	}
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			for i := 0; i < len(r.fields); {
				key := r.fields[i].key
				drop := false
				if !isTimeField(key) {
					for _, p := range pats {
						if p.match(key) {
							drop = true
							break
						}
					}
				}
				if drop {
					r.removeAt(i)
				} else {
					i++
				}
			}
			next(c, r)
		}
	}
}

func (cc *compiler) projectRename(st *ProjectRenameStage) func(execFn) execFn {
	cc.checkRenames(st.Renames)
	types := make([]Type, len(st.Renames))
	for i, rn := range st.Renames {
		types[i] = cc.fieldType(rn.From.Name)
	}
	for _, rn := range st.Renames {
		delete(cc.env, rn.From.Name)
	}
	for i, rn := range st.Renames {
		cc.env[rn.To.Name] = types[i]
	}
	renames := st.Renames
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			// Renames apply together: find every source first, so that
			// "project-rename a=b, b=a" swaps.
			base := len(c.stack)
			for _, rn := range renames {
				c.stack = append(c.stack, intV(int64(r.index(rn.From.Name))))
			}
			idx := c.stack[base:]
			changed := false
			for k, rn := range renames {
				if i := idx[k].i; i >= 0 {
					r.fields[i].key = rn.To.Name
					changed = true
				}
			}
			if changed {
				r.dirty = true
				// A renamed field replaces an existing field of the target name.
				for i := 0; i < len(r.fields); {
					dup := false
					for k, rn := range renames {
						if r.fields[i].key == rn.To.Name && idx[k].i >= 0 && int64(i) != idx[k].i {
							dup = true
						}
					}
					if dup {
						r.removeAt(i)
						for k := range idx {
							if idx[k].i > int64(i) {
								idx[k].i--
							}
						}
					} else {
						i++
					}
				}
			}
			c.stack = c.stack[:base]
			next(c, r)
		}
	}
}

func fieldIndex(fs []rfield, name string) int {
	for i := range fs {
		if fs[i].key == name {
			return i
		}
	}
	return -1
}
