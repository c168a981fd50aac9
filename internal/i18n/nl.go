package i18n

// nl is the Dutch catalog: English message → Dutch.
var nl = map[string]string{}
