package statuslist

import "compress/flate"

// EncodeOption changes how an encoder compresses.
type EncodeOption func(*encodeConfig)

type encodeConfig struct{ level int }

func newEncodeConfig(opts []EncodeOption) encodeConfig {
	c := encodeConfig{level: flate.BestCompression}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithCompressionLevel sets the deflate level (1 fastest .. 9 best, the
// default), clamped to that range. Level 9 gives the smallest lists but is
// much slower on sparse lists (about 40 ms instead of 1 ms for 1M entries);
// any level decodes the same.
func WithCompressionLevel(level int) EncodeOption {
	return func(c *encodeConfig) { c.level = min(max(level, flate.BestSpeed), flate.BestCompression) }
}
