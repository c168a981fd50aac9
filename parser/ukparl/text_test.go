package ukparl

import "testing"

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  \n ", ""},
		{"Plain list text, cut at 255 characters...", "Plain list text, cut at 255 characters..."},
		{"provide\u00a0prosthetic \u2018arms\u2019", "provide prosthetic \u2018arms\u2019"},
		{"<p>One &amp; two.</p><p>Three&nbsp;&pound;4.</p>", "One & two.\nThree \u00a34."},
		{"<p>Line<br>break<br/>again</p>", "Line\nbreak\nagain"},
		{"<p>  spaced\n\t out  </p>\n\n<p></p>", "spaced out"},
		{"<p>Totals:</p><table><tr><th>Year</th><th> Cases </th></tr><tr><td>2024</td><td>1,204</td></tr></table>",
			"Totals:\nYear\tCases\n2024\t1,204"},
		// The API's own table markup: every cell's text in a <p>.
		{"<p>The table shows:</p><table><tbody><tr><td><p>Year</p></td><td><p>Provider</p></td></tr>" +
			"<tr><td><p>2020</p></td><td><p>North Trust</p><p>(two sites)</p></td></tr></tbody></table><p>After.</p>",
			"The table shows:\nYear\tProvider\n2020\tNorth Trust (two sites)\nAfter."},
		{"<table><tr><td><p>a</p></td><td></td><td><p>c</p></td><td> </td></tr><tr><td></td></tr></table>", "a\t\tc"},
		{"<table><tr><td>unclosed<td>cells</table>tail", "unclosed\tcells\ntail"},
		{"<ul><li>first</li><li>second <strong>bold</strong> <a href=\"x\">link</a></li></ul>", "first\nsecond bold link"},
		{"<p>x<script>alert(1)</script>y<style>p{}</style></p>", "xy"},
		{"a < b and c > d", "a < b and c > d"},
		{"<p>unclosed <b>bold", "unclosed bold"},
		{"&#8364;5 &#x2013; &bogus;", "\u20ac5 \u2013 &bogus;"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q): got %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestAPIDate(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "2021-02-01T00:00:00": "2021-02-01", "2021-02-01": "2021-02-01", "2021-02-01T10:11:12.5Z": "2021-02-01",
	} {
		if got, ok := apiDate(in); !ok || got != want {
			t.Errorf("apiDate(%q): got %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"01/02/2021", "2021-02-30T00:00:00", "2021-02-01 00:00", "2021"} {
		if got, ok := apiDate(in); ok {
			t.Errorf("apiDate(%q): got %q; want not a date", in, got)
		}
	}
}
