package crawler

import (
	"context"
	"net/http"

	"github.com/parlq/parlq/archive"
)

// RevisitProfile is the WARC-Profile of the revisit records parlq writes
// for a list page or reference document fetched again whose bytes changed
// but whose content did not (a nightly dump rebuilt with new timestamps):
// the received payload, normalized by the source (parlq.Source.Normalize:
// for a zip, its members' names, CRC-32 and sizes), is identical to the
// normalized payload of the record named by WARC-Refers-To, and the
// extension field NormalizedDigestField gives the SHA-256 of that
// normalized content. WARC-Payload-Digest is the digest of the payload as
// received, which is not stored. See the README.
const RevisitProfile = "https://github.com/parlq/parlq#revisit-profile-identical-normalized-content"

// NormalizedDigestField is the extension field of a RevisitProfile record
// holding the digest of the normalized content it shares with the record it
// refers to.
const NormalizedDigestField = "Parlq-Normalized-Digest"

// keepFunc decides, for one fetch, how a 200 response is archived: nil
// archives it whole; a Revisit (its Exchange left empty) archives it as a
// revisit record instead. It is called with the response's header and
// payload before anything reads them.
type keepFunc func(header http.Header, body []byte) *archive.Revisit

// record archives one response: whole, or as a revisit when keep says the
// archive already holds its content.
func (t *transport) record(ctx context.Context, ex archive.Exchange, keep keepFunc) (archive.Record, error) {
	if keep != nil && ex.Response.StatusCode == http.StatusOK {
		if rv := keep(ex.Response.Header, ex.Body); rv != nil {
			rv.Exchange = ex
			return t.arc.WriteRevisit(ctx, *rv)
		}
	}
	return t.arc.Write(ctx, ex)
}

func (t *transport) setKeep(id string, keep keepFunc) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if keep == nil {
		delete(t.keeps, id)
		return
	}
	t.keeps[id] = keep
}

func (t *transport) keepOf(id string) keepFunc {
	if id == "" {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.keeps[id]
}
