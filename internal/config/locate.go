package config

import (
	"errors"
	"reflect"
	"slices"
	"strconv"

	"github.com/BurntSushi/toml"
)

// line returns the line on which key is written, or 0 when it cannot tell.
//
// The toml package records where every key's value is but keeps it
// unexported; it reports the position only in a ParseError, when an
// Unmarshaler for that key fails. So we decode the file once more into a
// type that has exactly that key, as a field whose unmarshaler fails. This
// costs one parse per located key, and is done only to word an error.
//
// Tables that are only implied by a longer header ("profile" in
// [profile.prod]) have no position; they are reported at the first key
// under them.
func (f *File) line(key toml.Key) int {
	if f == nil || f.src == "" {
		return 0
	}
	if n := f.probe(key); n > 0 {
		return n
	}
	for _, k := range f.md.Keys() {
		if len(k) > len(key) && slices.Equal(k[:len(key)], key) {
			if n := f.probe(k); n > 0 {
				return n
			}
		}
	}
	return 0
}

var errProbe = errors.New("slstail config probe")

// probeField fails to unmarshal, so that the decoder reports where it is.
type probeField struct{}

func (probeField) UnmarshalTOML(any) error { return errProbe }

func (f *File) probe(key toml.Key) int {
	if len(key) == 0 {
		return 0
	}
	t := reflect.TypeFor[probeField]()
	for i := len(key) - 1; i >= 0; i-- {
		t = reflect.StructOf([]reflect.StructField{{
			Name: "F",
			Type: t,
			Tag:  reflect.StructTag("toml:" + strconv.Quote(key[i])),
		}})
	}
	_, err := toml.Decode(f.src, reflect.New(t).Interface())
	var pe toml.ParseError
	// The decoder matches field names case-insensitively when there is no
	// exact match; only trust a report for the key we asked about.
	if errors.As(err, &pe) && pe.Message == errProbe.Error() && pe.LastKey == key.String() {
		return pe.Position.Line
	}
	return 0
}
