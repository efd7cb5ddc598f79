// Package spl implements SLS's SPL (SLS Processing Language) as used in
// real-time consumption: the query passed to PullLogs, such as
//
//   - | where cast(status as bigint) >= 500 | extend ms = cast(request_time as double) * 1000
//
// Compile parses and checks a query once and returns a Program whose Run
// evaluates logs through closures, without re-parsing and without
// allocating for scalar values. Check gives editors the same diagnostics
// plus the token spans a highlighter needs. FilterJSONLines is the engine of
// "slstail spl": JSON lines in, JSON lines out.
//
// The SLS documentation is the authority for the language; where it is
// silent this package follows Presto (the engine behind SPL), and the
// remaining choices are listed in the package's README.
package spl
