package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/parser"
)

// runParse parses saved pages with one source and prints their records as
// JSON: one object for one file, an array for several, or one object per
// line with --jsonl. A file that cannot be parsed is reported on stderr by
// name; the others are still printed, and the exit status is 1. For a
// source whose pages name people and bodies described elsewhere (the
// Assemblée nationale's actors and organs), --ref gives the saved reference
// documents the pages are read with, as a harvest reads them.
func runParse(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "parse", "--source NAME [--url URL] [--ref FILE]... [--jsonl] FILE...")
	source := fs.String("source", "", "source that reads the pages (e.g. brussels)")
	pageURL := fs.String("url", "", "URL the page was fetched from (one file only; default: read from the page itself)")
	var refs fileList
	fs.Var(&refs, "ref", "a reference `FILE` the pages are read with (assemblee: an AMO dump, zip or JSON); repeatable")
	jsonl := fs.Bool("jsonl", false, "print one JSON record per line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	switch {
	case *source == "":
		return fmt.Errorf("%w: --source is required (one of: %v)", errUsage, parser.Names())
	case len(files) == 0:
		return fmt.Errorf("%w: no file to parse", errUsage)
	case *pageURL != "" && len(files) > 1:
		return fmt.Errorf("%w: --url names one page; give one file with it", errUsage)
	}
	src, err := parser.Lookup(*source)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if len(refs) > 0 {
		if src, err = withReferences(src, refs); err != nil {
			return err
		}
	}

	var records []*parlq.Question
	failed := 0
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		q, err := parseFile(env, src, *pageURL, file)
		if err != nil {
			fmt.Fprintf(env.Stderr, "parlq parse: %s: %v\n", file, err)
			failed++
			continue
		}
		records = append(records, q)
	}

	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	switch {
	case *jsonl:
		for _, q := range records {
			if err := enc.Encode(q); err != nil {
				return err
			}
		}
	case len(files) == 1:
		if len(records) == 1 {
			enc.SetIndent("", "  ")
			if err := enc.Encode(records[0]); err != nil {
				return err
			}
		}
	default:
		if records == nil {
			records = []*parlq.Question{}
		}
		enc.SetIndent("", "  ")
		if err := enc.Encode(records); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be parsed", failed, len(files))
	}
	return nil
}

// parseFile reads one file ("-" is standard input) and parses it.
func parseFile(env *Env, src parlq.Source, pageURL, file string) (*parlq.Question, error) {
	var body []byte
	var err error
	if file == "-" {
		body, err = io.ReadAll(env.Stdin)
	} else {
		body, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, err
	}
	rd, err := crawler.Read(src, pageURL, body, "", nil)
	return rd.Record, err
}

// fileList is a repeatable flag naming files.
type fileList []string

func (f *fileList) String() string { return strings.Join(*f, ",") }

func (f *fileList) Set(v string) error {
	if v == "" {
		return errors.New("empty file name")
	}
	*f = append(*f, v)
	return nil
}

// withReferences returns src reading pages with the reference documents in
// files. A source without reference documents, or a file it cannot read,
// is an error.
func withReferences(src parlq.Source, files []string) (parlq.Source, error) {
	ref, ok := src.(parlq.Referrer)
	if !ok {
		return nil, fmt.Errorf("%w: --ref: source %s reads no reference documents", errUsage, src.Name())
	}
	docs := make([]parlq.Document, 0, len(files))
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--ref: %w", err)
		}
		docs = append(docs, parlq.Document{URL: f, Body: body})
	}
	out, err := ref.WithReferences(docs)
	if err != nil {
		return nil, fmt.Errorf("--ref: %w", err)
	}
	return out, nil
}
