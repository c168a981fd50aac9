package server

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err    error
		status int
		expose bool
	}{
		{&index.QueryError{Field: "q", Msg: "bad"}, 400, true},
		{fmt.Errorf("search: %w", &index.QueryError{Field: "q", Msg: "bad"}), 400, true},
		{fmt.Errorf("get x: %w", catalog.ErrNotFound), 404, true},
		{ErrArchiveMissing, 404, true},
		{ErrHarvestDisabled, 404, true},
		{ErrForbidden, 403, true},
		{ErrHarvestRunning, 409, true},
		{fmt.Errorf("search: %w", context.DeadlineExceeded), 503, true},
		{errors.New("disk on fire at /secret/path"), 500, false},
	}
	for _, tt := range tests {
		status, msg, expose := statusOf(tt.err)
		if status != tt.status || expose != tt.expose {
			t.Errorf("statusOf(%v) = %d, expose %v; want %d, %v", tt.err, status, expose, tt.status, tt.expose)
		}
		if !expose && msg != "internal error" {
			t.Errorf("statusOf(%v) shows %q; want a generic message", tt.err, msg)
		}
	}
}
