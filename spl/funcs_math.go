package spl

import (
	"math"
)

func mathFuncs() map[string]*funcDef {
	num := []Type{TypeDouble}
	sameAsArg := func(args []cexpr) Type {
		if args[0].t == TypeBigint || args[0].t == TypeDouble {
			return args[0].t
		}
		return TypeUnknown
	}
	float1 := func(f func(float64) float64) *funcDef {
		return &funcDef{min: 1, max: 1, args: num, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			return dblV(f(x))
		}}
	}
	// intOrFloat keeps a bigint argument bigint (abs, floor, ceil, round).
	intOrFloat := func(fi func(int64) (int64, bool), ff func(float64) float64) *funcDef {
		return &funcDef{min: 1, max: 1, args: num, retFn: sameAsArg, impl: func(c *evalCtx, e *Call, a []Value) Value {
			switch a[0].t {
			case TypeBigint:
				r, ok := fi(a[0].i)
				if !ok {
					return c.fail(e, "%s(): bigint overflow", e.Name)
				}
				return intV(r)
			case TypeDouble:
				return dblV(ff(a[0].f))
			}
			return c.fail(e.Args[0], "argument 1 of %s() must be a number, got %s", e.Name, a[0].t)
		}}
	}
	ident := func(x int64) (int64, bool) { return x, true }
	m := map[string]*funcDef{
		"abs": intOrFloat(func(x int64) (int64, bool) {
			if x == minInt64 {
				return 0, false
			}
			if x < 0 {
				return -x, true
			}
			return x, true
		}, math.Abs),
		"floor":   intOrFloat(ident, math.Floor),
		"ceil":    intOrFloat(ident, math.Ceil),
		"ceiling": intOrFloat(ident, math.Ceil),
		"sqrt":    float1(math.Sqrt),
		"cbrt":    float1(math.Cbrt),
		"exp":     float1(math.Exp),
		"ln":      float1(math.Log),
		"log2":    float1(math.Log2),
		"log10":   float1(math.Log10),
		"sin":     float1(math.Sin),
		"cos":     float1(math.Cos),
		"tan":     float1(math.Tan),
		"asin":    float1(math.Asin),
		"acos":    float1(math.Acos),
		"atan":    float1(math.Atan),
		"sinh":    float1(math.Sinh),
		"cosh":    float1(math.Cosh),
		"tanh":    float1(math.Tanh),
		"degrees": float1(func(x float64) float64 { return x * 180 / math.Pi }),
		"radians": float1(func(x float64) float64 { return x * math.Pi / 180 }),
		"pi":      {min: 0, max: 0, ret: TypeDouble, impl: func(*evalCtx, *Call, []Value) Value { return dblV(math.Pi) }},
		"e":       {min: 0, max: 0, ret: TypeDouble, impl: func(*evalCtx, *Call, []Value) Value { return dblV(math.E) }},
		"sign": {min: 1, max: 1, args: num, retFn: sameAsArg, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t == TypeBigint {
				return intV(int64(cmpInt(a[0].i, 0)))
			}
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			switch {
			case x > 0:
				return dblV(1)
			case x < 0:
				return dblV(-1)
			}
			return dblV(x)
		}},
		"atan2": {min: 2, max: 2, args: num, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return dblV(math.Atan2(a[0].asFloat(), a[1].asFloat()))
		}},
		"pow":   {min: 2, max: 2, args: num, ret: TypeDouble, impl: powImpl},
		"power": {min: 2, max: 2, args: num, ret: TypeDouble, impl: powImpl},
		"mod": {min: 2, max: 2, args: num, retFn: func(args []cexpr) Type {
			if args[0].t == TypeBigint && args[1].t == TypeBigint {
				return TypeBigint
			}
			if args[0].t == TypeDouble || args[1].t == TypeDouble {
				return TypeDouble
			}
			return TypeUnknown
		}, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t == TypeBigint && a[1].t == TypeBigint {
				return arithInt(c, e, '%', a[0].i, a[1].i)
			}
			x, ok1 := c.number(e, 0, a[0])
			y, ok2 := c.number(e, 1, a[1])
			if !ok1 || !ok2 {
				return nullValue
			}
			return dblV(math.Mod(x, y))
		}},
		"round": {min: 1, max: 2, args: []Type{TypeDouble, TypeBigint}, retFn: sameAsArg, impl: roundImpl},
		"truncate": {min: 1, max: 1, args: num, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			return dblV(math.Trunc(x))
		}},
	}
	return m
}

func powImpl(c *evalCtx, e *Call, a []Value) Value {
	x, ok1 := c.number(e, 0, a[0])
	y, ok2 := c.number(e, 1, a[1])
	if !ok1 || !ok2 {
		return nullValue
	}
	return dblV(math.Pow(x, y))
}

// roundImpl rounds half away from zero, to d decimal places (d may be negative).
func roundImpl(c *evalCtx, e *Call, a []Value) Value {
	d := int64(0)
	if len(a) == 2 {
		var ok bool
		if d, ok = c.integer(e, 1, a[1]); !ok {
			return nullValue
		}
	}
	switch a[0].t {
	case TypeBigint:
		if d >= 0 {
			return a[0]
		}
		if d < -18 {
			return intV(0)
		}
		p := int64(math.Pow10(int(-d)))
		x := a[0].i
		r := (x / p) * p
		if rem := x % p; rem*2 >= p {
			r += p
		} else if rem*2 <= -p {
			r -= p
		}
		return intV(r)
	case TypeDouble:
		x := a[0].f
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return a[0]
		}
		if d > 300 {
			return a[0]
		}
		p := math.Pow10(int(d))
		return dblV(math.Round(x*p) / p)
	}
	return c.fail(e.Args[0], "argument 1 of round() must be a number, got %s", a[0].t)
}
