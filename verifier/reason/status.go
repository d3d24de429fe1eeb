package reason

import (
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of the verifier's gRPC errors.
const ErrorDomain = "verifier.amanah.id"

// Error returns a gRPC status error with code c whose message starts with
// the reason r and which carries a google.rpc.ErrorInfo detail naming it.
func Error(c codes.Code, r Code, format string, args ...any) error {
	st := status.New(c, string(r)+": "+fmt.Sprintf(format, args...))
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: string(r), Domain: ErrorDomain}); err == nil {
		st = d
	}
	return st.Err()
}

// OfError returns the reason carried by a gRPC error of the verifier (its
// ErrorInfo detail in ErrorDomain), or "" if none.
func OfError(err error) Code {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok && ei.Domain == ErrorDomain {
			return Code(ei.Reason)
		}
	}
	return ""
}
