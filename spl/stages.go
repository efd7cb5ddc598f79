package spl

// compileStage checks one instruction and returns a builder that chains it
// to the rest of the pipeline.
func (cc *compiler) compileStage(st Stage) func(next execFn) execFn {
	switch st := st.(type) {
	case *WhereStage:
		return cc.where(st)
	case *ExtendStage:
		return cc.extend(st)
	case *ProjectStage:
		return cc.project(st)
	case *ProjectAwayStage:
		return cc.projectAway(st)
	case *ProjectRenameStage:
		return cc.projectRename(st)
	case *ParseRegexpStage:
		return cc.parseRegexp(st)
	case *ParseCSVStage:
		return cc.parseCSV(st)
	case *ParseJSONStage:
		return cc.parseJSON(st)
	case *ParseKVStage:
		return cc.parseKV(st)
	case *ExpandValuesStage:
		return cc.expandValues(st)
	case *PackFieldsStage:
		return cc.packFields(st)
	}
	cc.failf(st, "instruction %s is not implemented", st.Name())
	return nil
}

func (cc *compiler) where(st *WhereStage) func(execFn) execFn {
	cond := cc.expr(st.Cond)
	if cond.t != TypeUnknown && cond.t != TypeNull && cond.t != TypeBoolean {
		cc.failf(st.Cond, "where needs a boolean condition, got %s", cond.t)
	}
	f := cond.fn
	return func(next execFn) execFn {
		return func(c *evalCtx, r *row) {
			c.cur = r
			v := f(c)
			if c.err != nil {
				c.stageErr("where")
				return
			}
			if v.t == TypeBoolean {
				if v.i != 0 {
					next(c, r)
				}
				return
			}
			if !v.isNull() {
				c.fail(st.Cond, "where needs a boolean condition, got %s", v.t)
				c.stageErr("where")
			}
		}
	}
}

func (cc *compiler) extend(st *ExtendStage) func(execFn) execFn {
	type assign struct {
		name string
		fn   evalFn
		node Node
	}
	seen := map[string]bool{}
	as := make([]assign, len(st.Assigns))
	types := make([]Type, len(st.Assigns))
	for i, a := range st.Assigns {
		if seen[a.To.Name] {
			cc.failf(a.To, "duplicate output field '%s' in extend", a.To.Name)
		}
		seen[a.To.Name] = true
		ce := cc.expr(a.Value)
		if isTimeField(a.To.Name) && ce.t != TypeUnknown && ce.t != TypeBigint && ce.t != TypeNull {
			cc.failf(a.Value, "%s must be assigned an integer, got %s (use cast(... as bigint))", a.To.Name, ce.t)
		}
		as[i] = assign{a.To.Name, ce.fn, a.Value}
		types[i] = ce.t
	}
	// Expressions of one extend see the input row, not each other's results,
	// as in an SQL projection; types change only after the stage.
	for i, a := range as {
		cc.env[a.name] = types[i]
	}
	return func(next execFn) execFn {
		if len(as) == 1 {
			a := as[0]
			return func(c *evalCtx, r *row) {
				c.cur = r
				v := a.fn(c)
				if c.err != nil {
					c.stageErr("extend")
					return
				}
				if isTimeField(a.name) && !timeValueOK(c, a.node, a.name, v) {
					c.stageErr("extend")
					return
				}
				r.set(a.name, v)
				next(c, r)
			}
		}
		return func(c *evalCtx, r *row) {
			c.cur = r
			base := len(c.stack)
			for _, a := range as {
				v := a.fn(c)
				if isTimeField(a.name) && c.err == nil {
					timeValueOK(c, a.node, a.name, v)
				}
				c.stack = append(c.stack, v)
			}
			if c.err != nil {
				c.stack = c.stack[:base]
				c.stageErr("extend")
				return
			}
			for i, a := range as {
				r.set(a.name, c.stack[base+i])
			}
			c.stack = c.stack[:base]
			next(c, r)
		}
	}
}

func timeValueOK(c *evalCtx, n Node, name string, v Value) bool {
	if v.t == TypeBigint {
		return true
	}
	c.fail(n, "%s must be assigned an integer, got %s", name, v.t)
	return false
}
