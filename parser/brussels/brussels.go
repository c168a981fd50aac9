// Package brussels reads the Brussels Parliament (parlement.brussels).
// SCAFFOLD: replaced by the real implementation.
package brussels

import (
	"errors"
	"time"

	"github.com/parlq/parlq"
)

var errTodo = errors.New("brussels: not yet implemented")

// Source is the Brussels Parliament source.
type Source struct{}

// New returns the Brussels source.
func New() *Source { return &Source{} }

func (*Source) Name() string                                      { return "brussels" }
func (*Source) Parliament() string                                { return "Parlement de la Région de Bruxelles-Capitale" }
func (*Source) BaseURL() string                                   { return "https://www.parlement.brussels" }
func (*Source) Version() string                                   { return "0" }
func (*Source) Seeds(parlq.SeedOptions) ([]string, error)         { return nil, errTodo }
func (*Source) Discover(string, []byte) (*parlq.Discovery, error) { return nil, errTodo }
func (*Source) Parse(string, []byte) (*parlq.Question, error)     { return nil, errTodo }
func (*Source) Normalize(string, []byte) ([]byte, error)          { return nil, errTodo }
func (*Source) Recheck() parlq.RecheckPolicy {
	return parlq.RecheckPolicy{PendingEvery: 24 * time.Hour}
}
