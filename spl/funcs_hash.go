package spl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash/crc32"
	"strings"
)

func hashFuncs() map[string]*funcDef {
	vb := []Type{TypeVarbinary}
	bin := func(f func(string) string) *funcDef {
		return &funcDef{min: 1, max: 1, args: vb, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t != TypeVarbinary {
				return c.fail(e.Args[0], "%s() needs varbinary (use to_utf8(x)), got %s", e.Name, a[0].t)
			}
			return bytesV(f(a[0].s))
		}}
	}
	return map[string]*funcDef{
		"md5":    bin(func(s string) string { h := md5.Sum([]byte(s)); return string(h[:]) }),
		"sha1":   bin(func(s string) string { h := sha1.Sum([]byte(s)); return string(h[:]) }),
		"sha256": bin(func(s string) string { h := sha256.Sum256([]byte(s)); return string(h[:]) }),
		"sha512": bin(func(s string) string { h := sha512.Sum512([]byte(s)); return string(h[:]) }),
		"to_hex": {min: 1, max: 1, args: vb, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return strV(strings.ToUpper(hex.EncodeToString([]byte(a[0].s))))
		}},
		"from_hex": {min: 1, max: 1, args: vv, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			b, err := hex.DecodeString(a[0].s)
			if err != nil {
				return c.fail(e, "from_hex(): %v", err)
			}
			return bytesV(string(b))
		}},
		"to_base64": {min: 1, max: 1, args: vb, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return strV(base64.StdEncoding.EncodeToString([]byte(a[0].s)))
		}},
		"from_base64": {min: 1, max: 1, args: vv, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			b, err := base64.StdEncoding.DecodeString(a[0].s)
			if err != nil {
				return c.fail(e, "from_base64(): %v", err)
			}
			return bytesV(string(b))
		}},
		"crc32": {min: 1, max: 1, args: vb, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return intV(int64(crc32.ChecksumIEEE([]byte(a[0].s))))
		}},
	}
}
