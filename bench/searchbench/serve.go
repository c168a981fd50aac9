package main

import (
	"context"
	"io"
)

func serveBench(ctx context.Context, c config, queries []*prepared, w io.Writer) error { return nil }
