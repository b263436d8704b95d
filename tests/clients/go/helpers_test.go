// Shared helpers of the behaviour tests. Each <db>_test.go calls every generated method of
// gen/<variant> (written by run.sh from ../projects/<db>) against a real database and asserts the
// values that come back, NULLs included.
package clients_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %#v, want %#v", what, got, want)
	}
}

func isNil[T any](t *testing.T, what string, got *T) {
	t.Helper()
	if got != nil {
		t.Errorf("%s: got %#v, want NULL (nil)", what, *got)
	}
}

func derefEq[T any](t *testing.T, what string, got *T, want T) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got NULL (nil), want %#v", what, want)
		return
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("%s: got %#v, want %#v", what, *got, want)
	}
}

func timeEq(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got NULL, want %v", what, want)
		return
	}
	if !got.Equal(want) {
		t.Errorf("%s: got %v, want %v", what, *got, want)
	}
}

// jsonEq compares JSON documents by value (JSONB reorders keys and drops spaces).
func jsonEq(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var a, b interface{}
	if err := json.Unmarshal(got, &a); err != nil {
		t.Errorf("%s: %q is not JSON: %v", what, got, err)
		return
	}
	must(t, json.Unmarshal([]byte(want), &b))
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s: got %s, want %s", what, got, want)
	}
}

func bytesEq(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
		t.Errorf("%s: got %#v, want %#v", what, got, want)
	}
}

// decimalEq compares a decimal string by value ("0", "0.00" and "0.0" are all 0).
func decimalEq(t *testing.T, what string, got string, want float64) {
	t.Helper()
	f, err := strconv.ParseFloat(got, 64)
	if err != nil || f != want {
		t.Errorf("%s: got %q, want %v", what, got, want)
	}
}

func schemaSQL(t *testing.T, db string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "projects", db, "schema.sql"))
	must(t, err)
	return string(b)
}
