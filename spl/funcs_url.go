package spl

import (
	"net/url"
	"strconv"
)

func urlFuncs() map[string]*funcDef {
	part := func(f func(u *url.URL) (string, bool)) *funcDef {
		return &funcDef{min: 1, max: 1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			u, err := url.Parse(a[0].s)
			if err != nil {
				return nullValue
			}
			s, ok := f(u)
			if !ok {
				return nullValue
			}
			return strV(s)
		}}
	}
	return map[string]*funcDef{
		"url_encode": {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			// Presto: RFC 3986 unreserved characters stay, space becomes '+'.
			return strV(url.QueryEscape(a[0].s))
		}},
		"url_decode": {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, err := url.QueryUnescape(a[0].s)
			if err != nil {
				return c.fail(e, "url_decode(): %v", err)
			}
			return strV(s)
		}},
		"url_extract_host":     part(func(u *url.URL) (string, bool) { return u.Hostname(), u.Host != "" }),
		"url_extract_path":     part(func(u *url.URL) (string, bool) { return u.EscapedPath(), true }),
		"url_extract_protocol": part(func(u *url.URL) (string, bool) { return u.Scheme, u.Scheme != "" }),
		"url_extract_query":    part(func(u *url.URL) (string, bool) { return u.RawQuery, true }),
		"url_extract_fragment": part(func(u *url.URL) (string, bool) { return u.Fragment, true }),
		"url_extract_port": {min: 1, max: 1, args: vv, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			u, err := url.Parse(a[0].s)
			if err != nil || u.Port() == "" {
				return nullValue
			}
			n, err := strconv.ParseInt(u.Port(), 10, 64)
			if err != nil {
				return nullValue
			}
			return intV(n)
		}},
		"url_extract_parameter": {min: 2, max: 2, args: vvv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			u, err := url.Parse(a[0].s)
			if err != nil {
				return nullValue
			}
			vals, err := url.ParseQuery(u.RawQuery)
			if err != nil && len(vals) == 0 {
				return nullValue
			}
			v, ok := vals[a[1].s]
			if !ok || len(v) == 0 {
				return nullValue
			}
			return strV(v[0])
		}},
	}
}
