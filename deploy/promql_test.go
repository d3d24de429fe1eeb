package deploy

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// PromQL is parsed here only as far as naming the metrics a query reads: a careful
// extraction, not a PromQL parser (github.com/prometheus/prometheus is too heavy a
// dependency for this). Everything that can hold an identifier that is not a metric name is
// removed first: string literals, label matchers {...}, ranges and subqueries [...], and the
// label lists of by/without/on/ignoring/group_left/group_right; what remains is functions
// and aggregations (identifiers followed by "("), keywords, numbers, Grafana variables ($x)
// and metric names.

var (
	promString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promMatchers = regexp.MustCompile(`\{[^{}]*\}`)
	promRange    = regexp.MustCompile(`\[[^\[\]]*\]`)
	promLabelSet = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	promToken    = regexp.MustCompile(`\$\{?[A-Za-z_]\w*\}?|\d[\w.]*|[A-Za-z_:][\w:]*|\(`)
	// label_values(<expr>, <label>) and the like, in Grafana template variables.
	grafanaLabelValues = regexp.MustCompile(`^\s*label_values\s*\((.*),\s*[A-Za-z_]\w*\s*\)\s*$`)
)

var promKeywords = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true, "by": true, "without": true,
	"on": true, "ignoring": true, "group_left": true, "group_right": true, "inf": true, "nan": true,
	"Inf": true, "NaN": true, "atan2": true,
}

// metricNames returns the metric names a PromQL expression (or a Grafana label_values
// query) reads, sorted and without duplicates.
func metricNames(expr string) []string {
	if m := grafanaLabelValues.FindStringSubmatch(expr); m != nil {
		expr = m[1]
	}
	s := promString.ReplaceAllString(expr, `""`)
	s = promMatchers.ReplaceAllString(s, "{}")
	for prev := ""; prev != s; { // nested subqueries
		prev = s
		s = promRange.ReplaceAllString(s, "")
	}
	s = promLabelSet.ReplaceAllString(s, "")
	toks := promToken.FindAllString(s, -1)
	set := map[string]bool{}
	for i, tok := range toks {
		switch {
		case tok == "(" || strings.HasPrefix(tok, "$") || (tok[0] >= '0' && tok[0] <= '9') || promKeywords[tok]:
		case i+1 < len(toks) && toks[i+1] == "(":
			// a function or an aggregation
		default:
			set[tok] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestMetricNames(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string
	}{
		{`up`, []string{"up"}},
		{`cometbft_consensus_height`, []string{"cometbft_consensus_height"}},
		{`delta(cometbft_consensus_height{job="amanahd"}[5m]) == 0`, []string{"cometbft_consensus_height"}},
		{`sum by (job, instance) (rate(grpc_server_handled_total{grpc_code!~"OK|InvalidArgument", grpc_method="VerifyPresentation"}[5m]))
		  / on (job) group_left sum without (grpc_code) (rate(grpc_server_started_total[$__rate_interval]))`,
			[]string{"grpc_server_handled_total", "grpc_server_started_total"}},
		{`histogram_quantile(0.99, sum by (le, grpc_method) (rate(grpc_server_handling_seconds_bucket[5m])))`,
			[]string{"grpc_server_handling_seconds_bucket"}},
		{`label_replace(amanah_verifier_ledger_height, "dst", "$1", "instance", "(.*):.*")`, []string{"amanah_verifier_ledger_height"}},
		{`max_over_time(rate(amanah_verifier_verifications_total[1m])[10m:1m]) offset 5m`, []string{"amanah_verifier_verifications_total"}},
		{`a and b or c unless d > bool 2 * 1e3`, []string{"a", "b", "c", "d"}},
		{`label_values(cometbft_consensus_height, instance)`, []string{"cometbft_consensus_height"}},
		{`sum(x{a="b{c}"}) by (le)`, []string{"x"}},
		{`topk(5, foo:rate5m) + absent(bar)`, []string{"bar", "foo:rate5m"}},
		{`time() - process_start_time_seconds{job="$job"}`, []string{"process_start_time_seconds"}},
		{`1`, []string{}},
	} {
		if got := metricNames(c.expr); !slices.Equal(got, c.want) {
			t.Errorf("metricNames(%q) = %q, want %q", c.expr, got, c.want)
		}
	}
}

// FuzzMetricNames: any text (a malformed query in a dashboard) returns names that are
// identifiers, never panics.
func FuzzMetricNames(f *testing.F) {
	for _, s := range []string{"", "(", ")", "{", "[", `"`, "sum(rate(x[5m]))", "by (", "label_values(", "a{b=\"", "x[1m:][5m]"} {
		f.Add(s)
	}
	ident := regexp.MustCompile(`^[A-Za-z_:][\w:]*$`)
	f.Fuzz(func(t *testing.T, expr string) {
		for _, n := range metricNames(expr) {
			if !ident.MatchString(n) {
				t.Fatalf("metricNames(%q) named %q", expr, n)
			}
		}
	})
}
