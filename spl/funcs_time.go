package spl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Timestamps are instants (unix nanoseconds); date_parse reads wall time and
// date_format writes it in the session zone (Options.Location, UTC+8 by
// default, which is what SLS's examples show).

func timeFuncs() map[string]*funcDef {
	return map[string]*funcDef{
		"from_unixtime": {min: 1, max: 1, args: []Type{TypeDouble}, ret: TypeTimestamp, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t == TypeBigint {
				if a[0].i > math.MaxInt64/1_000_000_000 || a[0].i < math.MinInt64/1_000_000_000 {
					return c.fail(e, "from_unixtime(): %d out of range", a[0].i)
				}
				return tsV(a[0].i * 1e9)
			}
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			if math.IsNaN(x) || math.Abs(x) > 9e9 {
				return c.fail(e, "from_unixtime(): %v out of range", x)
			}
			return tsV(int64(math.Round(x * 1e9)))
		}},
		"to_unixtime": {min: 1, max: 1, args: []Type{TypeTimestamp}, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t != TypeTimestamp {
				return c.fail(e.Args[0], "to_unixtime() needs a timestamp, got %s", a[0].t)
			}
			return dblV(float64(a[0].i) / 1e9)
		}},
		"date_format": {min: 2, max: 2, args: []Type{TypeTimestamp, TypeVarchar}, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			ts := a[0]
			if ts.t == TypeVarchar {
				ns, ok := parseTimestampText(ts.s, c.prog.loc)
				if !ok {
					return c.fail(e.Args[0], "date_format(): cannot read '%s' as a timestamp", clip(ts.s))
				}
				ts = tsV(ns)
			}
			if ts.t != TypeTimestamp {
				return c.fail(e.Args[0], "date_format() needs a timestamp, got %s", ts.t)
			}
			s, err := mysqlFormat(time.Unix(0, ts.i).In(c.prog.loc), a[1].s)
			if err != nil {
				return c.fail(e.Args[1], "date_format(): %v", err)
			}
			return strV(s)
		}},
		"date_parse": {min: 2, max: 2, args: vvv, ret: TypeTimestamp, impl: func(c *evalCtx, e *Call, a []Value) Value {
			t, err := mysqlParse(a[0].s, a[1].s, c.prog.loc)
			if err != nil {
				return c.fail(e, "date_parse(): %v", err)
			}
			return tsV(t.UnixNano())
		}},
		"now": {min: 0, max: 0, sqlOnly: true, impure: true, ret: TypeTimestamp, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return tsV(c.currentTime().UnixNano())
		}},
	}
}

var (
	shortDays   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	shortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// mysqlFormat implements the MySQL-style specifiers of date_format.
func mysqlFormat(t time.Time, f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'c':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'k':
			b.WriteString(strconv.Itoa(t.Hour()))
		case 'h', 'I':
			fmt.Fprintf(&b, "%02d", (t.Hour()+11)%12+1)
		case 'l':
			b.WriteString(strconv.Itoa((t.Hour()+11)%12 + 1))
		case 'i':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 's', 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'T':
			fmt.Fprintf(&b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		case 'r':
			ap := "AM"
			if t.Hour() >= 12 {
				ap = "PM"
			}
			fmt.Fprintf(&b, "%02d:%02d:%02d %s", (t.Hour()+11)%12+1, t.Minute(), t.Second(), ap)
		case 'a':
			b.WriteString(shortDays[t.Weekday()])
		case 'W':
			b.WriteString(t.Weekday().String())
		case 'b':
			b.WriteString(shortMonths[t.Month()-1])
		case 'M':
			b.WriteString(t.Month().String())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("unsupported format specifier %%%c", f[i])
		}
	}
	return b.String(), nil
}

// mysqlParse reads s with the MySQL-style format f as wall time in loc.
func mysqlParse(s, f string, loc *time.Location) (time.Time, error) {
	year, month, day, hour, minute, sec, nanos := 1970, 1, 1, 0, 0, 0, 0
	pm, hasPM := false, false
	j := 0
	num := func(maxDigits int) (int, error) {
		k := j
		neg := false
		if k < len(s) && s[k] == '-' && maxDigits > 4 {
			neg = true
			k++
		}
		st := k
		for k < len(s) && k-st < maxDigits && isDigit(s[k]) {
			k++
		}
		if k == st {
			return 0, fmt.Errorf("cannot parse '%s' with format '%s': expected a number at offset %d", clip(s), f, j)
		}
		n, _ := strconv.Atoi(s[st:k])
		if neg {
			n = -n
		}
		j = k
		return n, nil
	}
	word := func(list []string, full bool) (int, error) {
		for idx, w := range list {
			cand := w
			if full {
				cand = time.Month(idx + 1).String()
			}
			if len(s)-j >= len(cand) && strings.EqualFold(s[j:j+len(cand)], cand) {
				j += len(cand)
				return idx, nil
			}
		}
		return 0, fmt.Errorf("cannot parse '%s' with format '%s' at offset %d", clip(s), f, j)
	}
	var err error
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			if j >= len(s) || s[j] != f[i] {
				return time.Time{}, fmt.Errorf("cannot parse '%s' with format '%s': expected %q at offset %d", clip(s), f, f[i], j)
			}
			j++
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			year, err = num(4)
		case 'y':
			year, err = num(2)
			year += 2000
			if year > 2069 {
				year -= 100
			}
		case 'm', 'c':
			month, err = num(2)
		case 'd', 'e':
			day, err = num(2)
		case 'H', 'k':
			hour, err = num(2)
		case 'h', 'I', 'l':
			hour, err = num(2)
		case 'i':
			minute, err = num(2)
		case 's', 'S':
			sec, err = num(2)
		case 'f':
			st := j
			var frac int
			frac, err = num(9)
			if err == nil {
				for d := j - st; d < 9; d++ {
					frac *= 10
				}
				nanos = frac
			}
		case 'p':
			hasPM = true
			switch {
			case len(s)-j >= 2 && strings.EqualFold(s[j:j+2], "PM"):
				pm = true
			case len(s)-j >= 2 && strings.EqualFold(s[j:j+2], "AM"):
			default:
				err = fmt.Errorf("cannot parse '%s' with format '%s': expected AM or PM at offset %d", clip(s), f, j)
			}
			j += 2
		case 'T':
			if hour, err = num(2); err == nil && j < len(s) && s[j] == ':' {
				j++
				if minute, err = num(2); err == nil && j < len(s) && s[j] == ':' {
					j++
					sec, err = num(2)
				}
			}
		case 'b':
			var m int
			m, err = word(shortMonths, false)
			month = m + 1
		case 'M':
			var m int
			m, err = word(shortMonths, true)
			month = m + 1
		case 'a':
			_, err = word(shortDays, false)
		case '%':
			if j >= len(s) || s[j] != '%' {
				err = fmt.Errorf("cannot parse '%s': expected '%%' at offset %d", clip(s), j)
			}
			j++
		default:
			return time.Time{}, fmt.Errorf("unsupported format specifier %%%c", f[i])
		}
		if err != nil {
			return time.Time{}, err
		}
	}
	if j != len(s) {
		return time.Time{}, fmt.Errorf("cannot parse '%s' with format '%s': unexpected trailing text %q", clip(s), f, clip(s[j:]))
	}
	if hasPM {
		hour %= 12
		if pm {
			hour += 12
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("cannot parse '%s' with format '%s': field out of range", clip(s), f)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc)
	if t.Day() != day {
		return time.Time{}, fmt.Errorf("cannot parse '%s': invalid date", clip(s))
	}
	return t, nil
}
