package crawler

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parlq/parlq"
)

// Reading is a fetched page read into the record a harvest stores.
type Reading struct {
	Record *parlq.Question
	// Digest identifies everything the record was read from: the page's
	// normalized content, the parser version and the list's partial record
	// ("sha256:HEX"). Two pages with the same digest read into the same
	// record, so a page whose digest equals the one last stored need not be
	// read again.
	Digest string
}

// Read reads a fetched detail page into the record a harvest would store:
// it decodes the body to UTF-8 (Content-Type charset, then the page's own
// declaration), parses it with src, completes it from what the list told
// (listing may be nil, or return nil for none), stamps the parser version
// and validates it. Harvest, reparse and "parlq parse" all read pages here.
// The digest is returned even when parsing fails, when it can be computed.
func Read(src parlq.Source, canonicalURL string, raw []byte, contentType string, listing func(id string) (*parlq.Question, error)) (Reading, error) {
	body, err := decode(raw, contentType)
	if err != nil {
		return Reading{}, err
	}
	q, err := src.Parse(canonicalURL, body)
	if err != nil {
		rd := Reading{}
		rd.Digest, _ = digest(src, canonicalURL, body, nil)
		return rd, err
	}
	var l *parlq.Question
	if listing != nil {
		if l, err = listing(q.ID); err != nil {
			return Reading{}, err
		}
	}
	rd := Reading{Record: q}
	if rd.Digest, err = digest(src, canonicalURL, body, l); err != nil {
		return Reading{}, err
	}
	parlq.MergeListing(q, l)
	q.ParserVersion = src.Version()
	if err := q.Validate(); err != nil {
		return Reading{}, err
	}
	return rd, nil
}

// Digest returns the digest Read would give the page with this listing,
// without parsing it.
func Digest(src parlq.Source, canonicalURL string, raw []byte, contentType string, listing *parlq.Question) (string, error) {
	body, err := decode(raw, contentType)
	if err != nil {
		return "", err
	}
	return digest(src, canonicalURL, body, listing)
}

func digest(src parlq.Source, canonicalURL string, body []byte, listing *parlq.Question) (string, error) {
	norm, err := src.Normalize(canonicalURL, body)
	if err != nil {
		return "", err
	}
	l, err := json.Marshal(listing)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	h := sha256.New()
	for _, part := range [][]byte{norm, []byte(src.Version()), l} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// nameFetched makes an error name the URL actually fetched (a mirror under
// --base-url) rather than the canonical one the parser was given.
func nameFetched(fetched string, err error) error {
	var le *parlq.LayoutError
	if errors.As(err, &le) {
		le.URL = fetched
		return err
	}
	return fmt.Errorf("%s: %w", fetched, err)
}
