package jsonstrict

import (
	"errors"
	"fmt"
)

var (
	// ErrSyntax reports input that is not RFC 8259 JSON.
	ErrSyntax = errors.New("jsonstrict: syntax error")
	// ErrTrailingData reports data after the JSON value; errors.Is also matches ErrSyntax.
	ErrTrailingData error = &classError{"jsonstrict: trailing data after the value", ErrSyntax}
	// ErrInvalidUTF8 reports a string that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("jsonstrict: invalid UTF-8")
	// ErrLoneSurrogate reports a \u surrogate escape that is not half of a pair; errors.Is
	// also matches ErrInvalidUTF8.
	ErrLoneSurrogate error = &classError{"jsonstrict: lone surrogate escape", ErrInvalidUTF8}
	// ErrDuplicateMember reports an object with the same member name twice.
	ErrDuplicateMember = errors.New("jsonstrict: duplicate member name")
	// ErrTooDeep reports nesting beyond Limits.MaxDepth.
	ErrTooDeep = errors.New("jsonstrict: nested too deep")
	// ErrTooLarge reports input longer than Limits.MaxBytes.
	ErrTooLarge = errors.New("jsonstrict: input too large")
	// ErrNotObject reports a valid value that is not an object where one is required.
	ErrNotObject = errors.New("jsonstrict: not a JSON object")
	// ErrNotArray reports a valid value that is not an array where one is required.
	ErrNotArray = errors.New("jsonstrict: not a JSON array")
	// ErrNotString reports a valid value that is not a string where one is required.
	ErrNotString = errors.New("jsonstrict: not a JSON string")
)

// classError is a sentinel that also belongs to a broader class (errors.Is matches both).
type classError struct {
	msg   string
	class error
}

func (e *classError) Error() string { return e.msg }
func (e *classError) Unwrap() error { return e.class }

// errAt wraps a sentinel with the offset where reading stopped.
func errAt(sentinel error, offset int) error {
	return fmt.Errorf("%w at offset %d", sentinel, offset)
}

// syntaxAt reports a syntax error with what was wrong.
func syntaxAt(offset int, what string) error {
	return fmt.Errorf("%w at offset %d: %s", ErrSyntax, offset, what)
}

// duplicateAt reports a repeated member name.
func duplicateAt(name []byte, offset int) error {
	const maxShown = 64
	if len(name) > maxShown {
		name = append(name[:maxShown:maxShown], "..."...)
	}
	return fmt.Errorf("%w %q at offset %d", ErrDuplicateMember, name, offset)
}
