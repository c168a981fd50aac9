package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
)

// The interface language of a request: the lang parameter of any address
// (a link of the language switch), which a page remembers in a cookie;
// else the cookie; else the browser's Accept-Language; else English. The
// parameter is taken off the request before the handlers read it, so every
// page and the API take it besides their own parameters.

// langParam is the query parameter that chooses the interface language.
const langParam = "lang"

// langCookie remembers the language a reader chose with the switch.
const langCookie = "parlq_lang"

// langCookieAge is how long the choice is remembered: a year.
const langCookieAge = 365 * 24 * 60 * 60

type langKey struct{}

// withLanguage chooses the language of each request (see above), tells
// caches that the answer depends on it, and names it in Content-Language.
// A lang parameter that is not fr, nl or en is refused by the API and
// ignored by the pages.
func withLanguage(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var chosen i18n.Lang
		q := r.URL.Query()
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if q.Has(langParam) {
			raw := q.Get(langParam)
			l, ok := i18n.Parse(raw)
			if !ok && api {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": (&index.QueryError{Field: langParam,
					Msg: fmt.Sprintf("%s %q is not one of fr, nl, en", langParam, raw)}).Error(), "field": langParam})
				return
			}
			if ok {
				chosen = l
				if !api && !strings.HasPrefix(r.URL.Path, "/feeds/") {
					http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: langCookieAge,
						HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
				}
			}
			q.Del(langParam)
			r2 := r.Clone(r.Context())
			r2.URL.RawQuery = q.Encode()
			r2.RequestURI = r2.URL.RequestURI()
			r = r2
		}
		if chosen == "" {
			if c, err := r.Cookie(langCookie); err == nil {
				chosen, _ = i18n.Parse(c.Value)
			}
		}
		if chosen == "" {
			chosen = i18n.Negotiate(r.Header.Get("Accept-Language"))
		}
		w.Header().Set("Content-Language", string(chosen))
		w.Header().Add("Vary", "Accept-Language, Cookie")
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, chosen)))
	})
}

// langOf is the interface language of a request (English outside
// withLanguage).
func langOf(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(langKey{}).(i18n.Lang); ok {
		return l
	}
	return i18n.Default
}

// langLink is one language of the switch: the page asked for, in that
// language.
type langLink struct {
	Lang    i18n.Lang
	Name    string
	URL     string
	Current bool
}

// languageSwitch links the page of r in every interface language.
func languageSwitch(r *http.Request, current i18n.Lang) []langLink {
	out := make([]langLink, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		v := r.URL.Query()
		v.Set(langParam, string(l))
		u := url.URL{Path: r.URL.Path, RawQuery: v.Encode()}
		out = append(out, langLink{Lang: l, Name: l.Name(), URL: u.RequestURI(), Current: l == current})
	}
	return out
}
