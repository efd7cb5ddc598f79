package spl

func (cc *compiler) project(st *ProjectStage) func(execFn) execFn { cc.failf(st, "todo"); return nil }
func (cc *compiler) projectAway(st *ProjectAwayStage) func(execFn) execFn {
	cc.failf(st, "todo")
	return nil
}
func (cc *compiler) projectRename(st *ProjectRenameStage) func(execFn) execFn {
	cc.failf(st, "todo")
	return nil
}
func (cc *compiler) parseRegexp(st *ParseRegexpStage) func(execFn) execFn {
	cc.failf(st, "todo")
	return nil
}
func (cc *compiler) parseCSV(st *ParseCSVStage) func(execFn) execFn { cc.failf(st, "todo"); return nil }
func (cc *compiler) parseJSON(st *ParseJSONStage) func(execFn) execFn {
	cc.failf(st, "todo")
	return nil
}
func (cc *compiler) parseKV(st *ParseKVStage) func(execFn) execFn { cc.failf(st, "todo"); return nil }
func (cc *compiler) expandValues(st *ExpandValuesStage) func(execFn) execFn {
	cc.failf(st, "todo")
	return nil
}
func (cc *compiler) packFields(st *PackFieldsStage) func(execFn) execFn {
	cc.failf(st, "todo")
	return nil
}
func (cc *compiler) call(e *Call) cexpr { cc.failf(e, "unknown function %s", e.Name); return cexpr{} }
func (cc *compiler) requireSQLOnly(sp Span, name string) {
	if !cc.opts.AllowSQLOnlyFunctions {
		cc.failSpan(sp, "unsupported function in SPL: %s", name)
	}
}
