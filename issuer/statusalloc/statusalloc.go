// Package statusalloc chooses the status-list indices of new credentials at random among the
// free entries of the issuer's lists, so an index says nothing about when (or in which order)
// a credential was issued, nor which other credentials came from the same batch.
package statusalloc

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/amanah-id/amanah/issuer/store"
)

// maxTries bounds random probing before a scan from a random start (a nearly full list).
const maxTries = 64

// Picker returns a store.PickFunc drawing from r (crypto/rand if nil).
func Picker(r io.Reader) store.PickFunc {
	if r == nil {
		r = rand.Reader
	}
	return func(l store.List, bm []byte, n int) ([]uint32, error) {
		if l.Size == 0 || uint32(len(bm))*8 < l.Size {
			return nil, errors.New("statusalloc: bitmap shorter than the list")
		}
		taken := func(i uint32) bool { return bm[i/8]&(1<<(i%8)) != 0 }
		chosen := make(map[uint32]bool, n)
		out := make([]uint32, 0, n)
		for len(out) < n {
			x, err := uniform(r, l.Size)
			if err != nil {
				return nil, err
			}
			found := false
			for try := 0; try < maxTries; try++ {
				if !taken(x) && !chosen[x] {
					found = true
					break
				}
				if x, err = uniform(r, l.Size); err != nil {
					return nil, err
				}
			}
			if !found { // scan from the random start
				for j := uint32(0); j < l.Size; j++ {
					y := (x + j) % l.Size
					if !taken(y) && !chosen[y] {
						x, found = y, true
						break
					}
				}
			}
			if !found {
				return nil, fmt.Errorf("statusalloc: list %d has fewer than %d free entries", l.ID, n)
			}
			chosen[x] = true
			out = append(out, x)
		}
		return out, nil
	}
}

// uniform returns a uniform random integer in [0, n).
func uniform(r io.Reader, n uint32) (uint32, error) {
	limit := ^uint64(0) - (^uint64(0) % uint64(n))
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		v := binary.BigEndian.Uint64(b[:])
		if v < limit {
			return uint32(v % uint64(n)), nil
		}
	}
}
