package discover

import (
	"context"
	"errors"
	"iter"

	"github.com/leakwatch/leakwatch/internal/scope"
)

func (c Config) withDefaults() Config { return c }
func scan(ctx context.Context, cfg Config, items iter.Seq2[uint64, scope.Item], found func(scope.Item)) (Stats, error) {
	return Stats{}, errors.New("discover: not implemented yet")
}
