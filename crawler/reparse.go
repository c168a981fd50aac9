package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
)

// maxUnreadableURLs bounds ReparseReport.UnreadableURLs.
const maxUnreadableURLs = 50

// ReparseReport counts what Reparse did.
type ReparseReport struct {
	// Source is the source reparsed.
	Source string
	// Responses is the number of archived 200 responses of the source read.
	Responses int
	// Lists is the number of index/list pages among them (their refs are
	// tracked again).
	Lists int
	// References is the number of reference documents read (a
	// parlq.Referrer's): the pages archived after each are read with it.
	References int
	// New, Changed and Unchanged count the Put outcomes of detail pages.
	New, Changed, Unchanged int
	// Suspects counts the pages held back because their records would be
	// worse than the stored ones (catalog.PutChecked): suspects a harvest
	// already held back, read again, or pages the current parser reads
	// into worse records than the stored ones. SuspectIDs lists the first.
	Suspects   int
	SuspectIDs []string
	// Unreadable counts responses neither Parse nor Discover could read:
	// error pages the harvest archived and rejected, changed layouts.
	Unreadable int
	// UnreadableURLs lists the first of them.
	UnreadableURLs []string
	// Regressed counts the unreadable responses that an earlier parser had
	// stored as records: the current parser lost the ability to read them.
	// A reparse with regressions is an error.
	Regressed int
	// Damaged lists the archived records that could not be read at all
	// (file, offset, what is wrong); the records after them were read. A
	// reparse with damaged records is an error, reported once it is done.
	Damaged []*archive.FormatError
}

// ErrDamaged is wrapped by the error of a reparse that met damaged WARC
// records; the report lists them.
var ErrDamaged = errors.New("damaged warc records")

// ErrRegressed is returned by Reparse when the current parser cannot read
// pages an earlier one stored as records.
var ErrRegressed = errors.New("the current parser cannot read pages stored before")

// Reparse replays the archive in warcDir through the current parser of src
// into the catalog, oldest response first, without touching the network,
// and reports how many records changed. onChange (may be nil) is called for
// every new or changed record.
//
// A response belongs to src when the catalog has its capture under src, or
// else when its host is one of the source's (or loopback, a test stand-in).
// Index pages are read with Discover and their refs tracked, so a catalog
// rebuilt from the archive alone gets its listings and fetch history back;
// the documents a list delivered inline are read from the conversion
// records the harvest wrote for the ones that changed, not from the list.
// The reference documents of a parlq.Referrer are read as they are met, and
// the pages archived after them are read with them: each page with the
// references of its harvest. Put ignores pages older than the current
// version, so reparsing an up-to-date catalog with an unchanged parser
// changes nothing. Records are stored as a harvest stores them
// (catalog.PutChecked): a page whose record would be worse than the stored
// one is held back as suspect, never stored.
func Reparse(ctx context.Context, src parlq.Source, cat *catalog.Catalog, warcDir string, onChange func(*parlq.Question, catalog.PutResult)) (ReparseReport, error) {
	rep := ReparseReport{Source: src.Name()}
	refs, err := newReferenceReader(src)
	if err != nil {
		return rep, fmt.Errorf("reparse %s: %w", src.Name(), err)
	}
	base := src
	err = archive.Walk(ctx, warcDir, func(resp *archive.Response) error {
		conversion := resp.Type == archive.TypeConversion
		if resp.Status != http.StatusOK && !conversion {
			return nil
		}
		canon := ""
		cp, err := cat.CaptureByRecordID(ctx, resp.RecordID)
		switch {
		case err == nil:
			if cp.Source != src.Name() {
				return nil
			}
			canon = cp.URL
		case !errors.Is(err, catalog.ErrNotFound):
			return err
		default:
			if !ofSource(base, resp.URL) {
				return nil
			}
			canon = canonical(base, resp.URL)
		}
		if u, err := url.Parse(canon); err != nil || u.Path == "/robots.txt" {
			return nil
		}
		if refs.is(canon) && !conversion {
			if next, ok := refs.read(canon, resp); ok {
				src = next
				rep.References++
				return nil
			}
			rep.Unreadable++
			if len(rep.UnreadableURLs) < maxUnreadableURLs {
				rep.UnreadableURLs = append(rep.UnreadableURLs, canon)
			}
			return nil
		}
		rep.Responses++
		ct := resp.ContentType
		var listing *parlq.Question
		rd, perr := Read(src, canon, resp.Body, ct, func(id string) (*parlq.Question, error) {
			item, err := cat.Item(ctx, id)
			if errors.Is(err, catalog.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			listing = item.Listing
			return listing, nil
		})
		if perr == nil {
			return putReparsed(ctx, src, cat, rd.Record, rd.Digest, canon, listing, resp, &rep, onChange)
		} else if body, err := decode(resp.Body, ct); err == nil && !conversion {
			if d, derr := src.Discover(canon, body); derr == nil {
				rep.Lists++
				found := make([]parlq.Ref, 0, len(d.Refs))
				for _, ref := range d.Refs {
					ref.URL = canonical(src, ref.URL)
					found = append(found, ref)
				}
				if len(found) > 0 {
					if _, err := cat.Track(ctx, src.Name(), found); err != nil {
						return err
					}
				}
				return nil
			}
		}
		rep.Unreadable++
		if len(rep.UnreadableURLs) < maxUnreadableURLs {
			rep.UnreadableURLs = append(rep.UnreadableURLs, canon)
		}
		if cp != nil && cp.QuestionID != "" {
			was, err := storedFrom(ctx, cat, cp.QuestionID, resp.RecordID)
			if err != nil {
				return err
			}
			if was {
				rep.Regressed++
			}
		}
		return nil
	})
	var damage *archive.DamageError
	if errors.As(err, &damage) {
		rep.Damaged = damage.Damaged
		err = nil
	}
	if err != nil {
		return rep, fmt.Errorf("reparse %s: %w", src.Name(), err)
	}
	if len(rep.Damaged) > 0 {
		return rep, fmt.Errorf("reparse %s: %w: %d (every readable record was read)", src.Name(), ErrDamaged, len(rep.Damaged))
	}
	if rep.Regressed > 0 {
		return rep, fmt.Errorf("reparse %s: %w: %d", src.Name(), ErrRegressed, rep.Regressed)
	}
	return rep, nil
}

func putReparsed(ctx context.Context, src parlq.Source, cat *catalog.Catalog, q *parlq.Question, norm, canon string, listing *parlq.Question, resp *archive.Response, rep *ReparseReport, onChangeFn func(*parlq.Question, catalog.PutResult)) error {
	if _, err := cat.AddCapture(ctx, catalog.Capture{
		Source: src.Name(), URL: canon, QuestionID: q.ID, RecordID: resp.RecordID, File: resp.File,
		Offset: resp.Offset, PayloadDigest: resp.PayloadDigest, NormDigest: norm, Status: resp.Status,
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), FetchedAt: resp.Time,
	}); err != nil {
		return err
	}
	res, err := cat.PutChecked(ctx, q, parlq.Capture{
		RecordID: resp.RecordID, PayloadDigest: resp.PayloadDigest, File: resp.File, Offset: resp.Offset, URL: resp.URL,
	}, resp.Time, catalog.Check{URL: canon, Listing: listing})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case catalog.New:
		rep.New++
	case catalog.Changed:
		rep.Changed++
	case catalog.Suspect:
		rep.Suspects++
		if len(rep.SuspectIDs) < maxUnreadableURLs && !slices.Contains(rep.SuspectIDs, q.ID) {
			rep.SuspectIDs = append(rep.SuspectIDs, q.ID)
		}
	default:
		rep.Unchanged++
	}
	return onChange(ctx, cat, onChangeFn, q, res)
}

// storedFrom says whether a version of the question was parsed from the
// archived record.
func storedFrom(ctx context.Context, cat *catalog.Catalog, questionID, recordID string) (bool, error) {
	vs, err := cat.Versions(ctx, questionID)
	if errors.Is(err, catalog.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		if v.Record.Capture != nil && v.Record.Capture.RecordID == recordID {
			return true, nil
		}
	}
	return false, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
