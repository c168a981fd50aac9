package assemblee

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/parlq/parlq"
)

// references resolves the actors (members) and organs (groups, ministries)
// a question refers to, from the AMO open data. Only what records need is
// kept: names, the dated group mandates, organ names. The actor files hold
// much more (addresses, birth dates, staff), which is never read.
type references struct {
	actors map[string]*actor
	organs map[string]organInfo
}

type actor struct {
	Civility, First, Last string
	// Mandates are the actor's group (GP) and seat (ASSEMBLEE) mandates.
	Mandates []mandate
}

type mandate struct {
	UID, Kind, Legislature, Start, End, Organ, Quality string
}

type organInfo struct {
	Kind, Name, Short string
}

// The AMO shapes: one file per actor, organ or (2020 layout) mandate, or a
// whole export in one file ({"export": {"acteurs": …, "organes": …}}).
type (
	amoFile struct {
		Acteur *amoActor  `json:"acteur"`
		Organe *amoOrgan  `json:"organe"`
		Mandat *amoMandat `json:"mandat"`
		Export *struct {
			Acteurs *struct {
				Acteur many[amoActor] `json:"acteur"`
			} `json:"acteurs"`
			Organes *struct {
				Organe many[amoOrgan] `json:"organe"`
			} `json:"organes"`
		} `json:"export"`
	}
	amoActor struct {
		UID       text `json:"uid"`
		EtatCivil *struct {
			Ident *struct {
				Civ    text `json:"civ"`
				Prenom text `json:"prenom"`
				Nom    text `json:"nom"`
			} `json:"ident"`
		} `json:"etatCivil"`
		Mandats *struct {
			Mandat many[amoMandat] `json:"mandat"`
		} `json:"mandats"`
	}
	amoMandat struct {
		UID          text `json:"uid"`
		ActeurRef    text `json:"acteurRef"`
		Legislature  text `json:"legislature"`
		TypeOrgane   text `json:"typeOrgane"`
		DateDebut    text `json:"dateDebut"`
		DateFin      text `json:"dateFin"`
		InfosQualite *struct {
			CodeQualite text `json:"codeQualite"`
		} `json:"infosQualite"`
		Organes *struct {
			OrganeRef many[text] `json:"organeRef"`
		} `json:"organes"`
	}
	amoOrgan struct {
		UID           text `json:"uid"`
		CodeType      text `json:"codeType"`
		Libelle       text `json:"libelle"`
		LibelleAbrege text `json:"libelleAbrege"`
	}
)

// kept are the mandate kinds records need: the political group and the
// seat (the mandate a question cites).
var kept = map[string]bool{"GP": true, "ASSEMBLEE": true}

// maxEntry bounds one decompressed member of a zip (the largest AMO actor
// file is tens of KB, a question hundreds; a single-file export is bigger).
const maxEntry = 512 << 20

// WithReferences returns the source that resolves actors and organs with
// these AMO documents: zips of acteur/PA….json, organe/PO….json and (2020
// layout) mandat/PM….json files, a single-file export, or one such file
// alone. Several documents are merged (an actor's mandates from all of
// them). A document that is not one of these, or holds a file that cannot
// be read, is an error: a resolver that silently lacks part of its data
// would name authors wrongly.
func (s *Source) WithReferences(docs []parlq.Document) (parlq.Source, error) {
	r := &references{actors: map[string]*actor{}, organs: map[string]organInfo{}}
	if s.refs != nil {
		for k, v := range s.refs.actors {
			c := *v
			c.Mandates = append([]mandate(nil), v.Mandates...)
			r.actors[k] = &c
		}
		for k, v := range s.refs.organs {
			r.organs[k] = v
		}
	}
	for _, d := range docs {
		if err := r.add(d.URL, d.Body); err != nil {
			return nil, err
		}
	}
	r.finish()
	return &Source{refs: r}, nil
}

// add reads one reference document.
func (r *references) add(docURL string, body []byte) error {
	if isZip(body) {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return fmt.Errorf("assemblee: reference %s: %w: %v", docURL, ErrMalformed, err)
		}
		n := 0
		var errs []error
		for _, f := range zr.File {
			if f.FileInfo().IsDir() || !strings.EqualFold(path.Ext(f.Name), ".json") {
				continue
			}
			b, err := readEntry(f)
			if err == nil {
				var found bool
				found, err = r.addFile(b)
				if found {
					n++
				}
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f.Name, err))
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("assemblee: reference %s: %w", docURL, errors.Join(errs...))
		}
		if n == 0 {
			return &parlq.LayoutError{URL: docURL, Missing: []string{"acteur/PA….json or organe/PO….json files"}}
		}
		return nil
	}
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
		found, err := r.addFile(b)
		if err != nil {
			return fmt.Errorf("assemblee: reference %s: %w", docURL, err)
		}
		if !found {
			return &parlq.LayoutError{URL: docURL, Missing: []string{"an acteur, organe, mandat or export object"}}
		}
		return nil
	}
	return fmt.Errorf("assemblee: reference %s: %w: neither a zip nor a JSON object", docURL, ErrMalformed)
}

// addFile reads one AMO JSON file; found says whether it was one.
func (r *references) addFile(b []byte) (bool, error) {
	var f amoFile
	if err := json.Unmarshal(b, &f); err != nil {
		return false, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	found := false
	if f.Acteur != nil {
		found = true
		if err := r.addActor(f.Acteur); err != nil {
			return true, err
		}
	}
	if f.Organe != nil {
		found = true
		r.addOrgan(f.Organe)
	}
	if f.Mandat != nil {
		found = true
		a := string(f.Mandat.ActeurRef)
		if a == "" {
			return true, errors.New("a mandat without acteurRef")
		}
		r.actor(a).addMandate(f.Mandat)
	}
	if e := f.Export; e != nil {
		found = true
		if e.Acteurs != nil {
			for i := range e.Acteurs.Acteur {
				if err := r.addActor(&e.Acteurs.Acteur[i]); err != nil {
					return true, err
				}
			}
		}
		if e.Organes != nil {
			for i := range e.Organes.Organe {
				r.addOrgan(&e.Organes.Organe[i])
			}
		}
	}
	return found, nil
}

func (r *references) actor(uid string) *actor {
	a := r.actors[uid]
	if a == nil {
		a = &actor{}
		r.actors[uid] = a
	}
	return a
}

func (r *references) addActor(x *amoActor) error {
	uid := string(x.UID)
	if uid == "" {
		return errors.New("an acteur without uid")
	}
	a := r.actor(uid)
	if x.EtatCivil != nil && x.EtatCivil.Ident != nil {
		id := x.EtatCivil.Ident
		a.Civility, a.First, a.Last = string(id.Civ), string(id.Prenom), string(id.Nom)
	}
	if x.Mandats != nil {
		for i := range x.Mandats.Mandat {
			a.addMandate(&x.Mandats.Mandat[i])
		}
	}
	return nil
}

func (a *actor) addMandate(m *amoMandat) {
	kind := string(m.TypeOrgane)
	if !kept[kind] {
		return
	}
	out := mandate{UID: string(m.UID), Kind: kind, Legislature: string(m.Legislature)}
	out.Start, _ = dateOf(string(m.DateDebut))
	out.End, _ = dateOf(string(m.DateFin))
	if m.InfosQualite != nil {
		out.Quality = string(m.InfosQualite.CodeQualite)
	}
	if m.Organes != nil && len(m.Organes.OrganeRef) > 0 {
		out.Organ = string(m.Organes.OrganeRef[0])
	}
	for i, old := range a.Mandates {
		if old.UID != "" && old.UID == out.UID {
			a.Mandates[i] = out
			return
		}
	}
	a.Mandates = append(a.Mandates, out)
}

func (r *references) addOrgan(x *amoOrgan) {
	if uid := string(x.UID); uid != "" {
		r.organs[uid] = organInfo{Kind: string(x.CodeType), Name: string(x.Libelle), Short: string(x.LibelleAbrege)}
	}
}

// finish orders every actor's mandates by start date.
func (r *references) finish() {
	for _, a := range r.actors {
		sort.SliceStable(a.Mandates, func(i, j int) bool { return a.Mandates[i].Start < a.Mandates[j].Start })
	}
}

// groupAt returns the political group an actor belonged to on a date
// ("YYYY-MM-DD"), from the group (GP) mandates whose dates cover it, in the
// legislature when one is given. A member holds one group at a time, but may
// hold two mandates in it (member and president); on a day a member moves,
// the group joined that day wins. ok is false when no mandate covers the date.
func (r *references) groupAt(actorRef, legislature, date string) (string, bool) {
	a := r.actors[actorRef]
	if a == nil || date == "" {
		return "", false
	}
	best := mandate{}
	for _, m := range a.Mandates {
		if m.Kind != "GP" || m.Organ == "" || m.Start == "" || m.Start > date || (m.End != "" && m.End < date) {
			continue
		}
		if legislature != "" && m.Legislature != "" && m.Legislature != legislature {
			continue
		}
		if m.Start >= best.Start {
			best = m
		}
	}
	return best.Organ, best.Organ != ""
}

// name returns an actor's name, "First Last", or "" when unknown.
func (r *references) name(actorRef string) string {
	a := r.actors[actorRef]
	if a == nil {
		return ""
	}
	return strings.TrimSpace(collapse(a.First + " " + a.Last))
}

func isZip(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

// readEntry reads one zip member, at most maxEntry bytes, and checks it
// against its checksum.
func readEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxEntry {
		return nil, fmt.Errorf("%w: %d bytes uncompressed", ErrMalformed, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	defer rc.Close()
	b := make([]byte, f.UncompressedSize64)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	// Reading on to the end makes the reader check the size and the CRC-32.
	if n, err := rc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = errors.New("longer than its header says")
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return b, nil
}
