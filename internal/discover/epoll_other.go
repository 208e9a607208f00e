//go:build !linux

package discover

import (
	"context"
	"errors"
	"iter"

	"github.com/leakwatch/leakwatch/internal/scope"
)

const haveEpoll = false

func scanEpoll(context.Context, Config, iter.Seq2[uint64, scope.Item], func(scope.Item)) (Stats, error) {
	return Stats{}, errors.New("discover: the epoll engine needs Linux")
}
